"""Counting the round trips a PostgreSQL client asks for, from its raw bytes.

A client waits for the server after a Query message (simple protocol) or a
Sync message (extended protocol); counting those two kinds of frontend message
gives the number of round trips, or more when a client pipelines several.
"""

from __future__ import annotations

_PROTOCOL_3 = 196608
_ROUND_TRIP_KINDS = frozenset(b"QS")


class RoundTripCounter:
    """Follows one client-to-server byte stream, chunk by chunk.

    Before the startup message, frames are a length and a code (SSLRequest,
    GSSENCRequest, StartupMessage); after it, a kind byte and a length.
    Bodies are skipped without being buffered, so huge queries cost nothing.
    """

    def __init__(self) -> None:
        self.round_trips = 0
        self._typed = False
        self._header = bytearray()
        self._skip = 0

    def feed(self, chunk: bytes) -> None:
        position = 0
        while position < len(chunk):
            if self._skip:
                step = min(self._skip, len(chunk) - position)
                self._skip -= step
                position += step
                continue

            wanted = (5 if self._typed else 8) - len(self._header)
            self._header += chunk[position : position + wanted]
            position += wanted
            if len(self._header) == (5 if self._typed else 8):
                self._start_frame(bytes(self._header))
                self._header.clear()

    def _start_frame(self, header: bytes) -> None:
        if self._typed:
            # The length counts itself but not the kind byte.
            self._skip = int.from_bytes(header[1:5], "big") - 4
            if header[0] in _ROUND_TRIP_KINDS:
                self.round_trips += 1
            return

        self._skip = int.from_bytes(header[0:4], "big") - 8
        if int.from_bytes(header[4:8], "big") == _PROTOCOL_3:
            self._typed = True
