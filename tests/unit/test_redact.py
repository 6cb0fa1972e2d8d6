"""No secret survives redaction: URL passwords and registered values."""

from harness.endpoints import Broker
from harness.redact import Redactor, mask_url_passwords


def test_url_passwords_are_masked() -> None:
    text = "amqp://ai_agent_user:secure_password_123@localhost:5672/ai_agent and db+postgresql://admin:pw@h/db"
    masked = mask_url_passwords(text)
    assert "secure_password_123" not in masked and ":pw@" not in masked
    assert "amqp://ai_agent_user:***@localhost" in masked


def test_registered_secrets_are_masked_anywhere() -> None:
    redact = Redactor(["s3cr3t-webhook-value"])
    assert redact('{"sig": "x", "secret": "s3cr3t-webhook-value"}') == '{"sig": "x", "secret": "***"}'


def test_broker_repr_hides_the_password() -> None:
    broker = Broker("h", 5672, "user", "hunter2-password")
    assert "hunter2-password" not in repr(broker)
    assert "hunter2-password" in broker.amqp_url  # the target needs it; reports go through the redactor
