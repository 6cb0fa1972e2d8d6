"""Bad input exits 2 with one line naming the problem, and never a secret or a traceback."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.live


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_unknown_target_module(harness) -> None:
    run = harness("run", "--target", "does.not.exist", "--quick", "--services", "external")
    assert run.code == 2
    line = _one_line(run.stderr)
    assert "does.not.exist" in line and "No module named" in line


def test_wrong_broker_password_is_named_but_not_shown(harness) -> None:
    secret = "wrong-pass-4711"
    run = harness("run", "--quick", "--services", "external",
                  "--broker-url", f"amqp://guest:{secret}@127.0.0.1:5672/")
    assert run.code == 2
    line = _one_line(run.stderr)
    assert "credentials" in line and secret not in run.stderr + run.stdout


def test_unreachable_broker(harness) -> None:
    run = harness("run", "--quick", "--services", "external",
                  "--broker-url", "amqp://guest:guest@127.0.0.1:1/", "--management-url", "http://127.0.0.1:1")
    assert run.code == 2
    assert "unreachable" in _one_line(run.stderr)


@pytest.mark.parametrize("args,needle", [
    (("--services", "nope"), "--services"),
    (("--time-scale", "5"), "--time-scale"),
    (("--target", "not a module!"), "--target"),
    (("--target", "missing_file.py"), "missing_file.py"),
    (("--celery-app", "nocolon"), "--celery-app"),
    (("--target-python", "/no/such/python"), "--target-python"),
])
def test_bad_options(harness, args: tuple[str, ...], needle: str) -> None:
    run = harness("run", "--quick", "--services", "external", *args)
    assert run.code == 2
    assert needle in _one_line(run.stderr)


def test_doctor_lists_every_backend_with_a_reason(harness) -> None:
    run = harness("doctor")
    assert run.code == 0
    rows = {line.split()[0]: line for line in run.stdout.splitlines()}
    assert set(rows) == {"docker", "local", "external", "redis/docker", "redis/local", "redis/external", "auto",
                         "target", "chromium"}
    assert rows["local"].split()[1] == "ok" and rows["external"].split()[1] == "ok"
    assert all(len(line.split()) > 2 for line in rows.values())  # each with its reason
