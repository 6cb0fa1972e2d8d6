"""Webhook security: who the webhook listens to, and what it enqueues.

The refusal cases come from one :class:`~harness.checks.security.cases.Battery` sent per session;
each check here judges one family of them. "Nothing enqueued" is read from the tap: no message
carrying the request's ``triggerUuid`` reached a queue within a short bounded wait.
"""

from __future__ import annotations

import json
import secrets
import time

from harness.checks.ignored import skip_if_ignored
from harness.checks.live import skip_if_undecodable, undecodable_since
from harness.checks.security.cases import WHAT, Battery, Outcome
from harness.checks.security.http import (
    SUBJECT,
    Answer,
    Probe,
    enqueued,
    headers_for,
    reproduce,
    send,
    settle,
    signed_probe,
    wait_enqueued,
)
from harness.findings import (
    BadRequestMishandled,
    ChallengeNotEchoed,
    CheckSkipped,
    DeliveryNotEnqueuedOnce,
    Finding,
    ForgedDeliveryAccepted,
    ReplayEnqueuedTwice,
    Severity,
    UnsignedDeliveryAccepted,
)
from harness.payloads.dialects import mark_retry
from harness.session import Session

UNSIGNED = "security.unsigned_delivery_refused"
FORGED = "security.forged_signature_refused"
MALFORMED = "security.malformed_body_refused"
CONTENT_TYPE = "security.wrong_content_type_refused"
CHALLENGE = "security.challenge_echoed"
VALID_ONCE = "security.valid_delivery_enqueued_once"
REPLAY = "security.replay_not_enqueued_twice"


def _outcome(battery: Battery, case: str) -> Outcome:
    if case not in battery:
        raise CheckSkipped(f"case {case} does not apply to the contract's signature scheme")
    return battery[case]


def _refusal_finding(session: Session, check: str, outcome: Outcome, worst: Severity) -> Finding | None:
    """None when the case got a 4xx and enqueued nothing; else what happened, graded from ``worst``."""
    answer, count = outcome.answer, outcome.enqueued
    if answer.refused and count == 0:
        skip_if_undecodable(outcome.undecodable, "while the battery ran")
        return None
    what = WHAT.get(outcome.probe.name, outcome.probe.name)
    if count:
        severity, title = worst, f"a delivery with {what} was enqueued"
    elif answer.status is not None and answer.status < 400:
        severity, title = Severity(max(worst - 1, 1)), f"a delivery with {what} was accepted"
    else:
        got = f"HTTP {answer.status}" if answer.status else "no answer"
        severity, title = Severity.MEDIUM, f"a delivery with {what} got {got} instead of a 4xx"
    observed = f"{answer.describe()}; {count} message(s) with triggerUuid {outcome.probe.trigger} reached a queue"
    return Finding(check, f"{SUBJECT} ({outcome.probe.name})", severity, title,
                   expected="a 4xx answer and nothing enqueued", observed=observed,
                   reproduce=reproduce(session, outcome.probe))


def unsigned_delivery_refused(session: Session, battery: Battery, case: str) -> None:
    """A delivery without a signature (no header, or an empty one) gets a 4xx and enqueues nothing."""
    finding = _refusal_finding(session, UNSIGNED, _outcome(battery, case), Severity.CRITICAL)
    if finding:
        raise UnsignedDeliveryAccepted(finding)


def forged_signature_refused(session: Session, battery: Battery, case: str) -> None:
    """A wrong, truncated, wrong-secret, other-body, other-scheme, expired or wrong-aud signature is refused."""
    finding = _refusal_finding(session, FORGED, _outcome(battery, case), Severity.CRITICAL)
    if finding:
        raise ForgedDeliveryAccepted(finding)


def malformed_body_refused(session: Session, battery: Battery, case: str) -> None:
    """A correctly signed body that is not a JSON object gets a 4xx (not a 5xx, which Monday retries)."""
    finding = _refusal_finding(session, MALFORMED, _outcome(battery, case), Severity.MEDIUM)
    if finding:
        raise BadRequestMishandled(finding)


