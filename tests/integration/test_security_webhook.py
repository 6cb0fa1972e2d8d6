"""The webhook security suite: it passes on the reference target, names each faulty target's defect, and
gives the seed (the document's webhook as written) the findings it deserves."""

from __future__ import annotations

import pytest

from tests.integration._security_runs import FAULTY, checks, findings, gate_run

pytestmark = [pytest.mark.live, pytest.mark.slow, pytest.mark.security]

FORGED = "security.forged_signature_refused"
UNSIGNED = "security.unsigned_delivery_refused"
UNVERIFIED = "security.fuzzed_requests_never_enqueue_unverified"
SIZE = {"security.oversized_body_refused_early", "security.declared_oversize_refused_before_body"}

# target: (checks that must report it, checks that may also report it from another side)
CASES = {
    "skips_verification": ({FORGED, UNSIGNED, UNVERIFIED}, set()),
    # a JWT or agent signature carries no X-Monday-Signature: to this target it is simply unsigned
    "accepts_unsigned": ({UNSIGNED}, {FORGED, UNVERIFIED}),
    # the same defect behind gzip-compressed task messages: the tap must decompress to see it
    "accepts_unsigned_gzip": ({UNSIGNED}, {FORGED, UNVERIFIED}),
    "reads_any_size": (SIZE, set()),
    # it enqueues every copy, so copies arriving at once are enqueued more than once too
    "replays_twice": ({"security.replay_not_enqueued_twice"}, {"security.concurrent_duplicates_enqueued_once"}),
    "timing_leak": ({"security.signature_comparison_constant_time"}, set()),
}


def test_reference_passes_every_security_check() -> None:
    run = gate_run("reference")
    security = checks(run, "security.")
    assert len(security) >= 20, run.stderr[-2000:]
    assert {c["status"] for c in security} == {"passed"}, [c for c in security if c["status"] != "passed"]
    assert findings(run, "security.") == []


@pytest.mark.parametrize("name", FAULTY)
def test_faulty_target_gets_its_named_finding(name: str) -> None:
    must, may = CASES[name]
    run = gate_run(name)
    assert run.code == 1, run.stderr[-2000:]
    found = {str(f["check"]) for f in findings(run, "security.")}
    assert must <= found, f"missed: {must - found}"
    assert found <= must | may, f"unrelated security checks also failed: {found - must - may}"
    for finding in findings(run, "security."):
        assert finding["expected"] and finding["observed"] and finding["reproduce"]
        assert finding["severity"] in ("critical", "high", "medium", "low")


def test_forged_and_unsigned_deliveries_are_critical_and_name_the_case() -> None:
    run = gate_run("skips_verification")
    forged = {str(f["subject"]): f for f in findings(run, FORGED, UNSIGNED)}
    for case in ("missing-signature", "wrong-signature", "truncated-signature", "wrong-secret",
                 "signature-of-other-body", "jwt-scheme", "agent-scheme", "expired-jwt", "jwt-wrong-audience"):
        finding = forged[f"POST /webhook/monday ({case})"]
        assert finding["severity"] == "critical" and "enqueued" in str(finding["title"])
        assert "curl" in str(finding["reproduce"]) and "payloads/" in str(finding["reproduce"])


def test_reproduce_lines_point_at_saved_payloads() -> None:
    run = gate_run("replays_twice")
    finding = findings(run, "security.replay_not_enqueued_twice")[0]
    saved = run.report_dir / str(run.report["run_id"]) / "payloads"
    names = [p.split("/", 1)[1].rstrip(";") for p in str(finding["reproduce"]).split() if p.startswith("@payloads/")]
    assert names and all((saved / name).is_file() for name in names)
    assert "$WEBHOOK_SECRET" in str(finding["reproduce"])  # valid signatures are recomputed, never printed


def test_seed_webhook_gets_the_findings_it_deserves() -> None:
    run = gate_run("seed")
    found = {str(f["check"]) for f in findings(run, "security.")}
    assert found >= SIZE | {"security.replay_not_enqueued_twice", "security.malformed_body_refused",
                            "security.fuzzed_requests_never_5xx"}
    assert not found & {FORGED, UNSIGNED, UNVERIFIED}  # the document's HMAC check itself is sound
    malformed = findings(run, "security.malformed_body_refused")
    assert any("HTTP 500" in str(f["title"]) for f in malformed)
