"""``harness ab``: the same target, checks and load on the migration's origin (Redis) and destination
(RabbitMQ), compared side by side.

- ``sides``: each check's outcome on each broker, and which changed;
- ``explain``: why a known behaviour differs between the two brokers;
- ``claims``: the migration document's comparison table, claimed against measured;
- ``runner``: runs both gates on servers started once, and writes the comparison report.
"""
