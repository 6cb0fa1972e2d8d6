"""Record the evidence the replication checks judge, from a real run of one target on a local 3-node cluster.

    .venv/bin/python -m tests.evidence.capture_replication seed
    .venv/bin/python -m tests.evidence.capture_replication reference

Starts the cluster (``--services local --nodes 3``) and the target the way ``harness run`` does, runs the
replication checks and writes to ``tests/evidence/replication/<target>.json``: the management API's ``/api/nodes``
and contract queues (type, node, leader, members, online, arguments), the target's queue description, each setting
tried on a scratch quorum queue with the broker's reply, the global QoS reply, and each live check's outcome.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from harness.checks import replication
from harness.config import HarnessConfig, config_from_options
from harness.faults.plan import parse_faults
from harness.options import GATE
from harness.session import Session, open_session
from tests.evidence.capture import recording
from tests.evidence.replay import Outcome, outcome

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "tests" / "evidence" / "replication"
QUEUE_FIELDS = ("name", "type", "node", "leader", "members", "online", "arguments", "durable")


def config_for(target: str) -> HarnessConfig:
    given = {"target": target, "services": "local", "nodes": 3, "quick": True, "load": False}
    return config_from_options(ROOT, GATE, given, os.environ, parse_faults)


def queue_of(found: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: found.get(k) for k in QUEUE_FIELDS} if found else None


def capture(session: Session) -> dict[str, Any]:
    contract, recorded = session.config.contract, {}  # type: ignore[var-annotated]
    outcomes: dict[str, Outcome] = {}
    with recording(replication, "judge_refusals", recorded, "refusals",
                   lambda _s, name, tried, replies: {"queue": name, "tried": dict(tried), "replies": dict(replies)}), \
            recording(replication, "judge_global_qos", recorded, "global_qos", lambda _s, reply: reply):
        for queue in contract.work_queues:
            outcomes[f"replication.queue_is_replicated[{queue}]"] = outcome(
                lambda q=queue: replication.queue_is_replicated(session, q))
            outcomes[f"replication.quorum_accepts_settings[{queue}]"] = outcome(
                lambda q=queue: replication.quorum_accepts_settings(session, q))
        outcomes["replication.worker_qos_fits_quorum"] = outcome(lambda: replication.worker_qos_fits_quorum(session))
    described = session.target.description
    description = {"celery_version": described.get("celery_version"),
                   "conf": {"worker_detect_quorum_queues": (described.get("conf") or {}).get(
                       "worker_detect_quorum_queues")},
                   "queues": [{k: q.get(k) for k in ("name", "arguments", "durable")}
                              for q in described.get("queues", [])]}
    return {"nodes": [{k: n.get(k) for k in ("name", "running", "partitions")} for n in session.api.nodes()],
            "queues": {q: queue_of(session.api.queue(session.vhost, q)) for q in contract.work_queues},
            "description": description, "refusals": recorded.get("refusals", []),
            "global_qos": (recorded.get("global_qos") or [None])[0], "outcomes": outcomes}


def main(argv: list[str]) -> int:
    target = argv[0]
    name = Path(target).stem.removesuffix("_target")
    with open_session(config_for(target), ROOT, dict(os.environ)) as session:
        evidence = capture(session) | {"target": name}
    EVIDENCE.mkdir(parents=True, exist_ok=True)
    path = EVIDENCE / f"{name}.json"
    path.write_text(json.dumps(evidence, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
