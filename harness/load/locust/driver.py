"""What each load-generating Locust process runs: open-model sends, the tap, matching, recording.

One :class:`LoadDriver` per process (the local runner, or each worker). Users call :meth:`send`;
a greenlet reads the tap subprocess; another expires sends whose message never came. Every send ends
as one Locust request entry named ``webhook → queue``: its webhook-to-queue latency from the intended
time in ms (sub-ms buckets, see ``locust_glue``), or a failure of one kind (HTTP status, timeout,
transport error, lost). HTTP latencies go to the HDR book only, so Locust's aggregated row is the
webhook-to-queue latency alone.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent

from harness.config import Contract
from harness.load.daemons.tapclient import END, FAILED, OBSERVED, READY, UNROUTED, TapProcess
from harness.load.daemons.tapclient import FLOOR as FLOOR_EVENT
from harness.load.daemons.tapd import TapConfig
from harness.load.generator.bodies import WebhookBodies, new_prefix, trigger_of
from harness.load.generator.options import LoadOptions
from harness.load.generator.schedule import ArrivalSchedule, RateShape, parse_shape
from harness.load.generator.sendlog import SendLog, own_path
from harness.load.locust.timer import NOT_WORTH_NS, PreciseWaker
from harness.load.stats.cpu import CpuMeter
from harness.load.stats.histograms import CORRECTED, FLOOR, UNCORRECTED, DeltaBook, http_series
from harness.load.stats.matching import ERROR, HTTP, MATCHED, TIMEOUT, Matcher, Outcome
from harness.waiting import wait_for

log = logging.getLogger("harness.load")
REQUEST_TYPE, REQUEST_NAME = "AMQP", "webhook → queue"


class WebhookFailed(Exception):
    """A send failed; the message is the failure kind (``HTTP 500``, ``timeout``, ``message lost``...)."""


def tap_config(options: LoadOptions, contract: Contract, prefix: str, floor_prefix: str, share: float) -> TapConfig:
    route = contract.role("webhook") or contract.tasks[0]
    if not options.broker_url:
        raise ValueError("no broker: give --broker-url (or LOCUST_BROKER_URL), or let the locustfile start a target")
    return TapConfig(options.broker_url, contract.exchange, prefix, floor_prefix, route.name, route.routing_key,
                     route.priority, options.floor_rate * share, options.management_url,
                     [[contract.exchange, t.routing_key, t.queue] for t in contract.tasks])


def classify(response: Any) -> tuple[str, str | None]:
    """(status label, failure kind or None) of a FastHttpSession response."""
    error, code = getattr(response, "error", None), int(getattr(response, "status_code", 0) or 0)
    if code == 0 and error is not None:
        timed_out = isinstance(error, TimeoutError | gevent.Timeout) or "timed out" in str(error).lower()
        return ("timeout", TIMEOUT) if timed_out else ("error", ERROR)
    return str(code), None if 200 <= code < 300 else HTTP


class LoadDriver:
    def __init__(self, environment: Any, options: LoadOptions, contract: Contract, share: float,
                 tap: TapProcess | None = None) -> None:
        self._env, self._options = environment, options
        url = options.webhook(environment.host, contract)
        self.path = urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
        prefix = new_prefix()
        self._bodies = WebhookBodies(options.webhook_secret or "", contract.webhook.scheme, url, prefix,
                                     status_change_ratio=options.status_change_ratio,
                                     dialect=options.webhook_dialect or contract.webhook.dialect)
        self.schedule = ArrivalSchedule(RateShape(options.rate, parse_shape(options.shape), share),
                                        int(options.late_ms * 1e6), options.warmup_s)
        self.matcher = Matcher(int(options.deadline_s * 1e9))
        self.book = DeltaBook()
        self.in_flight, self.drained = 0, False
        self._waker = PreciseWaker()
        floor_prefix = new_prefix()
        self.sends = SendLog(floor_prefix) if options.sends_log else None  # only when asked: it grows with the run
        self._alone = share >= 1.0
        config = tap_config(options, contract, prefix, floor_prefix, share)
        self._tap = self._start_tap(tap or TapProcess(), config)
        self.cpu = CpuMeter(self._tap.pid)
        self.cpu_reading: dict[str, Any] | None = None
        self._greenlets = [gevent.spawn(self._read_tap), gevent.spawn(self._expire_loop)]

    def _start_tap(self, tap: TapProcess, config: TapConfig) -> TapProcess:
        tap.configure(config)
        with gevent.Timeout(30, RuntimeError("the load tap did not start within 30s")):
            event = tap.read()
            while event is not None and event.kind not in (READY, FAILED):
                event = tap.read()
        if event is None or event.kind != READY:
            tap.close()
            raise RuntimeError(f"the load tap could not start: {event.text if event else 'it exited'}")
        return tap

    # -- sending ---------------------------------------------------------------------------------
    def send(self, user: Any) -> None:
        slot = self.schedule.next_slot()
        if slot is None or not self._wait_until(slot.intended_ns):
            gevent.sleep(0.1)
            return
        body, headers = self._bodies.make(slot.seq)
        t0 = time.monotonic_ns()
        late, measured = self.schedule.mark_started(slot, t0), not self.schedule.is_warmup(slot.seq)
        self.book.count("sent" if measured else "warmup_sent")
        if measured and not self.cpu.started:
            self.cpu.start()
        if late and measured:
            self.book.count("late")
        self.matcher.sent(slot.seq, slot.intended_ns, t0)
        if self.sends is not None:
            self.sends.sent(slot.seq, trigger_of(self._bodies.prefix, slot.seq), slot.intended_ns, t0,
                            self._bodies.status_change(slot.seq))
        self.in_flight += 1
        try:
            response = user.client.post(self.path, data=body, headers=headers)
        finally:
            self.in_flight -= 1
        self._answered(slot.seq, response, (time.monotonic_ns() - t0) / 1000)

    def _wait_until(self, intended_ns: int) -> bool:
        """Sleep until the intended time (µs-precise), waking now and then to notice a drain."""
        while (delay_ns := intended_ns - time.monotonic_ns()) > NOT_WORTH_NS:
            if self.schedule.closed_at_ns is not None:
                return False
            if delay_ns > 250_000_000:
                gevent.sleep(0.2)
            else:
                self._waker.wait_until(intended_ns)
        return self.schedule.closed_at_ns is None

    def _answered(self, seq: int, response: Any, http_us: float) -> None:
        status, failure = classify(response)
        if self.sends is not None:
            self.sends.answered(seq, status, http_us / 1e6)
        if not self.schedule.is_warmup(seq):
            self.book.record(http_series(status), http_us)
            self.book.count("accepted" if failure is None else "rejected")
        detail = f"HTTP {status}" if failure == HTTP else status
        self._settle(self.matcher.responded(seq, failure, detail))

    # -- outcomes ----------------------------------------------------------------------------------
    def _settle(self, outcome: Outcome | None) -> None:
        if outcome is None:
            return
        if self.schedule.is_warmup(outcome.seq):
            self.book.count("warmup_failed" if outcome.failed else "warmup_matched")
            return
        fire = self._env.events.request.fire
        if outcome.kind == MATCHED:
            assert outcome.corrected_us is not None and outcome.uncorrected_us is not None
            self.book.record(CORRECTED, outcome.corrected_us)
            self.book.record(UNCORRECTED, outcome.uncorrected_us)
            fire(request_type=REQUEST_TYPE, name=REQUEST_NAME, response_time=outcome.corrected_us / 1000,
                 response_length=0, exception=None, context={})
            return
        self.book.count(f"http_{outcome.detail.removeprefix('HTTP ')}" if outcome.kind == HTTP else outcome.kind)
        error = WebhookFailed(outcome.detail if outcome.kind == HTTP else f"{outcome.kind}: {outcome.detail}")
        fire(request_type=REQUEST_TYPE, name=REQUEST_NAME, response_time=None, response_length=0,
             exception=error, context={})

    def _read_tap(self) -> None:
        while (event := self._tap.read()) is not None:
            if event.kind == OBSERVED:
                self._settle(self.matcher.observed(event.seq, event.t_ns))
            elif event.kind == FLOOR_EVENT:
                self.book.record(FLOOR, event.value)
            elif event.kind == UNROUTED:
                self.book.count("unroutable")
            elif event.kind == END:
                self.book.count("floor_sent", event.seq)
                self.book.count("floor_seen", event.t_ns)
            elif event.kind == FAILED:
                log.error("load tap: %s", event.text)

    def _expire_loop(self) -> None:
        while True:
            for outcome in self.matcher.expire(time.monotonic_ns()):
                self._settle(outcome)
            gevent.sleep(0.1)

    # -- end of run --------------------------------------------------------------------------------
    def stop_sending(self) -> None:
        """End the measured window now: no slot is handed out after this, the sends overdue now are dropped,
        and the cores' reading is taken. Called as soon as the run decides to stop, before Locust's own stop
        sequence, whose delays are not the generator's."""
        if self.schedule.closed_at_ns is None:
            self.cpu_reading = self.cpu.reading()
            self.book.count("dropped", self.schedule.close())

    def drain(self) -> None:
        """Stop sending, let answers and messages in flight arrive (bounded), then close the tap."""
        if self.drained:
            return
        self.drained = True
        self.stop_sending()
        wait_for(lambda: self.in_flight == 0, self._options.http_timeout_s + 1, 0.02)
        wait_for(lambda: len(self.matcher) == 0, self._options.deadline_s + 0.5, 0.02)
        for outcome in self.matcher.abandon():
            self._settle(outcome)
        self._tap.close()
        self._waker.close()
        self._greenlets[0].join(timeout=10)
        gevent.killall(self._greenlets, block=False)
        self._tap.wait(5)
        if self.sends is not None and self._options.sends_log:
            self.sends.write(own_path(Path(self._options.sends_log), self._bodies.prefix, self._alone))

    def take_delta(self) -> dict[str, Any]:
        return self.book.take_delta()

    def elapsed_s(self) -> float:
        return self.schedule.elapsed_s()
