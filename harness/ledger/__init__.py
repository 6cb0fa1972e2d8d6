"""The no-loss ledger: one record per webhook the harness sends, and the account of them all.

Each record holds when the webhook was sent and what the target answered (every attempt, retries
included), when its message reached a queue (the tap's copy), the task executions it caused (the
worker probes' log: task, id, attempt, pid) and how its work ended (a final row in ``celery_taskmeta``,
or a message in the DLQ). The account counts accepted, rejected, completed, failed, dead-lettered,
lost, duplicated and unexpected messages, in the spirit of Jepsen's queue checker.

Modules, bottom up:
- ``records``: what was sent (deliveries and attempts) and what was seen (arrivals, runs);
- ``evidence``: gathers what was seen from a session (tap, probe log, result backend, DLQ);
- ``account``: judges each delivery and counts the outcomes (pure functions);
- ``sender``: a paced sender of signed Monday webhooks, bounded in count and time, loopback only;
- ``render``: the account as printed lines and as report.json's ``reliability`` entries.

Nothing here imports pytest or Locust.
"""
