"""One TLS context per process for the harness's HTTP clients.

httpx builds a context for every client it makes, loading the system's CA bundle each time (about 20 ms of
CPU); a module-level ``httpx.post`` makes a client per call. The security suite sends about a hundred
requests a run, so the harness passes this one context instead.
"""

from __future__ import annotations

import ssl
from functools import cache


@cache
def context() -> ssl.SSLContext:
    """The default client context (certificates verified), made once."""
    return ssl.create_default_context()
