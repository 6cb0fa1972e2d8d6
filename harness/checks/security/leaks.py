"""No secret leaves the webhook: not in its answers, not in its logs.

The answers are those the refusal battery collected (refusals are where an over-helpful error message
tends to say "expected <signature>"). A refusal that reveals the valid signature of the caller's own
body turns the webhook into a signing oracle, so that counts as a leak too. The logs are the target's
own process logs in the run's work folder (``webhook.log``, ``worker.log``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from harness.checks.security.cases import Battery, Outcome
from harness.checks.security.http import SUBJECT, headers_for
from harness.findings import Finding, SecretEchoed, Severity
from harness.session import Session

CHECK = "security.secret_never_echoed"
LOGS = ("webhook.log", "worker*.log")  # each worker of the target writes its own


def _secret_names(session: Session) -> dict[str, str]:
    s = session.secrets
    return {s.webhook_secret: "WEBHOOK_SECRET", s.signing_secret: "MONDAY_SIGNING_SECRET",
            s.client_key: "MONDAY_CLIENT_KEY"}


def _expected_signature(session: Session, outcome: Outcome) -> str | None:
    """The valid signature of a refused request's body, which the caller did not have."""
    if outcome.probe.signed or session.config.contract.webhook.scheme != "hmac-hex":
        return None
    header = session.config.contract.webhook.signature_header
    return headers_for(session, outcome.probe.body)[header]


def _answer_leaks(session: Session, outcome: Outcome) -> list[str]:
    answer = outcome.answer
    text = answer.text + "\n" + "\n".join(f"{k}: {v}" for k, v in answer.headers.items())
    leaks = [name for secret, name in _secret_names(session).items() if secret in text]
    expected = _expected_signature(session, outcome)
    if expected and expected in text:
        leaks.append("the valid signature of the refused body")
    return leaks


def _log_leaks(session: Session, logs: Iterable[Path]) -> list[tuple[str, str, int]]:
    found = []
    for log in logs:
        if not log.is_file():
            continue
        for number, line in enumerate(log.read_text(errors="replace").splitlines(), 1):
            found += [(log.name, name, number) for secret, name in _secret_names(session).items() if secret in line]
    return found


def answer_findings(session: Session, battery: Battery) -> list[Finding]:
    findings = []
    for case, outcome in battery.items():
        for leak in _answer_leaks(session, outcome):
            findings.append(Finding(
                CHECK, f"{SUBJECT} ({case})", Severity.CRITICAL, f"the answer to a refused request contains {leak}",
                expected="answers that never contain a secret or a signature the caller did not send",
                observed=f"{leak} appears in {outcome.answer.describe()[:60]}... (masked in this report)",
                reproduce=f"harness run --target {session.spec.name} -- -k secret_never_echoed"))
    return findings


def log_findings(session: Session) -> list[Finding]:
    leaks = _log_leaks(session, (log for pattern in LOGS for log in sorted(session.target.workdir.glob(pattern))))
    return [Finding(CHECK, log, Severity.HIGH, f"{name} is written to {log}",
                    expected="process logs that never contain a secret",
                    observed=f"{log} line {number} contains the value of {name} (masked in the report's copy)",
                    reproduce=f"grep -n \"${name}\" {log}") for log, name, number in leaks]


def secret_never_echoed(session: Session, battery: Battery) -> None:
    """No response of the battery, and no line of the target's logs, contains a secret."""
    findings = answer_findings(session, battery) + log_findings(session)
    if findings:
        raise SecretEchoed(*findings)
