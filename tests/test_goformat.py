"""Go's strconv.Quote, EqualFold and goose's duration strings."""

from __future__ import annotations

import pytest

from altalune.goformat import GO_SPACE, go_duration, go_fold, go_quote


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        pytest.param("", '""', id="empty"),
        pytest.param("SELECT 1;", '"SELECT 1;"', id="plain"),
        pytest.param('say "hi"', '"say \\"hi\\""', id="double-quote"),
        pytest.param("a\\b", '"a\\\\b"', id="backslash"),
        pytest.param("it's", '"it\'s"', id="single-quote-kept"),
        pytest.param("\a\b\f\n\r\t\v", '"\\a\\b\\f\\n\\r\\t\\v"', id="named-escapes"),
        pytest.param("\x00\x1b\x7f", '"\\x00\\x1b\\x7f"', id="ascii-controls"),
        pytest.param("\x85\xa0", '"\\u0085\\u00a0"', id="latin1-controls-and-nbsp"),
        pytest.param("\ufeff-- +goose Up", '"\\ufeff-- +goose Up"', id="bom"),
        pytest.param("\u2028", '"\\u2028"', id="line-separator"),
        pytest.param("été µ 日本", '"été µ 日本"', id="printable-unicode"),
        pytest.param("\U0001f600", '"\U0001f600"', id="emoji-printable"),
        pytest.param("\U000e0001", '"\\U000e0001"', id="astral-format-char"),
        pytest.param("\udc80\udcff", '"\\x80\\xff"', id="undecodable-bytes"),
        pytest.param("\ud800", '"\\xed\\xa0\\x80"', id="lone-surrogate"),
    ],
)
def test_go_quote_matches_strconv_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


def test_go_quote_limit_marks_the_cut() -> None:
    assert go_quote("abcdef", limit=3) == '"abc"...'
    assert go_quote("abc", limit=3) == '"abc"'


def test_go_space_is_unicode_isspace() -> None:
    assert set(GO_SPACE) == set(
        "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    ) | {chr(c) for c in range(0x2000, 0x200B)}
    assert "\x1c" not in GO_SPACE  # Python's str.isspace() says otherwise


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ("statementbegin", "StatementBegin", True),
        ("NO TRANSACTION", "no transaction", True),
        ("\u212a", "k", True),  # Kelvin sign
        ("\u017f", "s", True),  # long s
        ("stra\u00dfe", "strasse", False),  # sharp s folds to two runes
        ("\u0130", "i", False),  # dotted capital I has no simple folding to i
    ],
)
def test_go_fold_follows_equal_fold(left: str, right: str, equal: bool) -> None:
    assert (go_fold(left) == go_fold(right)) is equal


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        # the examples GOOSE.md 10.7 verified against goose
        (1_234_567, "1.23ms"),
        (12_345_678, "12.35ms"),
        (999_999, "1ms"),
        (1_234_567_890, "1.23s"),
        (61_230_000_000, "1m1.23s"),
        (3_723_456_789_000, "1h2m3.46s"),
        (500, "500ns"),
        # Go's Duration.String around each unit
        (0, "0s"),
        (1, "1ns"),
        (1_000, "1µs"),
        (1_001, "1µs"),
        (1_015, "1.02µs"),
        (1_500, "1.5µs"),
        (1_000_000, "1ms"),
        (1_000_000_000, "1s"),
        (1_005_000_000, "1.01s"),
        (60_000_000_000, "1m0s"),
        (3_600_000_000_000, "1h0m0s"),
        (90_061_000_000_000, "25h1m1s"),
    ],
)
def test_go_duration(nanoseconds: int, text: str) -> None:
    assert go_duration(nanoseconds / 1e9) == text


def test_go_duration_uses_micro_sign() -> None:
    assert go_duration(2e-6).endswith("\u00b5s")
    assert go_duration(-0.5) == "-500ms"
