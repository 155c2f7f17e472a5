"""A small PostgreSQL lexer: where strings, comments and commands begin and end.

goose never looks inside SQL; the runner needs two facts it misses: whether a
statement stops inside a string, quoted identifier, dollar quote or block
comment, and which commands a text holds. Those constructs follow PostgreSQL's
lexer (scan.l); other text is opaque. Migrations can be hundreds of megabytes,
so compiled patterns jump between the few characters that matter and ordinary
text is never walked character by character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Command", "Open", "commands", "needs_no_transaction", "unterminated"]

# Identifier characters: ASCII letters and "_", then also digits and "$";
# PostgreSQL counts every non-ASCII character as a letter. The classes name
# the ASCII characters they exclude, because a class spanning all of Unicode
# takes milliseconds to compile at start-up.
IDENTIFIER_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]"
_TAG_PART = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
IDENTIFIER_CONTINUE = r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
_KINDS = {"'": "string literal", '"': "quoted identifier"}
_KINDS.update({"$": "dollar-quoted string", "/": "block comment"})

_OPENER = re.compile(r"--|/\*|'|\"|\$")
_OPENER_OR_SEMICOLON = re.compile(r"--|/\*|'|\"|\$|;")
_STANDARD_REST = re.compile(r"(?:[^']++|'')*+'")
_ESCAPE_REST = re.compile(r"(?:[^'\\]++|''|\\.)*+'", re.DOTALL)
_IDENTIFIER_REST = re.compile(r'(?:[^"]++|"")*+"')
_DOLLAR_TAG = re.compile(rf"\$(?:{IDENTIFIER_START}{_TAG_PART}*)?\$")
_COMMENT_MARK = re.compile(r"/\*|\*/")
_LINE_END = re.compile(r"[\r\n]")
_WORD_REST = re.compile(rf"{IDENTIFIER_CONTINUE}*")
_TOKEN = re.compile(
    rf"(?P<space>[ \t\n\r\f\v]+)|(?P<escape>[eE]')|(?P<open>--|/\*|['\"$])"
    rf"|(?P<word>{IDENTIFIER_START}{IDENTIFIER_CONTINUE}*)|(?P<number>[0-9]+)|(?P<other>.)",
    re.DOTALL,
)
_FIRST_WORD = re.compile(r"[ \t\n\r\f\v]*([A-Za-z]+)(?![\w$])")
_SIMPLE_LITERAL = re.compile(r"[eE]?'(\w*)'", re.ASCII)
_MAX_KEYWORDS = 32


@dataclass(frozen=True, slots=True)
class Open:
    """A construct still open at the end of a text, and where it opened."""

    kind: str  # "string literal", "quoted identifier", ...
    offset: int


@dataclass(frozen=True, slots=True)
class Command:
    """One command of a text split at its top-level semicolons.

    ``keywords`` holds its first words and symbols, comments left out:
    unquoted words upper-cased, quoted identifiers as written, a literal as
    ``'WORD'`` when it is one plain word and as ``'?'`` otherwise.
    """

    offset: int
    keywords: tuple[str, ...]
    end: int


def unterminated(text: str) -> Open | None:
    """The string, identifier, dollar quote or comment left open, if any."""
    # Fast path: with no comment, dollar or backslash, a text holding one kind
    # of quote is balanced exactly when it holds an even number of them.
    if not ("$" in text or "--" in text or "/*" in text or "\\" in text):
        if '"' not in text and text.count("'") % 2 == 0:
            return None
        if "'" not in text and text.count('"') % 2 == 0:
            return None

    pos = 0
    while (mark := _OPENER.search(text, pos)) is not None:
        start = mark.start()
        end = _skip(text, start, pos)
        if end < 0:
            return Open(_KINDS[text[start]], start)
        pos = end
    return None


def commands(text: str) -> list[Command]:
    """Split *text* at its top-level semicolons; empty commands are left out."""
    found: list[Command] = []
    for begin, end in _spans(text):
        offset, keywords = _tokens(text, begin, end, _MAX_KEYWORDS)
        if keywords:
            found.append(Command(offset, keywords, end))
    return found


def _spans(text: str) -> Iterator[tuple[int, int]]:
    """Where each command of *text* begins and ends (before its semicolon)."""
    begin = pos = 0
    while (mark := _OPENER_OR_SEMICOLON.search(text, pos)) is not None:
        if mark.group() == ";":
            yield begin, mark.start()
            begin = pos = mark.end()
            continue
        pos = _skip(text, mark.start(), pos)
        if pos < 0:
            break  # an unterminated construct runs to the end of the text
    yield begin, len(text)


def _tokens(
    text: str, begin: int, end: int, limit: int | None = None
) -> tuple[int, tuple[str, ...]]:
    """The keywords of ``text[begin:end]`` (see Command) and where they start."""
    found: list[str] = []
    first = end
    pos = begin
    while pos < end and (limit is None or len(found) < limit):
        match = _TOKEN.match(text, pos)
        assert match is not None  # the last alternative takes any character
        kind, start = match.lastgroup, match.start()
        pos = match.end()
        if kind == "escape":
            pos = _skip(text, start + 1, start)
        elif kind == "open":
            pos = _skip(text, start, start)
        pos = end if pos < 0 else min(pos, end)
        if kind == "space" or text.startswith(("--", "/*"), start):
            continue

        word = text[start:pos]
        if kind == "word" and word.isascii():
            word = word.upper()
        elif kind in ("escape", "open") and word[0] != '"' and len(word) > 1:
            literal = _SIMPLE_LITERAL.fullmatch(word)
            word = f"'{literal[1].upper()}'" if literal else "'?'"
        found.append(word)
        first = min(first, start)
    return first, tuple(found)


def _skip(text: str, start: int, floor: int) -> int:
    """End of the construct opened at *start*, or -1 if it never closes.

    *floor* is a known token boundary at or before *start*: the lexer looks
    back to it to tell ``E'`` from ``thE'`` and ``$$`` from ``a$$``.
    """
    char = text[start]
    if char == "'":
        escapes = _after_escape_prefix(text, start, floor)
        match = (_ESCAPE_REST if escapes else _STANDARD_REST).match(text, start + 1)
    elif char == '"':
        match = _IDENTIFIER_REST.match(text, start + 1)
    elif char == "$":
        return _skip_dollar(text, start, floor)
    elif char == "/":
        return _skip_block_comment(text, start)
    else:
        line_end = _LINE_END.search(text, start)
        return line_end.end() if line_end else len(text)
    return match.end() if match else -1


def _after_escape_prefix(text: str, quote: int, floor: int) -> bool:
    prefix = quote - 1
    if prefix < floor or text[prefix] not in "eE":
        return False
    return prefix == floor or not _is_word_char(text[prefix - 1])


def _skip_dollar(text: str, start: int, floor: int) -> int:
    # A '$' inside a word (a$b, AS$$) belongs to the word; after a number or
    # a parameter ($1$$) it starts a new token.
    word = start
    while word > floor and _is_word_char(text[word - 1]):
        word -= 1
    if word < start and text[word] not in "$0123456789":
        rest = _WORD_REST.match(text, start)
        assert rest is not None
        return rest.end()

    tag = _DOLLAR_TAG.match(text, start)
    if tag is None:
        return start + 1  # a parameter ($1) or a stray dollar sign
    close = text.find(tag.group(), tag.end())
    return -1 if close < 0 else close + len(tag.group())


def _skip_block_comment(text: str, start: int) -> int:
    # Block comments nest in PostgreSQL, unlike in the SQL standard.
    depth = 0
    pos = start
    while (mark := _COMMENT_MARK.search(text, pos)) is not None:
        depth += 1 if mark.group() == "/*" else -1
        pos = mark.end()
        if depth == 0:
            return pos
    return -1


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_$" if char.isascii() else True


# The commands PostgreSQL refuses inside a transaction block (its callers of
# PreventInTransactionBlock), matched against the keywords joined by spaces.
# They stay text, compiled (and cached by re) on first use: only files that
# use these verbs need them, and compiling them all costs start-up time.
_NAME = r'(?:"(?:[^"]|"")*"|\S+)'
_IN_OPTIONS = r"\( (?:[^)]* , )?"
_OPTIONS = r"(?:\([^)]*\) )?"
_FALSE = r"(?:FALSE|OFF|0|'FALSE'|'OFF'|'0')(?: [,)])"
_TRUE = r"(?:(?: =)? (?:TRUE|ON|1|'TRUE'|'ON'|'1'))?(?: [,)])"
_REFUSED = (
    ("{0}", r"((?:CREATE|DROP) (?:DATABASE|TABLESPACE)|ALTER SYSTEM)\b"),
    ("{0}", r"(DISCARD ALL|(?:COMMIT|ROLLBACK) PREPARED)\b"),
    ("VACUUM", r"VACUUM\b"),
    ("CLUSTER", r"CLUSTER(?: VERBOSE| \([^)]*\))?$"),
    ("CREATE INDEX CONCURRENTLY", r"CREATE (?:UNIQUE )?INDEX CONCURRENTLY\b"),
    ("DROP INDEX CONCURRENTLY", r"DROP INDEX CONCURRENTLY\b"),
    ("REINDEX {0}", rf"REINDEX {_OPTIONS}(SCHEMA|DATABASE|SYSTEM)\b"),
    ("REINDEX CONCURRENTLY", rf"REINDEX {_OPTIONS}(?:INDEX|TABLE) CONCURRENTLY"),
    ("REINDEX CONCURRENTLY", rf"REINDEX {_IN_OPTIONS}CONCURRENTLY{_TRUE}"),
    ("ALTER TABLE ... DETACH CONCURRENTLY",
     rf"ALTER TABLE .*\bDETACH PARTITION {_NAME}(?: \. {_NAME})* CONCURRENTLY\b"),
    ("ALTER DATABASE SET TABLESPACE",
     rf"ALTER DATABASE {_NAME} (?:(?:SET|WITH) )?TABLESPACE\b"),
    ("CREATE SUBSCRIPTION ... WITH (create_slot = true)",
     rf"CREATE SUBSCRIPTION (?!.* WITH {_IN_OPTIONS}(?:CONNECT|CREATE_SLOT)"
     rf"(?: =)? {_FALSE})"),
    ("ALTER SUBSCRIPTION ... REFRESH", rf"ALTER SUBSCRIPTION {_NAME} REFRESH\b"),
    ("ALTER SUBSCRIPTION with refresh",
     rf"ALTER SUBSCRIPTION {_NAME} (?:SET|ADD|DROP) PUBLICATION\b"
     rf"(?!.* WITH {_IN_OPTIONS}REFRESH(?: =)? {_FALSE})"),
    ("ALTER SUBSCRIPTION ... SET (failover)",
     rf"ALTER SUBSCRIPTION {_NAME} SET {_IN_OPTIONS}FAILOVER\b"),
    ("ALTER SUBSCRIPTION ... SET (two_phase)",
     rf"ALTER SUBSCRIPTION {_NAME} SET {_IN_OPTIONS}TWO_PHASE(?: =)? {_FALSE}"),
)  # fmt: skip
_SLOT_DETACHED = re.compile(
    rf"ALTER SUBSCRIPTION ({_NAME}) SET {_IN_OPTIONS}SLOT_NAME(?: =)? '?NONE'? [,)]"
)
_VERBS = {"CREATE", "DROP", "ALTER", "VACUUM", "CLUSTER", "REINDEX", "DISCARD",
          "COMMIT", "ROLLBACK"}  # fmt: skip
_DROP_SUBSCRIPTION = re.compile(rf"DROP SUBSCRIPTION (?:IF EXISTS )?({_NAME})")


def needs_no_transaction(text: str) -> str | None:
    """The first command of *text* that PostgreSQL refuses to run inside a
    transaction block, named as its error names it ("VACUUM", ...), or None.

    DROP SUBSCRIPTION is refused only while a replication slot is attached,
    the usual case; it counts unless an earlier command of *text* set that
    subscription's slot_name to NONE.
    """
    if not _mentions_refused_words(text):
        return None

    detached: set[str] = set()
    for begin, end in _spans(text):
        # The first words tell whether a command can matter; most are INSERTs.
        verb = _FIRST_WORD.match(text, begin, end)
        if verb and verb[1].upper() not in _VERBS:
            continue
        offset, head = _tokens(text, begin, end, 2)
        if not head or head[0] not in _VERBS:
            continue
        # Subscription options may follow any number of publications.
        limit = None if head[1:] == ("SUBSCRIPTION",) else _MAX_KEYWORDS
        line = " ".join(_tokens(text, offset, end, limit)[1])
        if slot := _SLOT_DETACHED.match(line):
            detached.add(_name_key(slot[1]))
        drop = _DROP_SUBSCRIPTION.match(line)
        if drop and _name_key(drop[1]) not in detached:
            return "DROP SUBSCRIPTION"
        for name, pattern in _REFUSED:
            if found := re.match(pattern, line):
                return name.format(*found.groups())
    return None


def _mentions_refused_words(text: str) -> bool:
    # A cheap test that spares the lexer nearly every statement; spelled out
    # because it runs once per statement of files with millions of them.
    low = text.lower()
    return (
        "concurrently" in low or "vacuum" in low or "cluster" in low
        or "reindex" in low or "database" in low or "tablespace" in low
        or "system" in low or "discard" in low or "prepared" in low
        or "subscription" in low
    )  # fmt: skip


def _name_key(name: str) -> str:
    # Unquoted names fold to lower case; quoted ones are taken as written.
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
