"""ENVSUB expansion, with the exact rules and messages of interpolate v0.0.2."""

from __future__ import annotations

import pytest

from altalune.envsub import EnvsubError, interpolate

ENV = {"A": "hello", "EMPTY": "", "WIDE": "h\u00e9llo", "NEST": "${A}"}


@pytest.mark.parametrize(
    ("line", "expanded"),
    [
        # GOOSE.md 3.2, verified against goose with A=hello, EMPTY=""
        pytest.param("$$x$$", "$x$", id="double-dollar-collapses"),
        pytest.param("\\\\$B \\$C", "\\\\ $C", id="backslashes"),
        pytest.param("$(x)", "$(x)", id="shell-substitution-kept"),
        pytest.param(
            "'${A-}' '$A_b' '${A:1:2}' '${A: -2}'", "'hello' '' 'el' 'lo'", id="forms"
        ),
        pytest.param(
            "${NOPE:-d} ${EMPTY:-d} ${EMPTY-d} ${NOPE-d}", "d d  d", id="defaults"
        ),
        # plain text and the simple forms
        pytest.param("SELECT 1;", "SELECT 1;", id="no-variables"),
        pytest.param("$A ${A} $NOPE.", "hello hello .", id="unset-is-empty"),
        pytest.param("cost$", "cost$", id="dollar-at-end-is-literal"),
        pytest.param("$", "$", id="lone-dollar"),
        pytest.param("a\\b \\", "a\\b \\", id="other-backslashes-kept"),
        pytest.param("\\$$A", "$hello", id="escaped-then-variable"),
        pytest.param("$$$A", "$hello", id="collapse-then-variable"),
        pytest.param("$A1_x2", "", id="identifier-takes-digits-and-underscore"),
        pytest.param("$été", "", id="unicode-identifier"),
        pytest.param("${NEST}", "${A}", id="values-are-not-expanded-again"),
        # operators
        pytest.param("${A:-x}", "hello", id="colon-dash-set"),
        pytest.param("${EMPTY:-x}", "x", id="colon-dash-empty"),
        pytest.param("${NOPE:-${A}}", "hello", id="default-is-expanded"),
        pytest.param("${NOPE:-${OTHER:-z}}", "z", id="nested-defaults"),
        pytest.param("${NOPE:-a}b}", "ab}", id="default-ends-at-first-brace"),
        pytest.param("${A-x}", "hello", id="dash-set"),
        pytest.param("${EMPTY?x}", "", id="required-set-empty"),
        pytest.param("${A?x}", "hello", id="required-set"),
        pytest.param("${A:-${NOPE?never evaluated}}", "hello", id="lazy-default"),
        # substrings count bytes of the UTF-8 value
        pytest.param("${A:1}", "ello", id="offset"),
        pytest.param("${A:9}", "", id="offset-past-end"),
        pytest.param("${A: -9}", "hello", id="negative-offset-clamped"),
        pytest.param("${A:1:-1}", "ell", id="negative-length"),
        pytest.param("${A:3:-3}", "", id="negative-length-before-offset"),
        pytest.param("${A:1:99}", "ello", id="length-past-end"),
        pytest.param("${A: 1 : 2 }", "el", id="spaces-around-numbers"),
        pytest.param("${A:+1}", "ello", id="plus-sign"),
        pytest.param("${WIDE:3}", "llo", id="bytes-not-characters"),
        pytest.param("${NOPE:1}", "", id="substring-of-unset"),
    ],
)
def test_interpolate(line: str, expanded: str) -> None:
    assert interpolate(line, ENV) == expanded


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("$_x", "Expected identifier to start with a letter, got _"),
        ("$1", "Expected identifier to start with a letter, got 1"),
        ("$;", "Expected identifier to start with a letter, got ;"),
        ("cost$;", "Expected identifier to start with a letter, got ;"),
        ("$\\", "Expected identifier to start with a letter, got \\"),
        ("${", "Expected identifier to start with a letter, got \ufffd"),
        ("${1}", "Expected identifier to start with a letter, got 1"),
        ("${A:-$}", "Expected identifier to start with a letter, got }"),
        ("${A+x}", "Expected an operator, got +"),
        ("${A", "Expected an operator, got \ufffd"),
        ("${A:-x", "Expected brace expansion to end with }, got \ufffd"),
        ("${A?x", "Expected brace expansion to end with }, got \ufffd"),
        (
            "${A:?msg}",
            'Unable to parse offset: strconv.Atoi: parsing "?msg": invalid syntax',
        ),
        ("${A:}", 'Unable to parse offset: strconv.Atoi: parsing "": invalid syntax'),
        ("${A:1", 'Unable to parse length: strconv.Atoi: parsing "": invalid syntax'),
        (
            "${A:1:x}",
            'Unable to parse length: strconv.Atoi: parsing "x": invalid syntax',
        ),
        (
            "${A:1_0}",
            'Unable to parse offset: strconv.Atoi: parsing "1_0": invalid syntax',
        ),
        (
            "${A:99999999999999999999}",
            "Unable to parse offset: strconv.Atoi: "
            'parsing "99999999999999999999": value out of range',
        ),
        ("${A:1\ufffd2", "Expected brace expansion to end with }, got \ufffd"),
        ("${UNSET_X?boom}", "$UNSET_X: boom"),
        ("${UNSET_X?}", "$UNSET_X: not set"),
        ("${UNSET_X?need $A}", "$UNSET_X: need hello"),
        ("${UNSET_X?${UNSET_Y?inner}}", "$UNSET_Y: inner"),
        ("${NOPE?first} $1", "Expected identifier to start with a letter, got 1"),
    ],
)
def test_interpolate_errors(line: str, message: str) -> None:
    with pytest.raises(EnvsubError) as caught:
        interpolate(line, ENV)
    assert str(caught.value) == message


def test_substring_that_splits_a_character_is_refused() -> None:
    # Go would produce invalid UTF-8, which PostgreSQL rejects anyway.
    with pytest.raises(EnvsubError, match="splits a multi-byte character"):
        interpolate("${WIDE:2}", ENV)


def test_huge_offsets_are_clamped() -> None:
    assert interpolate("${A: -9223372036854775808}", ENV) == "hello"
    assert interpolate("${A:9223372036854775807}", ENV) == ""
