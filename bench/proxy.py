"""A loopback TCP proxy that adds latency, to make round trips cost what they
cost over a network.

Every chunk read from either side is stamped with the time it may leave and
queued; a writer per direction sends chunks in order as soon as their time
comes. Chunks in flight overlap, so the delay adds latency without limiting
throughput. The proxy runs its own event loop in a daemon thread and stops
when its context ends or when its lifetime runs out, whichever comes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from bench.wire import RoundTripCounter

_CHUNK = 256 * 1024
_QUEUED_CHUNKS = 256
_GRACE = 2.0

Observer = Callable[[bytes], None]


class LatencyProxy:
    """Forwards 127.0.0.1:<port> to a PostgreSQL server on the loopback.

    ``round_trips`` counts the Query and Sync messages clients sent since the
    last :meth:`reset`; read it once the client has exited.
    """

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        *,
        delay_ms: float = 2.0,
        lifetime: float = 600.0,
    ) -> None:
        host = "127.0.0.1" if upstream_host == "localhost" else upstream_host
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the proxy only forwards to loopback, not {host!r}")
        self.delay = delay_ms / 1000
        self.round_trips = 0
        self.port = 0
        self._upstream = (host, upstream_port)
        self._lifetime = lifetime
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="proxy")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._connections: set[asyncio.Task[Any]] = set()

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        self._ready.wait(timeout=10)
        if self._failure is not None or not self.port:
            raise RuntimeError(f"the proxy did not start: {self._failure!r}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def reset(self) -> None:
        self.round_trips = 0

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the thread that waits in __enter__
            self._failure = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()

        async with server:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self._lifetime)
            # Chunks still in flight when the context ends get a moment to land.
            if self._connections:
                await asyncio.wait(self._connections, timeout=_GRACE)

    async def _connect(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)

        # The handler is the top of its task: ending quietly when the loop
        # shuts down keeps asyncio from logging the cancellation as an error.
        try:
            await self._forward(client_in, client_out)
        except asyncio.CancelledError:
            client_out.close()
        finally:
            self._connections.discard(task)

    async def _forward(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self._upstream)
        except OSError:
            client_out.close()
            return

        counter = RoundTripCounter()

        def observe(chunk: bytes) -> None:
            before = counter.round_trips
            counter.feed(chunk)
            self.round_trips += counter.round_trips - before

        await asyncio.gather(
            self._pump(client_in, server_out, observe),
            self._pump(server_in, client_out, None),
        )

    async def _pump(
        self,
        source: asyncio.StreamReader,
        target: asyncio.StreamWriter,
        observe: Observer | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(_QUEUED_CHUNKS)
        writer = asyncio.create_task(self._deliver(queue, target))

        try:
            while chunk := await source.read(_CHUNK):
                if observe is not None:
                    observe(chunk)
                await queue.put((loop.time() + self.delay, chunk))
        except OSError:
            pass
        finally:
            # An empty chunk tells the writer to close once the data before it left.
            await queue.put((loop.time() + self.delay, b""))
            await writer

    async def _deliver(
        self, queue: asyncio.Queue[tuple[float, bytes]], target: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        broken = False

        # Once the target is gone the queue is still drained, so that the
        # reader never blocks on a full queue nobody empties.
        while True:
            due, chunk = await queue.get()
            if not chunk:
                break
            if broken:
                continue
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            try:
                target.write(chunk)
                await target.drain()
            except OSError:
                broken = True

        target.close()
