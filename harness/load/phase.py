"""The load phase of ``harness run``: Locust, headless, against the session's target.

Locust runs in a subprocess (it monkey-patches the standard library for gevent, which the harness
process must not be). It gets the session's webhook URL on the command line and the broker URL and
webhook secret through its environment, writes ``latency.json``, the HDR logs and its CSV/HTML
reports into the run's folder, and its figures become the report's ``latency`` section and three
checks:

- ``latency.webhook_to_queue_p99_under_slo``: p99 from the intended send time within the SLO (skipped,
  "latency not judged", only when the floor measured in the same run is over the SLO itself and the
  target adds no more than the SLO on top of it: ``summary.slo_judgement``). Under
  ``--quick`` (5 s, a few hundred samples, too few for a stable p99) it is
  ``latency.webhook_to_queue_median_under_slo`` instead, judged the same way on the median;
- ``latency.webhooks_reach_queue``: every accepted webhook's message reached a queue in time;
- ``latency.webhooks_accepted_under_load``: every correctly signed webhook got a 2xx under load.

When every accepted webhook left no message at all (none unroutable either), the webhook ignores the
bodies it was sent (another dialect, most likely): the first two are skipped with that reason, since
there is no latency to judge, and the ledger (``ledger.no_loss_under_load``) counts them ignored, not lost.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from harness.findings import IGNORED, Finding, Severity
from harness.load.locust.collect import STATUS_PREFIX
from harness.load.phase_ledger import SENDS_FILE, add_load_ledger
from harness.load.stats.summary import describe_failures, request_failures, slo_judgement
from harness.load.topology import measured_topology
from harness.report.model import CheckRecord, RunReport, empty_latency
from harness.session import Session

P99_CHECK = "latency.webhook_to_queue_p99_under_slo"
MEDIAN_CHECK = "latency.webhook_to_queue_median_under_slo"
CHECKS = {"p99": P99_CHECK, "p50": MEDIAN_CHECK}
REACH_CHECK = "latency.webhooks_reach_queue"
ACCEPT_CHECK = "latency.webhooks_accepted_under_load"
LOCUST_OK = (0, 1, 3, 4)  # passed, requests failed, latency gate failed, inconclusive
STARTUP_ALLOWANCE_S = 30


@dataclass(frozen=True)
class LoadPlan:
    rate_rps: float
    seconds: float
    warmup_s: float
    users: int

    def run_time_s(self) -> int:
        """Locust's ``--run-time``: a backstop; ``--duration-s`` ends the run once enough was measured."""
        return round(self.seconds + self.warmup_s + STARTUP_ALLOWANCE_S)


QUICK = LoadPlan(rate_rps=50, seconds=5, warmup_s=2, users=10)
FULL = LoadPlan(rate_rps=100, seconds=30, warmup_s=3, users=20)


def locust_base() -> list[str]:
    """Locust under this interpreter (the harness's venv)."""
    return [sys.executable, "-m", "locust"]


def locust_command(plan: LoadPlan, locustfile: Path, webhook_url: str, run_dir: Path, slo_ms: float,
                   extra: Sequence[str] = (), dialect: str | None = None) -> list[str]:
    dialect_option = ["--webhook-dialect", dialect] if dialect else []
    return [*locust_base(), "-f", str(locustfile), *extra, *dialect_option, "--headless", "--only-summary",
            "--loglevel", "WARNING", "-u", str(plan.users), "-r", str(plan.users), "--rate", f"{plan.rate_rps:g}",
            "--run-time", f"{plan.run_time_s()}s", "--warmup-s", f"{plan.warmup_s:g}",
            "--duration-s", f"{plan.seconds:g}", "--webhook-url", webhook_url,
            "--slo-ms", f"{slo_ms:g}", "--latency-json", str(run_dir / "latency.json"),
            "--hdr-log", str(run_dir / "latency.hdrlog"), "--sends-log", str(run_dir / SENDS_FILE),
            "--csv", str(run_dir / "locust"),
            "--html", str(run_dir / "locust.html")]


