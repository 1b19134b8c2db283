"""Crash safety of the bulk edits on the customer list (打标签, 安排跟进, 删除 on thousands of customers):
a child process runs the real service, is held inside its transaction — after its first write, or
with every write done and the commit about to go out (a service that committed chunk by chunk would
leave some behind there) — with SQLite's page cache made tiny so the uncommitted pages have already
spilled into the WAL file, and is killed with SIGKILL. After reopening, `PRAGMA integrity_check` is
ok and none of the edit is there: not one tag, follow-up or deletion of the 20,000.

(The import and backup kill tests are in tests/test_cli_backup.py.)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import insert

from models import Customer
from services.paths import DataDir
from services.store import open_store
from services.tags import save_group, save_tag

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"),
              pytest.mark.sqlite_only("SQLite's own file, WAL and integrity_check")]

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = 20_000

# The bulk edit as the customer list runs it, held after its first write until it is killed.
CHILD = """
import sys, time
from datetime import date
sys.path.insert(0, {root!r})
from pathlib import Path
from sqlalchemy import event, select
from models import Customer
from services.customers import bulk_set_follow_up, trash_customers
from services.paths import DataDir
from services.store import open_store
from services.tags import add_tag

store = open_store(DataDir.at({folder!r}))

def hold(what):
    Path({marker!r}).write_text(what)
    time.sleep(600)  # until the test kills us

if {at_commit!r}:
    event.listen(store.db.engine, "commit", lambda conn: hold("commit"))
else:
    @event.listens_for(store.db.engine, "after_cursor_execute")
    def first_write(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            hold(statement[:60])

with store.db.session() as session:
    session.connection().exec_driver_sql("PRAGMA cache_size=10")  # spill the open transaction to the WAL
    ids = list(session.scalars(select(Customer.id)))
    {operation}
"""

OPERATIONS = {
    "tag": "add_tag(session, ids, {tag_id})",
    "follow-up": "bulk_set_follow_up(session, ids, date(2026, 12, 24), '圣诞回访')",
    "delete": "trash_customers(session, ids)",
}


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, int]:
    """A data folder with 20,000 customers and an unused tag 圣诞礼盒 (its id)."""
    path = tmp_path / "bulk-data"
    store = open_store(DataDir.at(path))
    try:
        with store.db.session() as session:
            session.execute(insert(Customer), [{"remark_name": f"客户{i}", "phone": f"139{i:08d}"}
                                               for i in range(CUSTOMERS)])
            session.commit()
            tag_id = save_tag(session, save_group(session, "活动"), "圣诞礼盒")
    finally:
        store.close()
    return path, tag_id


def _counts(db: Path) -> tuple[str, int, int, int, int]:
    """(integrity_check, customers, tagged, follow-ups, in the 回收站)."""
    conn = sqlite3.connect(db)
    try:
        return (str(conn.execute("PRAGMA integrity_check").fetchone()[0]),
                conn.execute("SELECT count(*) FROM customer").fetchone()[0],
                conn.execute("SELECT count(*) FROM customer_tag").fetchone()[0],
                conn.execute("SELECT count(*) FROM follow_up").fetchone()[0],
                conn.execute("SELECT count(*) FROM customer WHERE deleted_at IS NOT NULL").fetchone()[0])
    finally:
        conn.close()


def _kill_when_held(proc: subprocess.Popen[bytes], marker: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the edit ended before it was held: {proc.returncode} "
                                 f"{proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        if time.monotonic() > deadline:
            raise AssertionError("the edit never reached its first write")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)


@pytest.mark.parametrize("at_commit", [False, True], ids=["after-first-write", "before-commit"])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_bulk_edit_killed_half_way_leaves_no_trace(folder: tuple[Path, int], tmp_path: Path,
                                                      operation: str, at_commit: bool) -> None:
    path, tag_id = folder
    db = path / "keben.db"
    before = _counts(db)
    assert before == ("ok", CUSTOMERS, 0, 0, 0)
    marker = tmp_path / "held"
    script = CHILD.format(root=str(ROOT), folder=str(path), marker=str(marker), at_commit=at_commit,
                          operation=OPERATIONS[operation].format(tag_id=tag_id))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _kill_when_held(proc, marker)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    wal = db.with_name(db.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 100 * 1024, "the uncommitted edit never reached the WAL"
    assert _counts(db) == before  # integrity ok, and not one row of the edit
    store = open_store(DataDir.at(path))  # the lock died with the process; the store opens as usual
    try:
        with store.db.session() as session:
            assert session.get(Customer, 1) is not None
    finally:
        store.close()
    assert _counts(db) == before
