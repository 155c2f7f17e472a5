"""A loopback TCP proxy that adds latency, to make round trips cost what they
cost over a network.

Each direction of a connection has a reader thread, which stamps every chunk
with the time it may leave, and a writer thread, which sends the chunks in
order as soon as their time comes. Chunks in flight overlap, so the delay adds
latency without limiting throughput. Threads sleep with the operating system's
fine timer, so that a 2 ms delay stays close to 2 ms. The proxy stops when its
context ends or when its lifetime runs out, whichever comes first.
"""

from __future__ import annotations

import contextlib
import ipaddress
import queue
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

from bench.wire import RoundTripCounter

_CHUNK = 256 * 1024
_QUEUED_CHUNKS = 256
_POLL = 0.2

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
        lifetime: float = 900.0,
    ) -> None:
        host = "127.0.0.1" if upstream_host == "localhost" else upstream_host
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the proxy only forwards to loopback, not {host!r}")
        self.delay = delay_ms / 1000
        self.round_trips = 0
        self._upstream = (host, upstream_port)
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._lock = threading.Lock()
        # Every socket opened, to be cut at the end; closing one twice is harmless.
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> LatencyProxy:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._acceptor.join()

    def reset(self) -> None:
        with self._lock:
            self.round_trips = 0

    def _accept(self) -> None:
        with self._listener:
            while not self._stop.is_set() and time.monotonic() < self._deadline:
                try:
                    client, _ = self._listener.accept()
                except TimeoutError:
                    continue
                self._connect(client)

        # Past its lifetime the proxy cuts whatever is still connected.
        with self._lock:
            for sock in self._sockets:
                _close(sock)

    def _connect(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self._upstream, timeout=5)
        except OSError:
            _close(client)
            return
        for sock in (client, server):
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._sockets |= {client, server}

        counter = RoundTripCounter()

        def observe(chunk: bytes) -> None:
            before = counter.round_trips
            counter.feed(chunk)
            with self._lock:
                self.round_trips += counter.round_trips - before

        pair = _Pair(client, server)
        self._forward(client, server, observe, pair)
        self._forward(server, client, None, pair)

    def _forward(
        self,
        source: socket.socket,
        target: socket.socket,
        observe: Observer | None,
        pair: _Pair,
    ) -> None:
        chunks: queue.Queue[tuple[float, bytes]] = queue.Queue(_QUEUED_CHUNKS)
        _start(self._read, source, chunks, observe)
        _start(self._write, chunks, target, pair)

    def _read(
        self,
        source: socket.socket,
        chunks: queue.Queue[tuple[float, bytes]],
        observe: Observer | None,
    ) -> None:
        try:
            while chunk := source.recv(_CHUNK):
                if observe is not None:
                    observe(chunk)
                chunks.put((time.monotonic() + self.delay, chunk))
        except OSError:
            pass  # a reset or a socket cut at shutdown: the stream ends here
        # An empty chunk tells the writer to close once the data before it left.
        chunks.put((time.monotonic() + self.delay, b""))

    def _write(
        self,
        chunks: queue.Queue[tuple[float, bytes]],
        target: socket.socket,
        pair: _Pair,
    ) -> None:
        broken = False

        # Once the target is gone the queue is still drained, so that the
        # reader never blocks on a full queue nobody empties.
        while True:
            due, chunk = chunks.get()
            if not chunk:
                break
            if broken:
                continue
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            try:
                target.sendall(chunk)
            except OSError:
                broken = True

        # Half-close, so that the other direction can still finish its flight.
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)
        pair.direction_done()


class _Pair:
    """A client socket and its server socket, closed once both directions end."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self._sockets = (client, server)
        self._open_directions = 2
        self._lock = threading.Lock()

    def direction_done(self) -> None:
        with self._lock:
            self._open_directions -= 1
            done = self._open_directions == 0
        if done:
            for sock in self._sockets:
                _close(sock)


def _start(target: Callable[..., None], *arguments: object) -> None:
    threading.Thread(target=target, args=arguments, daemon=True).start()


def _close(sock: socket.socket) -> None:
    # shutdown wakes a thread blocked in recv on the socket; close alone does not.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
