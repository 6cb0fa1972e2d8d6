"""``harness ab``: the same target, checks and load on the migration's origin (Redis) and destination
(RabbitMQ), compared side by side.

- ``sides``: each check's outcome on each broker, and which changed;
- ``explain``: why a known behaviour differs between the two brokers;
- ``claims``: the migration document's comparison table, each row answered twice: capability and as
  configured (``verdicts``: the words and winner rules; ``families``: rows decided by checks;
  ``performance``: latency rows; ``expiry``: TTL and dead-letter rows from the probe);
- ``probe``: what each broker does with a task message past a TTL, or rejected;
- ``capability``: the reference target on both brokers, for the capability answers;
- ``runner``: runs the gates on servers started once, and writes the comparison report.
"""
