"""How the refusal checks grade what a webhook did with an unsigned or forged delivery (README: severities)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.checks.security.cases import Battery, Outcome
from harness.checks.security.deliveries import forged_signature_refused, unsigned_delivery_refused
from harness.checks.security.http import Answer, Probe
from harness.findings import CheckFailed, Severity

CASES = [
    (Answer(202), 1, Severity.CRITICAL),  # anyone can make the service run work
    (Answer(None, error="ReadTimeout"), 1, Severity.CRITICAL),
    (Answer(200), 0, Severity.HIGH),  # accepted, nothing queued (as far as the tap can see)
    (Answer(500), 0, Severity.MEDIUM),  # refused, but with a 5xx Monday retries
]


def session(tmp_path: Path) -> Any:
    return SimpleNamespace(target=SimpleNamespace(workdir=tmp_path, webhook_url="http://127.0.0.1:1/webhook/monday",
                                                  webhook_skip_reason=None))


@pytest.mark.parametrize("check", [unsigned_delivery_refused, forged_signature_refused])
@pytest.mark.parametrize("answer,enqueued,severity", CASES)
def test_an_unverified_delivery_is_graded_by_what_it_caused(tmp_path: Path, check: Any, answer: Answer,
                                                            enqueued: int, severity: Severity) -> None:
    probe = Probe("missing-signature", b"{}", {"Content-Type": "application/json"}, "trigger-1")
    with pytest.raises(CheckFailed) as caught:
        check(session(tmp_path), Battery({"missing-signature": Outcome(probe, answer, enqueued)}), "missing-signature")
    assert caught.value.findings[0].severity == severity


def test_a_refused_delivery_passes(tmp_path: Path) -> None:
    probe = Probe("missing-signature", b"{}", {}, "trigger-1")
    battery = Battery({"missing-signature": Outcome(probe, Answer(401), 0)})
    unsigned_delivery_refused(session(tmp_path), battery, "missing-signature")
