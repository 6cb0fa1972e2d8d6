"""Webhook security: signatures, malformed and oversized requests, replays, fuzzing, timing, secrets.

Every check needs the target's webhook and is skipped, with the reason, when there is none. The
refusal cases are parametrized from the contract's signature scheme.
"""

from collections.abc import Callable

import pytest

from harness.checks.security import deliveries, fuzz, leaks, race, size, timing
from harness.checks.security.cases import CONTENT_TYPES, MALFORMED, UNSIGNED, Battery, forged_cases
from harness.checks.security.fuzz import FuzzRun
from harness.pytest_plugin import CONFIG_KEY
from harness.session import Session

pytestmark = [pytest.mark.quick, pytest.mark.security]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    scheme = metafunc.config.stash[CONFIG_KEY].contract.webhook.scheme
    signed = scheme != "none"
    cases = {"unsigned_case": UNSIGNED if signed else (), "forged_case": forged_cases(scheme) if signed else (),
             "malformed_case": MALFORMED, "content_type_case": tuple(CONTENT_TYPES)}
    for name, values in cases.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, values, ids=list(values))


@pytest.mark.check("security.challenge_echoed", subject="POST /webhook/monday")
def test_challenge_echoed(harness_session: Session) -> None:
    deliveries.challenge_echoed(harness_session)


@pytest.mark.check("security.valid_delivery_enqueued_once", subject="POST /webhook/monday")
def test_valid_delivery_enqueued_once(harness_session: Session) -> None:
    deliveries.valid_delivery_enqueued_once(harness_session)


@pytest.mark.check("security.unsigned_delivery_refused")
def test_unsigned_delivery_refused(harness_session: Session, security_battery: Battery, unsigned_case: str) -> None:
    deliveries.unsigned_delivery_refused(harness_session, security_battery, unsigned_case)


@pytest.mark.check("security.forged_signature_refused")
def test_forged_signature_refused(harness_session: Session, security_battery: Battery, forged_case: str) -> None:
    deliveries.forged_signature_refused(harness_session, security_battery, forged_case)


@pytest.mark.check("security.malformed_body_refused")
def test_malformed_body_refused(harness_session: Session, security_battery: Battery, malformed_case: str) -> None:
    deliveries.malformed_body_refused(harness_session, security_battery, malformed_case)


@pytest.mark.check("security.wrong_content_type_refused")
def test_wrong_content_type_refused(harness_session: Session, security_battery: Battery,
                                    content_type_case: str) -> None:
    deliveries.wrong_content_type_refused(harness_session, security_battery, content_type_case)


@pytest.mark.check("security.oversized_body_refused_early", subject="POST /webhook/monday")
def test_oversized_body_refused_early(harness_session: Session) -> None:
    size.oversized_body_refused_early(harness_session)


@pytest.mark.check("security.declared_oversize_refused_before_body", subject="POST /webhook/monday")
def test_declared_oversize_refused_before_body(harness_session: Session) -> None:
    size.declared_oversize_refused_before_body(harness_session)


@pytest.mark.check("security.replay_not_enqueued_twice", subject="POST /webhook/monday")
def test_replay_not_enqueued_twice(harness_session: Session) -> None:
    deliveries.replay_not_enqueued_twice(harness_session)


@pytest.mark.check("security.concurrent_duplicates_enqueued_once", subject="POST /webhook/monday")
def test_concurrent_duplicates_enqueued_once(harness_session: Session) -> None:
    race.concurrent_duplicates_enqueued_once(harness_session)


@pytest.mark.check("security.fuzzed_requests_never_5xx", subject="POST /webhook/monday")
def test_fuzzed_requests_never_5xx(harness_session: Session, fuzz_run: FuzzRun) -> None:
    fuzz.never_5xx(harness_session, fuzz_run)


@pytest.mark.check("security.fuzzed_requests_never_enqueue_unverified", subject="POST /webhook/monday")
def test_fuzzed_requests_never_enqueue_unverified(harness_session: Session, fuzz_run: FuzzRun) -> None:
    fuzz.never_enqueues_unverified(harness_session, fuzz_run)


@pytest.mark.check("security.signature_comparison_constant_time", subject="POST /webhook/monday")
def test_signature_comparison_constant_time(harness_session: Session,
                                            record_property: Callable[[str, object], None]) -> None:
    record_property("harness_note", timing.signature_comparison_constant_time(harness_session))


@pytest.mark.check("security.secret_never_echoed", subject="POST /webhook/monday")
def test_secret_never_echoed(harness_session: Session, security_battery: Battery) -> None:
    leaks.secret_never_echoed(harness_session, security_battery)
