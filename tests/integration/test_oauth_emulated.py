"""``--oauth-test`` against the Monday emulator: the reference target's OAuth 2.1 client passes every check;
the document's client_credentials flow with its items:* scopes fails with those two findings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration._security_runs import checks, findings, gate_run

pytestmark = [pytest.mark.live, pytest.mark.slow]
OAUTH_CHECKS = {"oauth.token_acquired", "oauth.requested_scopes_exist", "oauth.bearer_calls_authenticated",
                "oauth.webhook_updates_board", "oauth.retry_after_honoured", "oauth.expired_token_refreshed"}


def test_reference_passes_the_oauth_suite() -> None:
    run = gate_run("reference")
    oauth = checks(run, "oauth.")
    assert {str(c["id"]) for c in oauth} == OAUTH_CHECKS
    assert {c["status"] for c in oauth} == {"passed"}, oauth
    assert findings(run, "oauth.") == []


def test_seed_fails_on_client_credentials_and_items_scopes() -> None:
    run = gate_run("seed")
    assert run.code == 1 and run.report["verdict"] == "fail"
    token = findings(run, "oauth.token_acquired")
    scopes = findings(run, "oauth.requested_scopes_exist")
    assert token and "client_credentials" in str(token[0]["title"]) and token[0]["severity"] == "critical"
    assert "unsupported_grant_type" in str(token[0]["observed"])
    assert scopes and "items:read items:write" in str(scopes[0]["title"])
    assert {str(f["check"]) for f in findings(run, "oauth.")} <= {"oauth.token_acquired",
                                                                   "oauth.requested_scopes_exist",
                                                                   "oauth.webhook_updates_board"}


def _pytest_oauth(*options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONDAY_LIVE_")}
    command = [sys.executable, "-m", "pytest", "scenarios/test_oauth.py", "-p", "no:cacheprovider", "-rs", "-q",
               "--services", "external", *options]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)


def test_oauth_suite_without_the_option_tests_nothing_and_says_so() -> None:
    """Every check skipped with its reason is not a pass: pytest's exit code 5, and one line that says why."""
    done = _pytest_oauth()
    assert done.returncode == 5 and "6 skipped" in done.stdout, done.stdout[-2000:]
    assert "the OAuth suite runs only with --oauth-test" in done.stdout
    assert "harness: nothing was tested: all 6 checks were skipped" in done.stdout


def test_monday_live_without_credentials_tests_nothing_and_names_the_missing_variables() -> None:
    done = _pytest_oauth("--oauth-test", "--monday-live")
    assert done.returncode == 5 and "6 skipped" in done.stdout, done.stdout[-2000:]
    assert "--monday-live needs MONDAY_LIVE_CLIENT_ID" in done.stdout
    assert "harness: nothing was tested" in done.stdout
