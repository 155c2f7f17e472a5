"""The small PostgreSQL lexer: open constructs, commands and transaction limits."""

from __future__ import annotations

import pytest

from altalune.sqlscan import Command, Open, commands, needs_no_transaction, unterminated

STRING = "string literal"
IDENTIFIER = "quoted identifier"
DOLLAR = "dollar-quoted string"
COMMENT = "block comment"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("SELECT 1;", id="plain"),
        pytest.param("INSERT INTO t VALUES (1, 'abc');", id="simple-string"),
        pytest.param("SELECT 'it''s';", id="doubled-quote"),
        pytest.param("SELECT '';", id="empty-string"),
        pytest.param("SELECT 'a' 'b';", id="two-strings"),
        pytest.param("SELECT 'a\\';", id="backslash-is-plain-in-standard-string"),
        pytest.param("SELECT E'it\\'s';", id="escaped-quote-in-e-string"),
        pytest.param("SELECT e'a\\\\';", id="escaped-backslash"),
        pytest.param("SELECT E'a''b\\n';", id="e-string-doubling"),
        pytest.param("SELECT U&'d\\0061t';", id="unicode-string-is-standard"),
        pytest.param("SELECT thE'x\\';", id="e-inside-a-word-is-no-prefix"),
        pytest.param('SELECT 1 AS "a""b";', id="doubled-quote-in-identifier"),
        pytest.param('SELECT U&"d\\0061t";', id="unicode-identifier"),
        pytest.param('SELECT "it\'s";', id="apostrophe-in-identifier"),
        pytest.param("SELECT 'say \"hi\"';", id="double-quote-in-string"),
        pytest.param("SELECT $$a ' b$$;", id="dollar-quote"),
        pytest.param("SELECT $tag$ $$ $tag$;", id="tagged-dollar-quote"),
        pytest.param("SELECT $_1$x$_1$;", id="tag-with-underscore-and-digit"),
        pytest.param("SELECT $é$x$é$;", id="non-ascii-tag"),
        pytest.param("SELECT $1, $2;", id="parameters"),
        pytest.param("SELECT a$b, c$$;", id="dollar-inside-identifiers"),
        pytest.param("CREATE FUNCTION f() RETURNS int AS$$ x", id="as-dollar-dollar"),
        pytest.param("SELECT $1$$x$$;", id="dollar-quote-after-parameter"),
        pytest.param("SELECT 1$$x$$;", id="dollar-quote-after-number"),
        pytest.param("SELECT 'x'$$y$$;", id="dollar-quote-after-string"),
        pytest.param("SELECT $q$x$q$y$$;", id="word-after-dollar-quote"),
        pytest.param("SELECT 1; -- it's", id="line-comment"),
        pytest.param("-- $$\nSELECT 1;", id="dollar-in-line-comment"),
        pytest.param("SELECT 1 --\r'a'", id="line-comment-ends-at-carriage-return"),
        pytest.param("/* a /* b */ c */ SELECT 1;", id="nested-comments"),
        pytest.param("/**/ SELECT 1;", id="empty-comment"),
        pytest.param("/*/ */ SELECT 1;", id="slash-star-slash"),
        pytest.param("SELECT 2 */ 3;", id="stray-comment-end"),
        pytest.param("SELECT 4 - -1, 8 / 2;", id="lone-dash-and-slash"),
        pytest.param("SELECT '--', '/*';", id="comment-marks-in-string"),
        pytest.param('SELECT "$$";', id="dollars-in-identifier"),
    ],
)
def test_terminated(text: str) -> None:
    assert unterminated(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("SELECT 'abc", Open(STRING, 7), id="string"),
        pytest.param("SELECT 'a''", Open(STRING, 7), id="ends-with-doubled-quote"),
        pytest.param("SELECT 'a' 'b", Open(STRING, 11), id="second-string"),
        pytest.param("SELECT E'it\\'s", Open(STRING, 8), id="e-string"),
        pytest.param("SELECT E'a\\'' '", Open(STRING, 14), id="e-string-then-quote"),
        pytest.param("SELECT e'\\", Open(STRING, 8), id="trailing-backslash"),
        pytest.param('SELECT "a', Open(IDENTIFIER, 7), id="identifier"),
        pytest.param('SELECT "a""', Open(IDENTIFIER, 7), id="doubled-identifier"),
        pytest.param("SELECT $$ body", Open(DOLLAR, 7), id="dollar"),
        pytest.param("SELECT $q$ $Q$", Open(DOLLAR, 7), id="tags-are-case-sensitive"),
        pytest.param("SELECT $q$ $q", Open(DOLLAR, 7), id="incomplete-closing-tag"),
        pytest.param("SELECT $1$$x", Open(DOLLAR, 9), id="after-parameter"),
        pytest.param("SELECT 1$$x", Open(DOLLAR, 8), id="after-number"),
        pytest.param("x $_$ a", Open(DOLLAR, 2), id="underscore-tag"),
        pytest.param("/* a", Open(COMMENT, 0), id="comment"),
        pytest.param("/* a /* b */ c", Open(COMMENT, 0), id="nested-comment"),
        pytest.param("SELECT 1; /* a;\nb;", Open(COMMENT, 10), id="comment-after"),
        pytest.param("SELECT '--' || 'x", Open(STRING, 15), id="after-dashes-string"),
        pytest.param("-- 'x\nSELECT 'y", Open(STRING, 13), id="after-line-comment"),
    ],
)
def test_unterminated(text: str, found: Open) -> None:
    assert unterminated(text) == found


