"""Matching sends to their first message: outcomes in either order, failures by kind, lost ones."""

from __future__ import annotations

from harness.load.stats.matching import ERROR, HTTP, LOST, MATCHED, TIMEOUT, Matcher

MS = 1_000_000


def test_message_before_answer_and_answer_before_message_both_complete() -> None:
    matcher = Matcher(deadline_ns=5000 * MS)
    matcher.sent(1, intended_ns=0, t0_ns=1 * MS)
    matcher.sent(2, intended_ns=10 * MS, t0_ns=10 * MS)
    assert matcher.observed(1, 4 * MS) is None
    done = matcher.responded(1)
    assert done is not None and done.kind == MATCHED
    assert (done.corrected_us, done.uncorrected_us) == (4000, 3000)
    assert matcher.responded(2) is None
    second = matcher.observed(2, 12 * MS)
    assert second is not None and second.uncorrected_us == 2000 and len(matcher) == 0


def test_failures_carry_no_latency_even_when_a_message_came() -> None:
    matcher = Matcher(deadline_ns=5000 * MS)
    for seq in (1, 2, 3):
        matcher.sent(seq, 0, 0)
    matcher.observed(1, 1 * MS)
    outcomes = [matcher.responded(1, HTTP, "HTTP 500"), matcher.responded(2, TIMEOUT, "timeout"),
                matcher.responded(3, ERROR, "error")]
    assert [(o.kind, o.corrected_us) for o in outcomes if o] == [(HTTP, None), (TIMEOUT, None), (ERROR, None)]
    assert matcher.observed(1, 2 * MS) is None  # a late copy of a failed send is ignored


def test_accepted_sends_without_a_message_are_lost_after_the_deadline() -> None:
    matcher = Matcher(deadline_ns=100 * MS)
    matcher.sent(1, 0, 0)
    matcher.sent(2, 0, 50 * MS)
    matcher.responded(1)
    matcher.responded(2)
    assert matcher.expire(120 * MS)[0].kind == LOST
    assert matcher.expire(120 * MS) == []
    assert [o.kind for o in matcher.abandon()] == [LOST]


def test_duplicates_and_strangers_are_ignored() -> None:
    matcher = Matcher(deadline_ns=100 * MS)
    matcher.sent(1, 0, 0)
    assert matcher.observed(99, 1) is None
    matcher.observed(1, 2 * MS)
    assert matcher.observed(1, 3 * MS) is None
    done = matcher.responded(1)
    assert done is not None and done.uncorrected_us == 2000
