"""A reader of ``.env`` files with the rules goose's loader follows.

``KEY=VALUE`` or ``KEY: VALUE`` lines, an optional ``export`` prefix, ``#``
comments, single-quoted values taken literally, double-quoted values with
escapes and ``${VAR}`` expansion, unquoted values with expansion and an
inline comment after whitespace. Variables already in the environment are
never overridden.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from altalune.errors import ConfigError

_LINE = re.compile(
    r"""^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*[:=]\s*(?P<value>.*?)\s*$"""
)
_EXPANSION = re.compile(
    r"(\\)?\$(?:\{(?P<braced>[A-Za-z0-9_]+)\}|(?P<bare>[A-Za-z0-9_]+))"
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "\\$"}


def parse(
    text: str, environ: Mapping[str, str], *, path: str = ".env"
) -> dict[str, str]:
    """The variables *text* defines, expanded against themselves and *environ*."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE, got {stripped!r}")
        values[match["key"]] = _value(match["value"], {**values, **environ})
    return values


def _value(raw: str, known: Mapping[str, str]) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        inner = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), raw[1:-1])
        return _expand(inner, known)
    comment = re.search(r"\s#", raw)
    if comment:
        raw = raw[: comment.start()]
    return _expand(raw.strip(), known)


def _expand(value: str, known: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match[1]:
            return match[0][1:]
        return known.get(match["braced"] or match["bare"], "")

    return _EXPANSION.sub(replace, value)


def load(path: Path, environ: MutableMapping[str, str]) -> None:
    """Add the variables of *path* that *environ* does not have yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"failed to load env file {str(path)!r}: {exc}") from None
    for key, value in parse(text, environ, path=str(path)).items():
        environ.setdefault(key, value)
