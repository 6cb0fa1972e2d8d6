"""Read-only views of the broker and database: management API, AMQP tap, result backend."""
