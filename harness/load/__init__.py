"""Webhook-to-queue latency under load: the library behind ``scenarios/locust_webhook.py``.

Modules, bottom up:
- ``histograms``: HDR histograms in µs plus counters, encoded and merged exactly across processes;
- ``schedule``: the open model (arrival-rate shapes, intended send times, late and dropped sends);
- ``matching``: pairs each send with its first message on the tap, and classifies failures;
- ``bodies``: pre-generated signed Monday deliveries with a fresh ``triggerUuid`` per send;
- ``tapd`` / ``tapclient``: the tap and the floor publisher, in a process of their own;
- ``summary``, ``webtab``, ``hdrlog``: figures for report.json, the web UI tab and the HDR log;
- ``phase``: the load phase of ``harness run``; ``serve``: a session in a subprocess for Locust;
- ``locust_*``: the only modules here that import Locust or gevent (the glue for the locustfile).

Nothing here imports pytest.
"""
