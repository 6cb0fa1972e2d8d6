"""Fault injection under a steady load, judged by the no-loss ledger (``harness.ledger``).

Modules:
- ``base``: the fault protocol, the context a fault acts on, and the reasons a fault cannot run;
- ``process``: the target's own processes (worker children SIGKILLed mid-task, the webhook restarted);
- ``broker``: the broker node stopped and started, and its connections closed (management API);
- ``database``: PostgreSQL stopped and started, or the run's database made unreachable;
- ``plan``: rates and timings (quick and full) and the scenarios (each fault alone, and a mixed one);
- ``phase``: one scenario: load, faults, Monday-style retries, settling, the account;
- ``recovery``: time until webhooks are accepted again, and until the backlog drains;
- ``judge``: the scenario's check record, findings and report entry.

Each back-end injects with its own means (``harness.services.base.Controls``): signals to local
processes, the Docker API for containers; a fault a back-end cannot inject is skipped with the reason.
"""