def wrong_content_type_refused(session: Session, battery: Battery, case: str) -> None:
    """A signed event sent with a content type other than application/json gets a 4xx."""
    finding = _refusal_finding(session, CONTENT_TYPE, _outcome(battery, case), Severity.LOW)
    if finding:
        raise BadRequestMishandled(finding)


def challenge_echoed(session: Session) -> None:
    """Monday's ``{"challenge": token}`` comes back as a 200 with the same JSON body."""
    token = secrets.token_urlsafe(24)
    body = json.dumps({"challenge": token}).encode()
    probe = Probe("challenge", body, headers_for(session, body), signed=True)
    answer = send(session, probe)
    if answer.status == 200 and _json(answer) == {"challenge": token}:
        return
    raise ChallengeNotEchoed(Finding(
        CHALLENGE, SUBJECT, Severity.HIGH, "the URL-verification challenge is not echoed",
        expected=f'HTTP 200 with body {{"challenge": "{token}"}} (Monday registers the URL only then)',
        observed=answer.describe(), reproduce=reproduce(session, probe)))


def _json(answer: Answer) -> object:
    try:
        return json.loads(answer.text)
    except ValueError:
        return None


def webhook_task(session: Session) -> str:
    """The project's task in the webhook role (the document's process_monday_webhook unless mapped)."""
    return session.config.contract.role_name("webhook")


def valid_delivery_enqueued_once(session: Session) -> None:
    """A correctly signed delivery gets a 2xx and exactly one webhook task message."""
    probe, since = signed_probe(session, "valid"), time.monotonic_ns()
    answer = send(session, probe)
    assert probe.trigger is not None
    count = wait_enqueued(session, probe.trigger, webhook_task(session))
    if count:
        settle(0.5)
        count = enqueued(session, probe.trigger, webhook_task(session))
    else:
        skip_if_ignored(session, probe.trigger, answer.status is not None and 200 <= answer.status < 300, since)
    if answer.status is not None and 200 <= answer.status < 300 and count == 1:
        return
    raise DeliveryNotEnqueuedOnce(Finding(
        VALID_ONCE, SUBJECT, Severity.HIGH,
        f"a correctly signed delivery was enqueued {count} times" if count != 1 else
        f"a correctly signed delivery got HTTP {answer.status}",
        expected=f"a 2xx answer and exactly one {webhook_task(session)} message",
        observed=f"{answer.describe()}; {count} message(s) with triggerUuid {probe.trigger}",
        reproduce=reproduce(session, probe)))


def replay_not_enqueued_twice(session: Session) -> None:
    """Monday's retry of a delivery (same triggerUuid, ``isRetry: true``) is not enqueued again."""
    first = signed_probe(session, "replay-original")
    assert first.trigger is not None
    send(session, first)
    if not wait_enqueued(session, first.trigger, webhook_task(session)):
        raise CheckSkipped("the original delivery was never enqueued (see security.valid_delivery_enqueued_once)")
    retry = _as_retry(session, first)
    started = time.monotonic_ns()
    answer = send(session, retry)
    settle()
    count = enqueued(session, first.trigger, webhook_task(session))
    if count <= 1:
        skip_if_undecodable(undecodable_since(session, started), "after the retry")
        return
    raise ReplayEnqueuedTwice(Finding(
        REPLAY, SUBJECT, Severity.HIGH, f"a retried delivery was enqueued again ({count} times in all)",
        expected="the retry (same triggerUuid, isRetry: true) answered 2xx and not enqueued a second time",
        observed=f"retry got {answer.describe()}; {count} {webhook_task(session)} messages carry triggerUuid "
                 f"{first.trigger}",
        reproduce=f"{reproduce(session, first)}; {reproduce(session, retry)}"))


def _as_retry(session: Session, original: Probe) -> Probe:
    body = json.dumps(mark_retry(json.loads(original.body))).encode()
    return Probe("replay-retry", body, headers_for(session, body), original.trigger, signed=True)

