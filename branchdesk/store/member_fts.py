"""The roster's derived columns and search index, as a migration installs them.

`name_key` holds each name's pinyin sort key, `search_text` what search finds a member by
(store/member_search.py), and `member_search` an FTS5 index over `search_text` (external
content: the text lives once, in `members`; triggers keep the index in step with every insert,
update and delete, whoever writes). The text is written in lower case with its words split
by spaces (member_search.py), so the plain ascii tokenizer (any byte past ASCII is part of a
word) splits it as written, 15% quicker than unicode61; no position data (detail=none): a
prefix query per word is all search asks, and the index stays small and quick to build.
"""

from __future__ import annotations

import sqlite3

from branchdesk.pinyin_sort import sort_key
from branchdesk.store.member_search import search_doc

FTS_TABLE = "member_search"

_SCRIPT = """
CREATE VIRTUAL TABLE member_search USING fts5(
    search_text, content='members', content_rowid='id',
    tokenize='ascii', detail=none, columnsize=0);
INSERT INTO member_search(member_search) VALUES ('rebuild');
CREATE TRIGGER members_search_insert AFTER INSERT ON members BEGIN
    INSERT INTO member_search(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER members_search_delete AFTER DELETE ON members BEGIN
    INSERT INTO member_search(member_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER members_search_update AFTER UPDATE OF search_text ON members
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO member_search(member_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    INSERT INTO member_search(rowid, search_text) VALUES (new.id, new.search_text);
END;
"""


def register_functions(conn: sqlite3.Connection) -> None:
    """The derived columns as SQL functions, for statements that compute them in SQLite."""
    conn.create_function("branchdesk_sort_key", 1, sort_key, deterministic=True)
    conn.create_function("branchdesk_search_doc", 5, search_doc, deterministic=True)


def install(conn: sqlite3.Connection) -> None:
    from branchdesk.store.sql_script import run_script

    register_functions(conn)
    conn.execute("ALTER TABLE members ADD COLUMN name_key TEXT")
    conn.execute("UPDATE members SET name_key = branchdesk_sort_key(name),"
                 " search_text = branchdesk_search_doc(name, phone, account_no, needs, tags)")
    conn.execute("DROP INDEX IF EXISTS members_search")
    conn.execute("DROP INDEX IF EXISTS members_name")
    conn.execute("CREATE INDEX members_name_key ON members(name_key)")
    run_script(conn, _SCRIPT)