def locust_env(session: Session) -> dict[str, str]:
    """The generator's environment: the basics of the one the session was opened with, plus the broker and
    secret (never on the command line)."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "VIRTUAL_ENV", "PYTHONPATH")
    env = {k: v for k, v in session.inherited_env.items() if k in keep}
    tap_url = session.services.redis.url if session.services.redis else session.services.broker.amqp_url  # one node
    env.update(LOCUST_BROKER_URL=tap_url, LOCUST_WEBHOOK_SECRET=session.delivery_secret)
    if session.broker_kind == "rabbitmq":
        env.update(LOCUST_MANAGEMENT_URL=session.services.broker.management_url)
    return env


def reproduce_line(session: Session, plan: LoadPlan, locustfile: Path) -> str:
    """The Locust command of the phase; the locustfile as a path from the project, or where it is installed."""
    project = session.project_dir
    shown = locustfile.relative_to(project) if locustfile.is_relative_to(project) else locustfile
    run = session.config.run
    return (f"locust -f {shlex.quote(str(shown))} --headless --target {shlex.quote(run.target)} "
            f"--services {session.services.backend} -u {plan.users} -r {plan.users} --rate {plan.rate_rps:g} "
            f"--warmup-s {plan.warmup_s:g} --duration-s {plan.seconds:g}")


StatusCallback = Callable[[float, float | None, int | None], None]


def parse_status(line: str) -> tuple[float, float | None, int] | None:
    """A ``harness-load-status <rate> <p99 µs or -> <sent>`` line, else None."""
    parts = line.split()
    if len(parts) != 4 or parts[0] != STATUS_PREFIX:
        return None
    try:
        return float(parts[1]), None if parts[2] == "-" else float(parts[2]), int(parts[3])
    except ValueError:
        return None


def _pump(stream: IO[str], output: list[str], on_status: StatusCallback | None) -> None:
    for line in stream:
        status = parse_status(line)
        if status is None:
            output.append(line)
        elif on_status is not None:
            on_status(*status)


def run_locust(session: Session, plan: LoadPlan, locustfile: Path, run_dir: Path,
               on_status: StatusCallback | None = None, extra: Sequence[str] = (),
               webhook_url: str | None = None) -> tuple[int, str]:
    """Run Locust to completion (bounded) against the session's webhook (or ``webhook_url``) and broker;
    returns its exit code and output (status lines left out)."""
    url = webhook_url or session.target.webhook_url
    assert url is not None
    command = locust_command(plan, locustfile, url, run_dir, session.config.contract.slo_p99_ms, extra,
                             session.config.contract.webhook.dialect)
    process = subprocess.Popen([*command, "--status-lines"], env=locust_env(session), cwd=session.project_dir,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=_pump, args=(process.stdout, output, on_status), daemon=True)
    reader.start()
    limit = plan.run_time_s() + 120
    try:
        code = process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        output.append(f"Locust did not finish within {limit}s and was killed\n")
        code = -1
    reader.join(timeout=10)
    return code, "".join(output)


def add_load_phase(report: RunReport, session: Session, run_dir: Path, locustfile: Path,
                   on_status: StatusCallback | None = None) -> None:
    """Run the phase and add its figures and checks to the report; ``on_status(rate, p99_us, sent)``
    is called about once a second while it runs."""
    if session.target.webhook_url is None:
        reason = session.target.webhook_skip_reason or "no webhook"
        report.latency = {**empty_latency(session.config.contract.slo_p99_ms), "skipped": reason}
        report.add(CheckRecord(CHECKS["p50" if session.config.run.quick else "p99"],
                               "POST " + session.config.contract.webhook.path, "skipped", 0.0,
                               f"no load phase: the target has no webhook ({reason})"))
        return
    plan = QUICK if session.config.run.quick else FULL
    run_dir.mkdir(parents=True, exist_ok=True)
    started, since = time.monotonic(), time.time()
    with measured_topology(session, session.config.run.load_topology) as topology:
        code, output = run_locust(session, plan, locustfile, run_dir, on_status)
    _keep_log(run_dir, session, output)
    summary = _read_summary(run_dir / "latency.json")
    if code not in LOCUST_OK or summary is None:
        reason = f"the load generator failed (exit code {code}): {_last_line(output)}"
        report.add(CheckRecord(P99_CHECK, "POST " + session.config.contract.webhook.path, "error",
                               time.monotonic() - started, session.redactor(reason)[:300]))
        return
    summary["locust_exit_code"], summary["topology"] = code, topology
    report.latency = summary
    reproduce = reproduce_line(session, plan, locustfile)
    for record, findings in judge_phase(summary, session, time.monotonic() - started, reproduce):
        report.add(record, findings)
    add_load_ledger(report, session, run_dir, since, plan.rate_rps, reproduce)


def judge_phase(summary: dict[str, Any], session: Session, duration_s: float,
                reproduce: str) -> list[tuple[CheckRecord, tuple[Finding, ...]]]:
    """Three checks. Under --quick (a few hundred samples) the SLO is judged on the median, which such a
    sample measures robustly; otherwise on p99, as the contract states it."""
    subject, share = "POST " + session.config.contract.webhook.path, duration_s / 3
    statistic = "p50" if session.config.run.quick else "p99"
    results: list[tuple[CheckRecord, tuple[Finding, ...]]]
    if ignored_in(summary):
        ignored = ignored_reason(summary, session.config.contract.webhook.dialect)
        results = [_skipped(check, subject, share, ignored) for check in (CHECKS[statistic], REACH_CHECK)]
        return [*results, _record(ACCEPT_CHECK, subject, share, rejected_finding(summary, subject, reproduce))]
    verdict, why = slo_judgement(summary, statistic)
    if verdict == "inconclusive":
        results = [(CheckRecord(CHECKS[statistic], subject, "skipped", share, why), ())]
    else:
        results = [_record(CHECKS[statistic], subject, share, slo_finding(summary, statistic, subject, reproduce))]
    results.append(_record(REACH_CHECK, subject, share, lost_finding(summary, subject, reproduce)))
    results.append(_record(ACCEPT_CHECK, subject, share, rejected_finding(summary, subject, reproduce)))
    return results


def ignored_in(summary: dict[str, Any]) -> bool:
    """Webhooks were accepted and not one of them left a message (routed or unroutable) within the deadline."""
    sends, failures = summary["sends"], summary["failures"]
    return bool(sends["accepted"]) and failures["lost"] == sends["accepted"] and not failures["unroutable"]


def ignored_reason(summary: dict[str, Any], dialect: str) -> str:
    return (f"{IGNORED}: none of the {summary['sends']['accepted']} accepted webhooks (dialect {dialect}) left a "
            "message on the broker, so there is no webhook-to-queue latency to judge (see ledger.no_loss_under_load)")


def _skipped(check: str, subject: str, duration_s: float, why: str) -> tuple[CheckRecord, tuple[Finding, ...]]:
    return CheckRecord(check, subject, "skipped", duration_s, why), ()


def _record(check: str, subject: str, duration_s: float,
            finding: Finding | None) -> tuple[CheckRecord, tuple[Finding, ...]]:
    status = "passed" if finding is None else "failed"
    return CheckRecord(check, subject, status, duration_s), (finding,) if finding else ()


def _ms(us: Any) -> str:
    return "-" if us is None else f"{us / 1000:.3f} ms"


def slo_finding(summary: dict[str, Any], statistic: str, subject: str, reproduce: str) -> Finding | None:
    """A finding when ``statistic`` (p99, or p50 under --quick) exceeds the SLO, or nothing was measured."""
    figures, slo = summary["webhook_to_queue_us"], summary["slo_p99_ms"]
    value = figures[statistic]
    if value is not None and value <= slo * 1000:
        return None
    floor, uncorrected = summary["floor_publish_to_queue_us"], summary["webhook_to_queue_uncorrected_us"]
    observed = ("no webhook produced a message in a queue, so there is no latency figure" if value is None else
                f"p50 {_ms(figures['p50'])}, p99 {_ms(figures['p99'])}, max {_ms(figures['max'])} "
                f"(n={figures['count']}); from the actual send p50 {_ms(uncorrected['p50'])}, "
                f"p99 {_ms(uncorrected['p99'])}; floor p50 {_ms(floor['p50'])}, p99 {_ms(floor['p99'])}; "
                f"{slo_judgement(summary, statistic)[1]}")
    title = ("webhook-to-queue latency could not be measured" if value is None else
             f"webhook-to-queue {statistic} {_ms(value)} exceeds the {slo:g} ms SLO "
             f"(floor {statistic} {_ms(floor[statistic])})")
    return Finding(CHECKS[statistic], subject, Severity.HIGH, title,
                   expected=f"{statistic} webhook-to-queue ≤ {slo:g} ms at {summary['rate_rps']:g} webhooks/s "
                            "(contract latency.slo_p99_ms), counted from each send's intended time",
                   observed=observed, reproduce=reproduce)


def p99_finding(summary: dict[str, Any], subject: str, reproduce: str) -> Finding | None:
    return slo_finding(summary, "p99", subject, reproduce)


def lost_finding(summary: dict[str, Any], subject: str, reproduce: str) -> Finding | None:
    failures, sends = summary["failures"], summary["sends"]
    if not failures["lost"]:
        return None
    unroutable = f"; {failures['unroutable']} of them caught as unroutable" if failures["unroutable"] else ""
    return Finding(REACH_CHECK, subject, Severity.HIGH,
                   f"{failures['lost']} accepted webhooks never reached a queue",
                   expected=f"each accepted webhook's message in a queue within {summary['deadline_s']:g}s",
                   observed=f"{failures['lost']} of {sends['accepted']} accepted webhooks left no message on "
                            f"the exchange's queues{unroutable}", reproduce=reproduce)


def rejected_finding(summary: dict[str, Any], subject: str, reproduce: str) -> Finding | None:
    failed = request_failures(summary)
    if not failed:
        return None
    return Finding(ACCEPT_CHECK, subject, Severity.HIGH, f"{failed} correctly signed webhooks failed under load",
                   expected=f"a 2xx answer to every signed webhook at {summary['rate_rps']:g} webhooks/s",
                   observed=f"{failed} of {summary['sends']['started']} failed: "
                            f"{describe_failures({**summary['failures'], 'lost': 0})}", reproduce=reproduce)


def _read_summary(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _keep_log(run_dir: Path, session: Session, output: str) -> None:
    logs = run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "locust.log").write_text(session.redactor(output), encoding="utf-8")


def _last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
