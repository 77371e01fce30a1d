"""A bucket's digest: BLAKE2b over its rows' canonical bytes in rowid order, char(30) between
two rows, whichever buckets are asked for (what an action's audit row records, what `audit
verify` compares it with)."""

from __future__ import annotations

import sqlite3
from itertools import groupby

from branchdesk.store import integrity


def _table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount REAL, n INTEGER,"
                 " data)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [
        (i, f"客户{i}" if i % 7 else None, i / 3 if i % 2 else None, i, f"备注{i}\n\"引号\"")
        for i in range(1, 1300)])
    conn.execute("DELETE FROM t WHERE id BETWEEN 512 AND 800")  # bucket 2 empty, 3 partly
    conn.execute("UPDATE t SET data = x'00ff10' WHERE id = 1100")  # a BLOB in bucket 4
    return conn


def _reference(conn: sqlite3.Connection) -> dict[int, str]:
    """Every row fetched in rowid order, joined and hashed here, bucket by bucket."""
    rows = conn.execute(
        "SELECT rowid >> 8, CAST(json_array(rowid, id, name, CASE WHEN typeof(amount) = 'real'"
        " THEN CAST(amount * 1048576 AS INTEGER) ELSE amount END, n, data) AS BLOB)"
        " FROM t WHERE typeof(data) != 'blob' ORDER BY rowid").fetchall()
    out = {}
    for bucket, group in groupby(rows, key=lambda r: r[0]):
        digest = integrity._hasher("t", bucket)
        digest.update(b"\x1e".join(row for _, row in group))
        out[bucket] = digest.hexdigest()
    return out


def test_bucket_by_bucket_gives_the_digests_of_one_pass():
    conn = _table()
    whole = integrity.bucket_digests(conn, "t")
    reference = _reference(conn)
    assert {b: whole[b] for b in reference if b != 4} == {b: d for b, d in reference.items()
                                                           if b != 4}
    assert sorted(whole) == [0, 1, 3, 4, 5]
    asked = [5, 0, 2, 3, 4, 1, 9]
    assert integrity.bucket_digests(conn, "t", asked) == {b: whole.get(b) for b in asked}
    assert integrity.bucket_digests(conn, "t", [2, 9]) == {2: None, 9: None}  # empty


def test_a_changed_row_changes_its_buckets_digest_only():
    conn = _table()
    before = integrity.bucket_digests(conn, "t", [0, 1, 4])
    conn.execute("UPDATE t SET amount = 2.5 WHERE id = 300")
    after = integrity.bucket_digests(conn, "t", [0, 1, 4])
    assert after[0] == before[0] and after[4] == before[4] and after[1] != before[1]
