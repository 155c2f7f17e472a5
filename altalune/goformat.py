"""Go's string behaviour that goose's output and parsing depend on.

goose quotes bad input with ``%q`` (``strconv.Quote``), reports how long a
migration took with ``time.Duration.String()``, trims with ``unicode.IsSpace``
and compares annotations with ``strings.EqualFold``. Python's ``repr``,
``strip`` and ``casefold`` differ in small ways, so each is ported here.
"""

from __future__ import annotations

# Go's unicode.IsSpace, which goose's TrimSpace and word splitting use; Python's
# str.strip() would also remove the separators \x1c-\x1f.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # noqa: E501

_NAMED_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
}

# Python decodes undecodable bytes to these lone surrogates (surrogateescape);
# Go would print the original byte, so they map back to it.
_ESCAPED_BYTES = range(0xDC80, 0xDD00)

_NANOSECOND = 1
_MICROSECOND = 1_000 * _NANOSECOND
_MILLISECOND = 1_000 * _MICROSECOND
_SECOND = 1_000 * _MILLISECOND


def go_quote(text: str, *, limit: int | None = None) -> str:
    """Quote *text* as Go's ``strconv.Quote`` (and so ``%q``) does.

    With *limit*, only that many characters are quoted and "..." marks the cut,
    so that a long statement cannot flood a one-line error message.
    """
    shown = text if limit is None else text[:limit]
    quoted = '"' + "".join(_quote_char(char) for char in shown) + '"'
    return quoted + ("..." if len(shown) < len(text) else "")


def go_fold(text: str) -> str:
    """A key under which strings equal by Go's ``strings.EqualFold`` coincide.

    Go folds rune by rune: the Kelvin sign matches k and the long s matches s,
    but a folding to several runes (sharp s to ss) does not apply.
    """
    return "".join(f if len(f := c.casefold()) == 1 else c for c in text)


def _quote_char(char: str) -> str:
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named

    # Go's IsPrint and Python's isprintable agree: letters, marks, numbers,
    # punctuation, symbols and the ASCII space are shown as they are.
    if char.isprintable():
        return char

    code = ord(char)
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:
        # Go sees the three bytes of an encoded surrogate as invalid UTF-8.
        raw = char.encode("utf-8", "surrogatepass")
        return "".join(f"\\x{byte:02x}" for byte in raw)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def go_duration(seconds: float) -> str:
    """Format a migration's run time the way goose logs it (``OK   x.sql (1.23ms)``)."""
    return _duration_string(_goose_round(round(seconds * _SECOND)))


def _goose_round(nanoseconds: int) -> int:
    # goose keeps about three significant digits: it rounds to a hundredth of
    # the largest unit (second, millisecond, microsecond) the value exceeds.
    for unit in (_SECOND, _MILLISECOND, _MICROSECOND):
        if nanoseconds > unit:
            return _round_half_up(nanoseconds, unit // 100)
    return nanoseconds


def _round_half_up(value: int, multiple: int) -> int:
    remainder = value % multiple
    if remainder + remainder < multiple:
        return value - remainder
    return value + multiple - remainder


def _duration_string(nanoseconds: int) -> str:
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    size = abs(nanoseconds)

    if size < _MICROSECOND:
        return f"{sign}{size}ns"
    if size < _MILLISECOND:
        return sign + _fraction(size, _MICROSECOND) + "µs"
    if size < _SECOND:
        return sign + _fraction(size, _MILLISECOND) + "ms"

    whole_seconds, rest = divmod(size, _SECOND)
    minutes, secs = divmod(whole_seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = _fraction(secs * _SECOND + rest, _SECOND) + "s"
    # Go shows the minutes whenever there are hours, even "0m".
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    return sign + text


def _fraction(value: int, unit: int) -> str:
    """*value* / *unit* in decimal, without trailing zeros (Go's fmtFrac)."""
    whole, part = divmod(value, unit)
    digits = len(str(unit)) - 1
    decimals = f"{part:0{digits}d}".rstrip("0")
    return f"{whole}.{decimals}" if decimals else str(whole)
