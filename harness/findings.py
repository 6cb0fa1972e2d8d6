"""Findings: what a check observed that contradicts the contract.

A check raises a :class:`CheckFailed` subclass named after what it found; the runner turns it into
report entries. Findings carry expected, observed, severity and how to reproduce.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import Any

NOT_APPLICABLE = "not applicable on"  # how a skip reason starts when a property does not exist on a broker


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str
    severity: Severity
    title: str
    expected: str
    observed: str
    reproduce: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


class CheckFailed(AssertionError):
    """A check found the target violating the contract."""

    def __init__(self, *findings: Finding) -> None:
        self.findings = findings
        super().__init__("; ".join(f"[{f.severity}] {f.title}" for f in findings))


class RouteReachesNoQueue(CheckFailed):
    """A routing key matches no binding on the exchange: the message is dropped."""


class RouteReachesWrongQueue(CheckFailed):
    """A task's messages land in a queue other than the contract's."""


class MessageNotObserved(CheckFailed):
    """A published message never appeared on the contract exchange."""


class TaskNotRouted(CheckFailed):
    """The target's configuration has no route, or a different route, for a contract task."""


class CheckSkipped(Exception):
    """A check does not apply to this target; the message is the reason, shown in the report."""


class WebhookRejected(CheckFailed):
    """The target's webhook refused a correctly signed delivery."""


class TopologyMismatch(CheckFailed):
    """A contract queue or exchange is missing, or declared with the wrong properties."""


class PriorityIgnored(CheckFailed):
    """Message priorities do not change the order in which work is done."""


class RetryPolicyMismatch(CheckFailed):
    """A task retries a different number of times, or at a different pace, than the contract says."""


class DeadLetterMissing(CheckFailed):
    """A task that failed for good left no (or a wrong) record in the dead-letter queue."""


class WorkExpires(CheckFailed):
    """Work that waits in its queue longer than the queue's TTL is dropped, or parked where nobody looks."""


class DeadLettersConsumed(CheckFailed):
    """Something consumes the dead-letter queue: dead letters run again and vanish instead of waiting."""


class PoisonMessageLoops(CheckFailed):
    """A message that crashes its worker is delivered again and again, without bound."""


class ResultMissing(CheckFailed):
    """Work was enqueued or done, yet the result backend has no row for it."""


class WorkLost(CheckFailed):
    """A task interrupted by a lost worker was not run again."""


class UnsafePublishing(CheckFailed):
    """A publish can be lost without the publisher knowing."""


class OrphanQueue(CheckFailed):
    """Messages pile up in a queue that no worker consumes."""


# --- webhook security ----------------------------------------------------------------------------

class UnsignedDeliveryAccepted(CheckFailed):
    """The webhook accepted (or enqueued) a delivery that carried no signature."""


class ForgedDeliveryAccepted(CheckFailed):
    """The webhook accepted (or enqueued) a delivery whose signature is not valid for its body."""


class BadRequestMishandled(CheckFailed):
    """A malformed body or a wrong content type got a 2xx or a 5xx instead of a 4xx."""


class ChallengeNotEchoed(CheckFailed):
    """Monday's URL-verification challenge did not come back as sent: the webhook cannot be registered."""


class DeliveryNotEnqueuedOnce(CheckFailed):
    """A valid delivery was enqueued zero times, or more than once."""


class DeliveriesIgnored(CheckFailed):
    """The webhook answered 2xx to valid deliveries and enqueued nothing at all for any of them."""


IGNORED = "accepted but ignored"  # how the finding's title, and the reason of the checks it stops, begin


def ignored_title(count: int, dialect: str) -> str:
    """The title of the one finding for a webhook that accepts valid deliveries and enqueues nothing."""
    return (f"{IGNORED}: no task was enqueued for {count} valid deliveries; the target may expect another "
            f"payload shape (dialect {dialect})")


def ignored_finding(check: str, subject: str, count: int, dialect: str, observed: str, reproduce: str) -> Finding:
    other = "document" if dialect == "monday" else "monday"
    return Finding(check, subject, Severity.HIGH, ignored_title(count, dialect),
                   expected=f"valid deliveries in the contract's dialect ({dialect}) enqueue their tasks; a target "
                            f"that reads the other shape declares it: [webhook] dialect = \"{other}\" in harness.toml",
                   observed=observed, reproduce=reproduce)


class ReplayEnqueuedTwice(CheckFailed):
    """A retried delivery (same triggerUuid) was enqueued again."""


class ConcurrentDuplicatesEnqueued(CheckFailed):
    """Copies of one delivery (same triggerUuid) arriving at the same moment were enqueued more than once."""


class OversizedBodyRead(CheckFailed):
    """A body far above the size limit was read (whole) instead of being refused early with 413."""


class FuzzedRequestCrashed(CheckFailed):
    """A generated request made the webhook answer 5xx."""


class UnverifiedBodyEnqueued(CheckFailed):
    """A generated request without a valid signature was enqueued."""


class TimingLeak(CheckFailed):
    """The time to refuse a signature depends on how much of it is right."""


class SecretEchoed(CheckFailed):
    """A secret (or a valid signature the caller did not have) appears in a response or a log."""


# --- Monday OAuth ---------------------------------------------------------------------------------

class TokenNotAcquired(CheckFailed):
    """The target's way of getting a Monday token does not work (an unsupported grant, say)."""


class UnknownScopesRequested(CheckFailed):
    """The target asks Monday for permission scopes that do not exist (or lacks the ones it needs)."""


class BearerCallRejected(CheckFailed):
    """The target's GraphQL calls were missing, or Monday refused their token."""


class RetryAfterIgnored(CheckFailed):
    """After a 429 the target called again before Retry-After had passed, or gave up."""


class TokenNotRefreshed(CheckFailed):
    """An expired access token was not replaced through the refresh-token grant."""


class BoardNotUpdated(CheckFailed):
    """A webhook's task never changed the Monday board (no status change, no update)."""


class BehaviourChangesWithBroker(CheckFailed):
    """The same check, target and load gave a different outcome on the two brokers (``harness ab``)."""


class QueueNotReplicated(CheckFailed):
    """In a cluster, a queue lives on one node (classic), or on fewer nodes than it should."""


class QuorumRefusesSetting(CheckFailed):
    """A setting of the target's queues that this broker refuses a quorum queue (asked for real)."""
