"""No secret reaches a run's artifacts or output: a gate run with secrets placed in every input the
harness receives (broker password on a broker user made for the test, given as --broker-url; database
password in HARNESS_DATABASE_URL), plus the secrets the harness generates for the target (webhook
secret, signing secret, client key), read from the target's own environment while it runs. Every file
of the run directory, stdout and stderr are scanned for each of them."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.browser import chromium, open_page
from tests.conftest import HARNESS, ROOT
from tests.integration._shared import made_once
from tests.leftovers import processes_of

pytestmark = [pytest.mark.live, pytest.mark.slow]
API = "http://127.0.0.1:15672/api"
READY = re.compile(r"services \w+, broker \w+, target .+, run (\d{8}-\d{6}-[0-9a-f]{6})")
GENERATED = ("WEBHOOK_SECRET", "MONDAY_SIGNING_SECRET", "MONDAY_CLIENT_KEY", "RABBITMQ_PASSWORD")


@contextmanager
def broker_user() -> Iterator[tuple[str, str]]:
    """A broker user of its own with a distinctive password (administrator: each run makes a vhost)."""
    user, password = f"redact-{secrets.token_hex(3)}", f"Brk-Redact-{secrets.token_hex(8)}"
    body = {"password": password, "tags": "administrator"}
    httpx.put(f"{API}/users/{user}", json=body, auth=("guest", "guest"), timeout=10).raise_for_status()
    try:
        yield user, password
    finally:
        httpx.delete(f"{API}/users/{user}", auth=("guest", "guest"), timeout=10)


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if b"=" in item)
    return {key: value for key, _, value in pairs}


def _target_secrets(run_id: str) -> dict[str, str]:
    """The generated secrets, as the harness handed them to the target's processes."""
    found: dict[str, str] = {}
    for pid in processes_of(run_id):
        env = _environ(pid)
        found.update({name: env[name] for name in (*GENERATED, "RABBITMQ_USER") if env.get(name)})
    return found


def _run_gate(report_dir: Path, broker_url: str, database_url: str) -> tuple[int, str, str, dict[str, str]]:
    env = {**os.environ, "CI": "true", "HARNESS_DATABASE_URL": database_url}
    proc = subprocess.Popen([HARNESS, "run", "--target", "seed", "--quick", "--services", "external",
                             "--broker-url", broker_url, "--management-url", "http://127.0.0.1:15672",
                             "--report-dir", str(report_dir)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    head, generated = [], {}
    for line in proc.stdout:
        head.append(line)
        if found := READY.search(line):
            generated = _target_secrets(found.group(1))
            break
    out, err = proc.communicate(timeout=150)
    return proc.returncode, "".join(head) + out, err, generated


def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote(secret)}


@dataclass
class SecretRun:
    code: int
    out: str
    err: str
    user: str
    planted: dict[str, str]
    generated: dict[str, str]
    report_dir: Path


def _secret_run(report_dir: Path) -> dict[str, Any]:
    database_password = f"Db-Redact-{secrets.token_hex(8)}"
    with broker_user() as (user, broker_password):
        code, out, err, generated = _run_gate(
            report_dir, f"amqp://{user}:{broker_password}@127.0.0.1:5672/",
            f"postgresql://postgres:{database_password}@127.0.0.1:5432/postgres")
    planted = {"broker password": broker_password, "database password": database_password,
               **{name: generated[name] for name in GENERATED if name in generated}}
    return {**asdict(SecretRun(code, out, err, user, planted, generated, report_dir)), "report_dir": str(report_dir)}


@pytest.fixture(scope="module")
def secret_run() -> SecretRun:
    """The run, made once for every test process of the session that runs one of these tests."""
    saved = made_once("secret-run", _secret_run)
    return SecretRun(**{**saved, "report_dir": Path(saved["report_dir"])})


def test_the_run_used_the_planted_secrets(secret_run: SecretRun) -> None:
    assert secret_run.code == 1, secret_run.err[-2000:]
    generated = secret_run.generated
    assert generated.get("RABBITMQ_USER") == secret_run.user
    assert generated.get("RABBITMQ_PASSWORD") == secret_run.planted["broker password"]
    assert set(GENERATED) <= set(generated), "the target's generated secrets could not be read"


def test_no_secret_in_any_artifact_or_output(secret_run: SecretRun) -> None:
    artifacts = [p for p in secret_run.report_dir.rglob("*") if p.is_file()]
    names = {p.name for p in artifacts}
    assert {"report.json", "junit.xml", "report.html"} <= names and any(p.parent.name == "logs" for p in artifacts)
    report = json.loads(next(p for p in artifacts if p.name == "report.json").read_text())
    assert report["timeline"], "the broker sampler took no sample with the test's broker user"
    texts = {str(p.relative_to(secret_run.report_dir)): p.read_bytes().decode("utf-8", "replace") for p in artifacts}
    texts.update({"stdout": secret_run.out, "stderr": secret_run.err})
    leaks = [(what, where) for what, secret in secret_run.planted.items() for where, text in texts.items()
             if any(form in text for form in _forms(secret))]
    assert len(secret_run.planted) == 2 + len(GENERATED) and leaks == []


@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make browser installs it)")
def test_the_run_report_renders_in_chromium(secret_run: SecretRun) -> None:
    html = next(secret_run.report_dir.rglob("report.html"))
    with open_page(html.as_uri()) as page:
        wanted = page.evaluate("document.querySelectorAll('[data-chart]').length"
                               " - document.querySelectorAll('[data-chart] .empty').length")
        page.wait_until(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {wanted}")
        page.screenshot(ROOT / "reports" / "test-artifacts" / "report-browser-gate-run.png")
        errors = page.console_errors()
    assert wanted >= 3 and errors == []  # at least the broker charts, from the sampler
