"""An oversized body is refused with 413 before it is read whole.

"Read whole" is seen from outside in two ways, over a raw socket so the harness controls the pace:

- streamed: a correctly signed 16 MiB body is sent chunked (no Content-Length, so the size can only be
  learned by counting), in 64 KiB chunks a few milliseconds apart. A webhook that counts answers 413
  while the upload is still going; one that reads everything answers only after the last chunk.
- declared: the headers announce 16 MiB and only 64 KiB follow. A webhook that trusts the header
  answers 413 at once; one that reads the body waits for bytes that never come.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness.checks.security.http import SUBJECT, enqueued, event_body, headers_for, settle
from harness.checks.webhook import webhook_url
from harness.findings import Finding, OversizedBodyRead, Severity
from harness.session import Session

STREAMED = "security.oversized_body_refused_early"
DECLARED = "security.declared_oversize_refused_before_body"
SIZE = 16 << 20
CHUNK = 64 << 10
PACE_S = 0.004
DECLARED_WAIT_S = 3.0


@dataclass(frozen=True)
class Upload:
    status: int | None
    sent: int
    total: int
    answered_early: bool  # the answer arrived before the upload ended
    elapsed_s: float

    def describe(self) -> str:
        answer = f"HTTP {self.status}" if self.status else "no answer"
        when = "before the upload ended" if self.answered_early else "after the upload ended"
        return f"{answer} {when}, {self.sent / 2**20:.2f} of {self.total / 2**20:.0f} MiB sent, {self.elapsed_s:.2f}s"


def _connect(url: str, timeout_s: float) -> socket.socket:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=timeout_s)
    if parts.scheme == "https":
        return ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
    return sock


def _head(url: str, headers: dict[str, str], length: int | None) -> bytes:
    parts = urlsplit(url)
    lines = [f"POST {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("content-length", "transfer-encoding")]
    lines += ["Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _readable(sock: socket.socket, wait_s: float) -> bool:
    return bool(select.select([sock], [], [], wait_s)[0])


def _status(sock: socket.socket, timeout_s: float) -> int | None:
    sock.settimeout(timeout_s)
    try:
        line = sock.recv(4096).split(b"\r\n", 1)[0].split()
    except OSError:
        return None
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else None


def stream_chunked(url: str, headers: dict[str, str], body: bytes, pace_s: float = PACE_S) -> Upload:
    """Send ``body`` chunked at a pace, watching for an answer between chunks."""
    started = time.monotonic()
    sent, early = 0, False
    with _connect(url, 10) as sock:
        sock.sendall(_head(url, headers, None))
        sock.settimeout(5)
        try:
            for at in range(0, len(body), CHUNK):
                if _readable(sock, pace_s):
                    early = True
                    break
                piece = body[at:at + CHUNK]
                sock.sendall(b"%x\r\n%b\r\n" % (len(piece), piece))
                sent += len(piece)
            if not early:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            early = sent < len(body)
        status = _status(sock, 15)
    return Upload(status, sent, len(body), early, time.monotonic() - started)


def declared_only(url: str, headers: dict[str, str], declared: int, body: bytes, wait_s: float) -> Upload:
    """Announce ``declared`` bytes, send only ``body``, and wait ``wait_s`` for an answer."""
    started = time.monotonic()
    with _connect(url, 10) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(_head(url, headers, declared) + body)
        status = _status(sock, wait_s) if _readable(sock, wait_s) else None
    return Upload(status, len(body), declared, status is not None, time.monotonic() - started)


def oversized_event(session: Session) -> tuple[bytes, str]:
    """A correctly signed event (in the contract's dialect) padded to 16 MiB, and its trigger."""
    payload, body, trigger = event_body(session)
    payload["padding"] = "x" * (SIZE - len(body) - 16)
    return json.dumps(payload).encode(), trigger


def _reproduce(url: str, mode: str) -> str:
    feed = f"head -c {SIZE} /dev/zero | tr '\\0' ' ' | "
    header = "-H 'Transfer-Encoding: chunked' -T -" if mode == "streamed" else f"-H 'Content-Length: {SIZE}' -T -"
    return (f"{feed}curl -sS -v -X POST {url} -H 'Content-Type: application/json' {header}  "
            "# watch whether the answer arrives before the upload ends")


def oversized_body_refused_early(session: Session) -> None:
    """A 16 MiB streamed body gets a 413 while the upload is still going."""
    body, trigger = oversized_event(session)
    upload = stream_chunked(webhook_url(session), headers_for(session, body), body)
    if upload.status == 413 and upload.answered_early:
        return
    settle(0.5)
    count = enqueued(session, trigger)
    severity, title = _grade(upload, count)
    raise OversizedBodyRead(Finding(
        STREAMED, SUBJECT, severity, title,
        expected="HTTP 413 before the upload ends (the body is counted while it streams and refused past the limit)",
        observed=f"{upload.describe()}; {count} message(s) enqueued",
        reproduce=_reproduce(webhook_url(session), "streamed")))


def _grade(upload: Upload, count: int) -> tuple[Severity, str]:
    if count or (upload.status is not None and upload.status < 300):
        return Severity.HIGH, "a 16 MiB body was read whole and accepted"
    if not upload.answered_early and upload.status == 413:
        return Severity.HIGH, "a 16 MiB body was refused with 413 only after it was read whole"
    if not upload.answered_early:
        return Severity.HIGH, f"a 16 MiB body was read whole (answer {upload.status} came after the upload)"
    return Severity.LOW, f"a 16 MiB body was refused early, but with HTTP {upload.status} instead of 413"


def declared_oversize_refused_before_body(session: Session) -> None:
    """A request announcing 16 MiB gets a 413 without the webhook waiting for the body."""
    body, _ = oversized_event(session)
    start = body[:CHUNK]
    upload = declared_only(webhook_url(session), headers_for(session, body), SIZE, start, DECLARED_WAIT_S)
    if upload.status == 413:
        return
    got = "no answer" if upload.status is None else f"HTTP {upload.status}"
    title = (f"the webhook waits for a declared {SIZE >> 20} MiB body instead of refusing it"
             if upload.status is None else f"a declared {SIZE >> 20} MiB body got {got}, not 413")
    raise OversizedBodyRead(Finding(
        DECLARED, SUBJECT, Severity.HIGH if upload.status is None else Severity.LOW, title,
        expected=f"HTTP 413 as soon as the headers announce {SIZE} bytes",
        observed=f"{got} within {DECLARED_WAIT_S:g}s of sending the headers and the first {CHUNK >> 10} KiB",
        reproduce=_reproduce(webhook_url(session), "declared")))
