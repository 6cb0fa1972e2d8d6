"""The load run's processes of their own (``python -m harness.load.daemons.<name>``), unpatched by gevent, and
the clients that start them: the tap and floor publisher, a session with a running target, a trivial endpoint."""