def test_huge_text_with_many_strings() -> None:
    text = "INSERT INTO t VALUES (1, 'a', \"b\", $$c$$);\n" * 20_000
    assert unterminated(text) is None
    assert unterminated(text + "'") == Open(STRING, len(text))


def test_commands_split_at_top_level_semicolons() -> None:
    text = (
        "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a);"
        " /* x; */ select 'a;b', \"c;d\", $$e;f$$ ; ;\n"
        "-- only a comment;\n"
        "vacuum -- c\n FULL"
    )
    found = commands(text)

    assert found == [
        Command(0, ("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", "I", "ON", "T",
                    "(", "A", ")"), 43),
        Command(54, ("SELECT", "'?'", ",", '"c;d"', ",", "'?'"),
                text.index(" ; ;") + 1),
        Command(text.index("vacuum"), ("VACUUM", "FULL"), len(text)),
    ]  # fmt: skip
    assert text[found[1].offset :].startswith("select")


def test_command_keywords() -> None:
    [command] = commands(
        "Alter  tABLE \"Odd\".t SET (fillfactor = 70, x = 'ON', y=E'a b')"
    )
    assert command.keywords == (
        "ALTER", "TABLE", '"Odd"', ".", "T", "SET", "(", "FILLFACTOR", "=", "70",
        ",", "X", "=", "'ON'", ",", "Y", "=", "'?'", ")",
    )  # fmt: skip


def test_command_keywords_are_capped_but_end_is_exact() -> None:
    text = "SELECT " + ", ".join(["1"] * 100)
    [command] = commands(text)
    assert len(command.keywords) == 32
    assert command.end == len(text)


def test_unterminated_command_runs_to_the_end() -> None:
    text = "SELECT 'a; b; c"
    assert commands(text) == [Command(0, ("SELECT", "'?'"), len(text))]


def test_non_ascii_words_are_kept_as_written() -> None:
    [command] = commands("SELECT \u0131, na\u00efve")
    assert command.keywords == ("SELECT", "\u0131", ",", "na\u00efve")


REFUSED = {
    "CREATE INDEX CONCURRENTLY": [
        "CREATE INDEX CONCURRENTLY i ON t (a)",
        "create unique index concurrently if not exists i on t (a);",
        "-- a comment line\nCREATE INDEX CONCURRENTLY i ON t (a)",
    ],
    "DROP INDEX CONCURRENTLY": ["DROP INDEX CONCURRENTLY IF EXISTS i"],
    "REINDEX CONCURRENTLY": [
        "REINDEX TABLE CONCURRENTLY t",
        "REINDEX (VERBOSE) INDEX CONCURRENTLY i",
        "REINDEX (CONCURRENTLY) TABLE t",
        "REINDEX (verbose, concurrently on) index i",
        "REINDEX (CONCURRENTLY TRUE, VERBOSE) TABLE t",
    ],
    "REINDEX SCHEMA": ["REINDEX SCHEMA public"],
    "REINDEX DATABASE": ["REINDEX DATABASE"],
    "REINDEX SYSTEM": ["REINDEX (VERBOSE) SYSTEM app"],
    "VACUUM": [
        "VACUUM",
        "vacuum (analyze, verbose) t",
        "VACUUM FULL t",
        "SELECT 1; VACUUM t; SELECT 2",
        "/* leading comment */ VACUUM",
    ],
    "CLUSTER": ["CLUSTER", "CLUSTER VERBOSE", "CLUSTER (VERBOSE)"],
    "CREATE DATABASE": ["CREATE DATABASE app"],
    "DROP DATABASE": ["DROP DATABASE IF EXISTS app WITH (FORCE)"],
    "ALTER DATABASE SET TABLESPACE": [
        "ALTER DATABASE app SET TABLESPACE fast",
        'ALTER DATABASE "my app" WITH TABLESPACE fast',
    ],
    "CREATE TABLESPACE": ["CREATE TABLESPACE fast LOCATION '/ssd'"],
    "DROP TABLESPACE": ["DROP TABLESPACE fast"],
    "ALTER SYSTEM": ["ALTER SYSTEM SET work_mem = '64MB'"],
    "DISCARD ALL": ["DISCARD ALL"],
    "COMMIT PREPARED": ["COMMIT PREPARED 'tx1'"],
    "ROLLBACK PREPARED": ["ROLLBACK PREPARED 'tx1'"],
    "ALTER TABLE ... DETACH CONCURRENTLY": [
        "ALTER TABLE m DETACH PARTITION m_2024 CONCURRENTLY",
        'ALTER TABLE IF EXISTS ONLY s.m DETACH PARTITION s."m 1" CONCURRENTLY',
    ],
    "CREATE SUBSCRIPTION ... WITH (create_slot = true)": [
        "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p",
        "CREATE SUBSCRIPTION s CONNECTION 'h' PUBLICATION p WITH (create_slot = true)",
        "CREATE SUBSCRIPTION s CONNECTION 'h' PUBLICATION p WITH (enabled = false)",
    ],
    "DROP SUBSCRIPTION": [
        "DROP SUBSCRIPTION s",
        "DROP SUBSCRIPTION IF EXISTS s CASCADE",
        "ALTER SUBSCRIPTION s SET (slot_name = NONE); DROP SUBSCRIPTION other",
    ],
    "ALTER SUBSCRIPTION ... REFRESH": ["ALTER SUBSCRIPTION s REFRESH PUBLICATION"],
    "ALTER SUBSCRIPTION with refresh": [
        "ALTER SUBSCRIPTION s SET PUBLICATION p, q",
        "ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (copy_data = false)",
        "ALTER SUBSCRIPTION s DROP PUBLICATION p WITH (refresh = true)",
    ],
    "ALTER SUBSCRIPTION ... SET (failover)": [
        "ALTER SUBSCRIPTION s SET (failover = true)"
    ],
    "ALTER SUBSCRIPTION ... SET (two_phase)": [
        "ALTER SUBSCRIPTION s SET (two_phase = off)"
    ],
}

