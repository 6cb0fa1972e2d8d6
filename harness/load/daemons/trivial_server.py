"""A trivial HTTP endpoint for ``make bench``: answers every POST with a fixed 200, as fast as it can.

It parses only what keep-alive needs (the end of the headers and ``Content-Length``), so the load
generator, not the endpoint, is what the benchmark measures. ``python -m harness.load.daemons.trivial_server
PORT`` serves on 127.0.0.1 until killed.
"""

from __future__ import annotations

import asyncio
import re
import sys

BODY = b'{"status": "queued"}'
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


class TrivialProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            length = _LENGTH.search(self._buffer, 0, end)
            total = end + 4 + (int(length[1]) if length else 0)
            if len(self._buffer) < total:
                return
            self._buffer = self._buffer[total:]
            assert self._transport is not None
            self._transport.write(RESPONSE)


async def serve(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(TrivialProtocol, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
