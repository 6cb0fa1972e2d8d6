"""Wires the load library into Locust through its events (the locustfile calls :func:`install`).

- At import: Locust's response-time bucketing is replaced by a 3-significant-figure one, so the
  ``webhook → queue`` row keeps sub-millisecond precision in the UI (every worker imports this too).
- ``init``: options, and the contract for the target they name (the locustfile, the entry point of
  Locust's processes, loads it: :data:`ContractOf`); the master (or local runner) starts a target through
  ``harness.load.daemons.serve`` when no webhook is given, installs the web tab and registers the custom messages.
- ``test_start``: load processes start a :class:`LoadDriver`; the master and the local runner a
  :class:`Collector`. The master tells workers their share of the rate through the spawn options.
- ``report_to_master`` / ``worker_report``: encoded histogram deltas, merged exactly on the master.
- ``test_stopping``: drain (stop sending, wait for answers and messages in flight), before Locust
  stops the users, so nothing in flight is cut short and counted lost.
- ``quitting``: figures to ``--latency-json`` and the HDR log; ``process_exit_code`` is 3 when p99
  exceeds the SLO or messages were lost, 4 when latency was not judged (inconclusive: the floor is itself
  over the SLO and the target adds no more than the SLO to it), and Locust's own otherwise (1 when
  requests failed).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
import locust.stats
from locust.runners import LocalRunner, MasterRunner, WorkerRunner

from harness.config import Contract, RunOptions
from harness.load.daemons.tapclient import TapProcess
from harness.load.daemons.target_client import ServedTarget
from harness.load.generator.options import WORKERS_ATTR, LoadOptions, add_arguments, check
from harness.load.locust.collect import LOCAL, Collector
from harness.load.locust.driver import LoadDriver
from harness.load.locust.target import find_target
from harness.load.locust.web import install_tab
from harness.load.stats.summary import judge, one_line
from harness.load.stats.webtab import fine_bucket
from harness.payloads.pools import content_pools
from harness.waiting import wait_for

log = logging.getLogger("harness.load")
DRAIN, FINAL = "harness_drain", "harness_final"
INIT_TIMEOUT_S = 60
ContractOf = Callable[[RunOptions], Contract]  # the project's contract, as resolved for a target and webhook


@dataclass
class _State:
    user_class: Any = None
    contract_of: ContractOf | None = None
    contract: Contract | None = None
    driver: LoadDriver | None = None
    collector: Collector | None = None
    served: ServedTarget | None = None
    tap: TapProcess | None = None  # started at init, configured at test start
    environment: Any = None
    stop_requested: bool = False
    initialised: bool = False
    greenlets: list[Any] = field(default_factory=list)


STATE = _State()


def install(events: Any, user_class: Any, contract_of: ContractOf) -> None:
    locust.stats.bucket_response_time = fine_bucket  # type: ignore[assignment]
    locust.stats.PERCENTILES_TO_CHART = [0.5, 0.95, 0.99]
    STATE.user_class, STATE.contract_of = user_class, contract_of
    events.init_command_line_parser.add_listener(add_arguments)
    events.init.add_listener(_on_init)
    events.test_start.add_listener(_on_test_start)
    events.test_stopping.add_listener(_on_test_stopping)
    events.quitting.add_listener(_on_quitting)
    events.report_to_master.add_listener(_on_report_to_master)
    events.worker_report.add_listener(_on_worker_report)


def send(user: Any) -> None:
    """The user's task: one open-model send (or a short pause when no driver runs)."""
    if STATE.driver is None:
        gevent.sleep(0.1)
        return
    STATE.driver.send(user)


def options_of(environment: Any) -> LoadOptions:
    options = LoadOptions.from_namespace(environment.parsed_options)
    try:
        check(options)
    except ValueError as exc:
        sys.stderr.write(f"harness: {exc}\n")
        raise SystemExit(2) from None
    return options


