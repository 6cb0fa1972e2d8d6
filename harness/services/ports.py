"""Ports for the servers the harness starts: free, and below the kernel's ephemeral range.

An outgoing connection gets its local port from the ephemeral range (Linux: ``net.ipv4.ip_local_port_range``,
32768-60999 by default). A server on a port in that range that is stopped and started again (the broker node a
fault restarts, the webhook restarted on its port, a cluster's ``rabbitmqctl``) may find the port taken meanwhile
by any process's connection. Below the range, only another listener can take it.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import port_for

LOWEST = 10000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
DEFAULT_EPHEMERAL_START = 32768


def ephemeral_start() -> int:
    """The first port the kernel gives outgoing connections."""
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return DEFAULT_EPHEMERAL_START


def listening_port(exclude: Collection[int] = ()) -> int:
    """A free loopback port below the ephemeral range, not in ``exclude``."""
    top = ephemeral_start()
    candidates = set(range(LOWEST, top if top > LOWEST + 1000 else DEFAULT_EPHEMERAL_START)) - set(exclude)
    return int(port_for.select_random(ports=candidates))
