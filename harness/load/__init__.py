"""Webhook-to-queue latency under load: the library behind ``scenarios/locust_webhook.py``.

Subpackages, bottom up:
- ``stats``: HDR histograms in µs plus counters, merged exactly across processes (``histograms``); each send
  paired with its first message on the tap (``matching``); the CPU shares of the measured window (``cpu``);
  figures for report.json, the web UI tab and the HDR log (``summary``, ``webtab``, ``hdrlog``); the SLO
  capacity ladder (``capacity``);
- ``generator``: what a load-generating process is given and writes: the open model (``schedule``),
  pre-generated signed deliveries (``bodies``), the locustfile's options (``options``), the sends log
  (``sendlog``);
- ``daemons``: processes of their own, unpatched by gevent: the tap and floor publisher (``tapd``,
  ``tapd_redis``, started and read by ``tapclient``), a session with a running target (``serve``, started by
  ``target_client``), and ``make bench``'s trivial endpoint (``trivial_server``);
- ``locust``: the only modules here that import Locust or gevent (the glue the locustfile installs).

Beside them, the load phase of ``harness run`` (``phase``), its message ledger (``phase_ledger``), where the
consumer side runs meanwhile (``topology``), ``harness capacity`` (``capacity_run``) and ``make bench`` (``bench``).

Nothing here imports pytest.
"""
