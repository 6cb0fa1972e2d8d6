"""Reproduction lines for findings: the harness command, and the plain command a user can run."""

from __future__ import annotations

import shlex


def harness_line(target: str, check_id: str, broker: str = "rabbitmq") -> str:
    name = check_id.partition(".")[2]
    on = "" if broker == "rabbitmq" else f" --broker {broker}"
    return (f"harness run --target {shlex.quote(target)}{on} --quick  "
            f"# or: {pytest_line(target, name, on)}")


def pytest_line(target: str, selector: str, extra: str = "") -> str:
    """The bundled suites through the pytest plugin: the same line in a checkout and in any project."""
    return f"pytest --harness --target {shlex.quote(target)}{extra} -k {shlex.quote(selector)}"


def delay_line(app_ref: str, task: str) -> str:
    module, _, attr = app_ref.partition(":")
    code = f'from {module} import {attr} as a; a.tasks["{task}"].delay({{"event": {{}}}})'
    return f"python -c {shlex.quote(code)}; rabbitmqctl list_queues -p $RABBITMQ_VHOST name messages"


def curl_line(url: str, payload_file: str, header: str) -> str:
    return (f"curl -sS -X POST {url} -H 'Content-Type: application/json' "
            f"-H \"{header}: $(openssl dgst -sha256 -hmac \"$WEBHOOK_SECRET\" -hex < {payload_file} | cut -d' ' -f2)\" "
            f"--data-binary @{payload_file}")