# -- init ---------------------------------------------------------------------------------------------
def _on_init(environment: Any, runner: Any, web_ui: Any = None, **_: Any) -> None:
    if environment.parsed_options is None:
        return
    ns = environment.parsed_options  # the target named here decides the contract's default dialect
    assert STATE.contract_of is not None
    contract = STATE.contract_of(RunOptions(target=ns.target, webhook_url=ns.webhook_url))
    STATE.contract, STATE.environment = contract, environment
    if isinstance(runner, WorkerRunner):
        runner.register_message(DRAIN, _on_drain, concurrent=True)
    if not isinstance(runner, MasterRunner):
        _prepare_load_process()
    STATE.initialised = True
    if isinstance(runner, WorkerRunner):
        return
    ns.webhook_dialect = ns.webhook_dialect or STATE.contract.webhook.dialect  # workers get it with the options
    STATE.served = find_target(environment, options_of(environment))
    if isinstance(runner, MasterRunner):
        runner.register_message(FINAL, _on_final)
    if web_ui is not None:
        install_tab(web_ui, _current_summary)


def _prepare_load_process() -> None:
    """Pay the slow parts before the run's clock starts: the tap process's imports, the payload pools."""
    STATE.tap = TapProcess()
    content_pools()


# -- test start --------------------------------------------------------------------------------------
def _on_test_start(environment: Any, **_: Any) -> None:
    if environment.parsed_options is None:
        return
    contract = _wait_for_init()
    if contract is None:
        log.error("harness: the locustfile's init did not finish within %ss", INIT_TIMEOUT_S)
        return
    runner, options = environment.runner, options_of(environment)
    STATE.stop_requested = False
    slo = options.slo_ms if options.slo_ms is not None else contract.slo_p99_ms
    STATE.user_class.network_timeout = STATE.user_class.connection_timeout = options.http_timeout_s
    if isinstance(runner, MasterRunner):
        setattr(environment.parsed_options, WORKERS_ATTR, max(runner.worker_count, 1))
        STATE.collector = Collector(options, slo, max(runner.worker_count, 1))
        _report_status(options)
    elif _start_driver(environment, options, contract) and isinstance(runner, LocalRunner):
        assert STATE.driver is not None
        STATE.collector = Collector(options, slo, 1)
        STATE.greenlets.append(gevent.spawn(_flush_locally, environment, STATE.driver, STATE.collector))
        _report_status(options)


def _start_driver(environment: Any, options: LoadOptions, contract: Contract) -> bool:
    """This process's :class:`LoadDriver`, on the tap process started at init; False (and quit) on failure."""
    share = 1.0 / options.workers if isinstance(environment.runner, WorkerRunner) else 1.0
    tap, STATE.tap, started = STATE.tap, None, time.monotonic()
    try:
        STATE.driver = LoadDriver(environment, options, contract, share, tap)
    except (RuntimeError, ValueError) as exc:
        if tap is not None:
            tap.close()
        log.error("harness: the load driver could not start: %s", exc)
        environment.process_exit_code = 2
        gevent.spawn(environment.runner.quit)
        return False
    log.info("load driver ready in %.2fs (share %.3g of %g/s)", time.monotonic() - started, share, options.rate)
    return True


def _wait_for_init() -> Contract | None:
    """The contract once ``init`` is done. A worker reports ready to its master before its ``init`` event
    runs, so a spawn message (and this process's ``test_start``) can arrive while ``init`` is at work."""
    initialised = wait_for(lambda: STATE.initialised, INIT_TIMEOUT_S, 0.05)
    return STATE.contract if initialised else None


def _flush_locally(environment: Any, driver: LoadDriver, collector: Collector) -> None:
    while not driver.drained:
        collector.add_delta(driver.take_delta())
        collector.cpu[LOCAL] = driver.cpu.reading()
        _stop_when_measured(environment, driver.elapsed_s())
        gevent.sleep(0.5)


def _stop_when_measured(environment: Any, elapsed_s: float) -> None:
    """With ``--duration-s``, end the run once that much was measured (start-up does not eat into it)."""
    duration = options_of(environment).duration_s
    if duration and elapsed_s >= duration and not STATE.stop_requested:
        STATE.stop_requested = True
        if STATE.driver is not None:
            STATE.driver.stop_sending()
        log.info("measured %.1fs: stopping", elapsed_s)
        gevent.spawn(environment.runner.quit if environment.parsed_options.headless else environment.runner.stop)


def _report_status(options: LoadOptions) -> None:
    """With ``--status-lines``, a machine-readable progress line on stderr every second."""
    def loop(collector: Collector) -> None:
        while STATE.collector is collector and not collector.finals:
            gevent.sleep(1)
            sys.stderr.write(collector.status_line() + "\n")
            sys.stderr.flush()
    if options.status_lines and STATE.collector is not None:
        STATE.greenlets.append(gevent.spawn(loop, STATE.collector))


