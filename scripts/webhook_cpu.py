"""CPU per request of two builds of a webhook, A and B, measured in the same time window.

Starts each side's app (``MODULE:app`` from its own folder of targets) under uvicorn, as ``harness run`` does,
against RabbitMQ in a vhost of its own (created through the management API, deleted at the end). Then sends
signed deliveries (the load phase's bodies, half of them moving their item to "À faire", so two tasks) at a fixed
rate, in blocks alternating A, B, A, B... so that a busy shared machine weighs on both alike. Each uvicorn
process's CPU time (user + system, all its threads) is read around each block:

    .venv/bin/python scripts/webhook_cpu.py --a /tmp/before/harness/targets --b harness/targets \\
        [--requests 3000] [--rate 200] [--block 500] [--module reference_target] [--module-a M] [--module-b M]

Prints, for each side, the CPU milliseconds per request, the answers and the HTTP latency. This is an entry
point: it reads nothing of its environment but the ``--amqp``/``--management`` URLs it is given.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.config import load_config  # noqa: E402
from harness.load.generator.bodies import WebhookBodies, new_prefix  # noqa: E402

SECRET = "webhook-cpu-secret"


@dataclass
class Side:
    name: str
    folder: Path
    module: str
    url: str = ""
    process: subprocess.Popen[bytes] | None = None
    cpu_s: float = 0.0
    sent: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def management(base: str, method: str, path: str, json: Any = None) -> None:
    httpx.request(method, base + path, auth=("guest", "guest"), json=json, timeout=10).raise_for_status()


def start(side: Side, broker_url: str, log: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(side.folder), "CELERY_BROKER_URL": broker_url,
           "WEBHOOK_SECRET": SECRET, "CELERY_RESULT_BACKEND": "db+postgresql://postgres@127.0.0.1:5432/postgres"}
    command = [sys.executable, "-m", "uvicorn", f"{side.module}:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    side.process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    side.url = f"http://127.0.0.1:{port}/webhook/monday"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"side {side.name} did not listen within 30 s; see {log}")


def cpu_seconds(side: Side) -> float:
    assert side.process is not None
    times = psutil.Process(side.process.pid).cpu_times()
    return float(times.user + times.system)


class Connections:
    """Keep-alive HTTP/1.1 connections to one webhook, each carrying one request at a time (a client far lighter
    than httpx, so that the sender keeps its schedule on a busy machine)."""

    def __init__(self, url: str) -> None:
        address, self.path = url.removeprefix("http://").split("/", 1)
        host, port = address.split(":")
        self.host, self.port = host, int(port)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        reader, writer = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
        lines = [f"POST /{self.path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}",
                 "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        writer.write("\r\n".join(lines).encode() + body)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        await reader.readexactly(length)
        self.idle.append((reader, writer))
        return int(head.split(b" ", 2)[1])

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def send_block(side: Side, bodies: WebhookBodies, first: int, count: int, rate: float, record: bool) -> None:
    connections = Connections(side.url)

    async def one(seq: int, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        body, headers = bodies.make(seq)
        started = time.perf_counter()
        status = await connections.post(body, headers)
        if record:
            side.answers[status] += 1
            side.latencies_ms.append((time.perf_counter() - started) * 1000)

    t0 = time.monotonic() + 0.05
    before = cpu_seconds(side)
    await asyncio.gather(*(one(first + i, t0 + i / rate) for i in range(count)))
    await asyncio.sleep(0.2)  # the last confirms and responses
    if record:
        side.cpu_s += cpu_seconds(side) - before
        side.sent += count
    connections.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def measure(sides: list[Side], bodies: WebhookBodies, requests: int, rate: float, block: int) -> None:
    seq = 0
    for side in sides:  # warm-up: imports, the broker connection, declarations
        await send_block(side, bodies, seq, 200, rate, record=False)
        seq += 200
    while any(side.sent < requests for side in sides):
        for side in sides:
            count = min(block, requests - side.sent)
            if count > 0:
                await send_block(side, bodies, seq, count, rate, record=True)
                seq += count


def report(side: Side) -> str:
    per_request = 1000 * side.cpu_s / side.sent if side.sent else float("nan")
    answers = ", ".join(f"{n}× {code}" for code, n in sorted(side.answers.items()))
    return (f"{side.name}: {side.sent} requests, CPU {per_request:.3f} ms per request ({side.cpu_s:.2f} s in all); "
            f"answers {answers}; HTTP p50 {percentile(side.latencies_ms, 50):.2f} ms, "
            f"p99 {percentile(side.latencies_ms, 99):.2f} ms  [{side.module} in {side.folder}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="folder holding side A's target module")
    parser.add_argument("--b", type=Path, required=True, help="folder holding side B's target module")
    parser.add_argument("--module", default="reference_target", help="the module whose `app` each side serves")
    parser.add_argument("--module-a", help="side A's module, when it differs")
    parser.add_argument("--module-b", help="side B's module, when it differs")
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per side")
    parser.add_argument("--rate", type=float, default=200.0, help="webhooks/s while a side is measured")
    parser.add_argument("--block", type=int, default=500, help="requests per block before switching sides")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672")
    parser.add_argument("--management", default="http://127.0.0.1:15672")
    args = parser.parse_args()

    vhost = f"webhook-cpu-{secrets.token_hex(4)}"
    management(args.management, "PUT", f"/api/vhosts/{vhost}")
    management(args.management, "PUT", f"/api/permissions/{vhost}/guest",
               {"configure": ".*", "write": ".*", "read": ".*"})
    sides = [Side("A", args.a.resolve(), args.module_a or args.module),
             Side("B", args.b.resolve(), args.module_b or args.module)]
    logs = Path(f"/tmp/{vhost}")
    logs.mkdir()
    try:
        for side in sides:
            start(side, f"{args.amqp}/{vhost}", logs / f"{side.name}.log")
        contract = load_config(ROOT).contract.webhook
        bodies = WebhookBodies(SECRET, contract.scheme, sides[0].url, new_prefix(), dialect=contract.dialect)
        asyncio.run(measure(sides, bodies, args.requests, args.rate, args.block))
    finally:
        for side in sides:
            if side.process is not None:
                side.process.terminate()
                side.process.wait(timeout=10)
        management(args.management, "DELETE", f"/api/vhosts/{vhost}")
    for side in sides:
        print(report(side))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