ALLOWED = [
    "CREATE INDEX i ON t (a)",
    "CREATE INDEX concurrently_i ON t (concurrently)",
    "DROP INDEX i",
    "REINDEX TABLE t",
    "REINDEX INDEX i",
    "REINDEX (CONCURRENTLY false) TABLE t",
    "REINDEX (VERBOSE, CONCURRENTLY off) INDEX i",
    "ANALYZE t",
    "CLUSTER t",
    "CLUSTER t USING t_pkey",
    "CLUSTER VERBOSE t",
    "ALTER DATABASE app SET search_path = app",
    "ALTER DATABASE app RENAME TO app2",
    "ALTER TABLESPACE fast RENAME TO faster",
    "ALTER TABLE m DETACH PARTITION m_2024",
    "ALTER TABLE m DETACH PARTITION m_2024 FINALIZE",
    "ALTER TABLE m DETACH PARTITION concurrently",
    "ALTER TABLE m ATTACH PARTITION c FOR VALUES IN (1)",
    "DISCARD PLANS",
    "PREPARE TRANSACTION 'tx1'",
    "REFRESH MATERIALIZED VIEW CONCURRENTLY v",
    "CREATE TABLE system (database text, vacuum int, cluster int)",
    "SELECT 'VACUUM'; SELECT \"CREATE DATABASE\"",
    "-- VACUUM\nSELECT 1",
    "/* DROP DATABASE app; */ SELECT 1",
    "CREATE FUNCTION f() RETURNS void AS $$ BEGIN EXECUTE 'VACUUM'; END $$ "
    "LANGUAGE plpgsql",
    "CREATE FUNCTION f() RETURNS void AS $body$ VACUUM; $body$ LANGUAGE sql",
    "DO $$ BEGIN PERFORM 1; END $$; COMMENT ON TABLE t IS 'run VACUUM later'",
    "CREATE SUBSCRIPTION s CONNECTION 'h' PUBLICATION p WITH (connect = false)",
    "CREATE SUBSCRIPTION s CONNECTION 'h' PUBLICATION p, q "
    "WITH (enabled = false, create_slot = 'false')",
    "CREATE SUBSCRIPTION s CONNECTION 'h' PUBLICATION "
    + ", ".join(f"p{i}" for i in range(40))
    + " WITH (create_slot = off)",
    "ALTER SUBSCRIPTION s DISABLE; ALTER SUBSCRIPTION s SET (slot_name = NONE); "
    "DROP SUBSCRIPTION s",
    "ALTER SUBSCRIPTION \"S\" SET (slot_name = 'none'); "
    'DROP SUBSCRIPTION IF EXISTS "S"',
    "ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false)",
    "ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (copy_data = true, refresh = off)",
    "ALTER SUBSCRIPTION s SET (two_phase = true)",
    "ALTER SUBSCRIPTION s ENABLE",
    "ALTER SUBSCRIPTION s CONNECTION 'host=b'",
    "ALTER SYSTEMS",
]


@pytest.mark.parametrize(
    ("text", "name"),
    [(text, name) for name, texts in REFUSED.items() for text in texts],
)
def test_needs_no_transaction(text: str, name: str) -> None:
    assert needs_no_transaction(text) == name


def test_needs_no_transaction_finds_a_command_among_many() -> None:
    inserts = "INSERT INTO t VALUES (1, 'vacuum;');\n" * 10_000
    assert needs_no_transaction(inserts) is None
    assert needs_no_transaction(inserts + "  vacuum t;\n" + inserts) == "VACUUM"


@pytest.mark.parametrize("text", ALLOWED)
def test_needs_no_transaction_false_positives(text: str) -> None:
    assert needs_no_transaction(text) is None