# -- during the run -----------------------------------------------------------------------------------
def _on_report_to_master(client_id: str, data: dict[str, Any], **_: Any) -> None:
    if STATE.driver is not None:
        data["harness_load"] = STATE.driver.take_delta()
        data["harness_elapsed_s"] = STATE.driver.elapsed_s()
        data["harness_cpu"] = STATE.driver.cpu.reading()


def _on_worker_report(client_id: str, data: dict[str, Any], **_: Any) -> None:
    collector, environment = STATE.collector, STATE.environment
    if collector is None or "harness_load" not in data:
        return
    collector.add_delta(data["harness_load"], client_id)
    collector.elapsed_by_worker[client_id] = float(data.get("harness_elapsed_s", 0))
    if client_id not in collector.finals:
        collector.cpu[client_id] = data.get("harness_cpu")
    if environment is not None and not collector.finals:
        workers = [client.id for client in environment.runner.clients.all]
        _stop_when_measured(environment, min((collector.elapsed_by_worker.get(w, 0.0) for w in workers), default=0.0))


def _current_summary() -> dict[str, Any] | None:
    return STATE.collector.summary() if STATE.collector is not None else None


# -- end of run ----------------------------------------------------------------------------------------
def _final_of(driver: LoadDriver) -> dict[str, Any]:
    return {"delta": driver.take_delta(), "cumulative": driver.book.cumulative.encode(),
            "elapsed_s": driver.elapsed_s(), "cpu": driver.cpu_reading}


def _drain(driver: LoadDriver) -> None:
    driver.drain()
    headless = STATE.environment is not None and getattr(STATE.environment.parsed_options, "headless", False)
    if STATE.tap is None and not headless:
        STATE.tap = TapProcess()  # ready for the next run started from the web UI


def _on_drain(environment: Any, msg: Any, **_: Any) -> None:
    if STATE.driver is not None:
        _drain(STATE.driver)
        environment.runner.send_message(FINAL, _final_of(STATE.driver))


def _on_final(environment: Any, msg: Any, **_: Any) -> None:
    if STATE.collector is not None:
        STATE.collector.add_final(msg.node_id, msg.data)


def _on_test_stopping(environment: Any, **_: Any) -> None:
    runner = environment.runner
    if isinstance(runner, MasterRunner):
        _drain_workers(runner)
    elif isinstance(runner, LocalRunner):
        _drain_locally()


def _drain_locally() -> None:
    driver, collector = STATE.driver, STATE.collector
    if driver is None or collector is None or driver.drained:
        return
    _drain(driver)
    collector.add_final(LOCAL, _final_of(driver))


def _drain_workers(runner: MasterRunner) -> None:
    collector = STATE.collector
    if collector is None or collector.finals:
        return
    workers = [client.id for client in runner.clients.all]
    for worker in workers:
        runner.send_message(DRAIN, {}, client_id=worker)
    timeout = collector.options.deadline_s + collector.options.http_timeout_s + 10
    wait_for(lambda: not set(workers) - set(collector.finals), timeout, 0.05)
    missing = set(workers) - set(collector.finals)
    if missing:
        log.error("harness: no final figures from %d worker(s) within %.0fs", len(missing), timeout)


def _on_quitting(environment: Any, **_: Any) -> None:
    try:
        if isinstance(environment.runner, MasterRunner | LocalRunner) and STATE.collector is not None:
            _on_test_stopping(environment)
            _finish(environment, STATE.collector)
    finally:
        if STATE.tap is not None:
            STATE.tap.close()
        if STATE.served is not None:
            STATE.served.stop()
            STATE.served = None


def _finish(environment: Any, collector: Collector) -> None:
    summary = collector.summary()
    verdict = judge(summary)
    if verdict.exit_code is not None:
        environment.process_exit_code = verdict.exit_code
    summary["gate_exit_code"] = verdict.exit_code
    collector.close()
    if collector.options.latency_json:
        path = Path(collector.options.latency_json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    sys.stderr.write(f"harness: {one_line(summary)}\n")
    for note in summary["notes"]:
        sys.stderr.write(f"harness: note: {note}\n")
