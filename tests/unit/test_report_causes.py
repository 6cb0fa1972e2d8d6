"""Findings grouped by root cause: the seed's own findings, as a quick run reported them."""

from __future__ import annotations

from harness.findings import Finding, Severity
from harness.report.causes import cause_lines, group_causes


def finding(severity: str, check: str, subject: str, title: str = "t") -> Finding:
    return Finding(check, subject, Severity.parse(severity), title, "e", "o", "r")


SEED = [
    finding("critical", "routing.route_key_matches_binding", "ai_agent_background.generate_code", "reaches no queue"),
    finding("critical", "routing.route_reaches_queue", "ai_agent_background.generate_code",
            "routing key ai.generate.code reaches no queue"),
    finding("high", "results.no_enqueued_task_is_lost",
            "ai_agent_background.generate_code, ai_agent_background.send_to_dead_letter_queue"),
    finding("high", "routing.route_reaches_queue", "ai_agent_background.send_to_dead_letter_queue",
            "ai_agent_background.send_to_dead_letter_queue was not seen on any target exchange"),
    finding("high", "topology.max_priority_covers_priorities", "webhooks", "queue webhooks ignores priorities"),
    finding("high", "topology.max_priority_covers_priorities", "tests", "queue tests ignores priorities"),
    finding("high", "priority.backlog_consumed_highest_first", "webhooks"),
    finding("high", "security.replay_not_enqueued_twice", "POST /webhook/monday"),
    finding("high", "security.oversized_body_refused_early", "POST /webhook/monday"),
    finding("high", "security.declared_oversize_refused_before_body", "POST /webhook/monday"),
]


def test_one_cause_one_headline() -> None:
    causes = group_causes(SEED)
    assert [(c.lead.check, c.lead.subject) for c in causes] == [
        ("routing.route_key_matches_binding", "ai_agent_background.generate_code"),
        ("routing.route_reaches_queue", "ai_agent_background.send_to_dead_letter_queue"),
        ("topology.max_priority_covers_priorities", "webhooks"),
        ("security.replay_not_enqueued_twice", "POST /webhook/monday"),
        ("security.oversized_body_refused_early", "POST /webhook/monday")]
    # the lost results of both unrouted tasks go under the worse of the two, without merging them
    assert [f.check for f in causes[0].related] == ["routing.route_reaches_queue", "results.no_enqueued_task_is_lost"]
    assert sum(1 + len(c.related) for c in causes) == len(SEED)  # nothing is dropped


def test_the_endpoint_alone_ties_nothing_together() -> None:
    replay, oversize = SEED[7], SEED[8]
    assert len(group_causes([replay, oversize])) == 2


def test_terminal_lines_put_related_checks_under_their_cause() -> None:
    lines = cause_lines(group_causes(SEED[4:7]))
    assert lines[0] == "[high] webhooks: queue webhooks ignores priorities"
    assert lines[1:] == ["    also topology.max_priority_covers_priorities (tests): queue tests ignores priorities",
                         "    also priority.backlog_consumed_highest_first (webhooks): t"]
