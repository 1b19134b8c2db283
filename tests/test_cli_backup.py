"""`backup` and `restore` on the command line, damaged stores, and crash safety (SIGKILL)."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import main
from services.backup import list_backups
from services.customers import CustomerInput, create_customer
from services.paths import DataDir
from services.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder holding one customer, 张丽."""
    path = tmp_path / "cli-data"
    store = open_store(DataDir.at(path))
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    store.close()
    return path


def _names(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT remark_name FROM customer ORDER BY id")]
    finally:
        conn.close()


def _add(folder: Path, name: str) -> None:
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name=name))
    store.close()


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_backup_goes_into_the_backups_folder(folder: Path, capsys) -> None:
    code, out, err = run(capsys, "--data-dir", str(folder), "backup", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["reason"] == "manual" and payload["size"] > 0
    assert Path(payload["file"]).parent == folder / "backups"
    assert _names(Path(payload["file"])) == ["张丽"]


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_backup_out_and_restore_round_trip(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "我的备份.db"
    code, stdout, err = run(capsys, "backup", "--out", str(out), "--data-dir", str(folder))
    assert code == 0, err
    assert str(out) in stdout
    _add(folder, "王芳")
    code, stdout, err = run(capsys, "--data-dir", str(folder), "restore", str(out), "--json")
    assert code == 0, err
    payload = json.loads(stdout)
    assert _names(folder / "keben.db") == ["张丽"]
    assert _names(Path(payload["before_restore"])) == ["张丽", "王芳"]


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 a renamed pdf", "不是客本的备份文件"),
    (None, "找不到备份文件"),
])
@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_restore_refusals_are_one_line_exit_2_and_change_nothing(folder: Path, tmp_path: Path, capsys,
                                                                 content: bytes | None, message: str) -> None:
    file = tmp_path / "备份.db"
    if content is not None:
        file.write_bytes(content)
    before = (folder / "keben.db").read_bytes()
    code, _out, err = run(capsys, "--data-dir", str(folder), "restore", str(file))
    assert code == 2
    assert message in err and str(file) in err
    assert err.strip().count("\n") == 0
    assert (folder / "keben.db").read_bytes() == before
    assert list_backups(folder / "backups") == []


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_a_command_on_a_damaged_store_exits_2_naming_the_newest_good_backup(folder: Path, capsys) -> None:
    run(capsys, "--data-dir", str(folder), "backup")
    good = list_backups(folder / "backups")[0]
    (folder / "keben.db").write_bytes(b"\x00" * 4096 * 4)
    for command in (["find", "张"], ["today"], ["export", "--kind", "customers", "--out", "x.xlsx"]):
        code, _out, err = run(capsys, "--data-dir", str(folder), *command)
        assert code == 2, command
        assert err.strip().count("\n") == 0
        assert "已损坏" in err and str(good.path) in err and "restore" in err
    code, _out, err = run(capsys, "--data-dir", str(folder), "restore", str(good.path))
    assert code == 0, err
    code, out, err = run(capsys, "--data-dir", str(folder), "find", "张", "--json")
    assert code == 0, err
    assert json.loads(out)["total"] == 1


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_a_store_from_a_newer_keben_exits_2(folder: Path, capsys) -> None:
    conn = sqlite3.connect(folder / "keben.db")
    conn.execute("UPDATE alembic_version SET version_num = '0999'")
    conn.commit()
    conn.close()
    code, _out, err = run(capsys, "--data-dir", str(folder), "find", "张")
    assert code == 2
    assert "更新版本的客本" in err and "0999" in err


def test_export_to_a_file_that_cannot_be_written_is_a_clear_message(folder: Path, tmp_path: Path, capsys,
                                                                    monkeypatch) -> None:
    import errno

    import xlsxwriter.workbook

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "客户.xlsx"))

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "close", denied)
    out = tmp_path / "客户.xlsx"
    code, _out, err = run(capsys, "--data-dir", str(folder), "export", "--kind", "customers", "--out", str(out))
    assert code == 2, err
    assert "客户.xlsx" in err
    assert not out.exists()


# ---- crash safety: SIGKILL half-way ------------------------------------------------------------------------

def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _wait_for(condition, timeout: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended early: {proc.returncode} {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("timed out")
        time.sleep(0.02)


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_an_import_killed_half_way_leaves_no_trace(folder: Path, tmp_path: Path) -> None:
    big = tmp_path / "两万客户.csv"
    with open(big, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["备注名", "手机", "微信号", "城市"])
        for i in range(20_000):
            writer.writerow([f"客户{i}", f"139{i:08d}", f"wx_{i}", "杭州"])
    backups = folder / "backups"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(folder), "import", str(big),
                             "--kind", "customers", "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # The import backs up first, then writes: once that backup is there, the rows are going in.
        _wait_for(lambda: any(b.reason == "before-import" for b in list_backups(backups)), 30, proc)
        time.sleep(0.5)
        assert proc.poll() is None, "the import finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    db = folder / "keben.db"
    assert _integrity(db) == "ok"
    assert _names(db) == ["张丽"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM import_batch").fetchone() == (0,)
    conn.close()
    store = open_store(DataDir.at(folder))  # the lock died with the process
    store.close()


BACKUP_SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from services.backup import make_backup
make_backup(Path({db!r}), "manual", progress=lambda done, total: time.sleep(0.3))
"""


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_backup_killed_half_way_is_never_taken_for_a_good_one(folder: Path) -> None:
    from models.db import known_revisions
    from services.backup import check_backup_file, newest_good_backup, prune
    from services.errors import UserError

    db = folder / "keben.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE padding (filler TEXT)")
    conn.executemany("INSERT INTO padding VALUES (?)", ((f"{i:08d}" * 30,) for i in range(20_000)))
    conn.commit()
    conn.close()
    backups = folder / "backups"
    script = BACKUP_SCRIPT.format(root=str(ROOT), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        partial = lambda: [p for p in backups.glob("*.partial") if p.stat().st_size > 0]  # noqa: E731
        _wait_for(lambda: backups.is_dir() and bool(partial()), 30, proc)
        assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    left = list(backups.iterdir())
    assert left and all(".partial" in p.name for p in left)
    assert list_backups(backups) == []
    assert newest_good_backup(backups, known_revisions()) is None
    with pytest.raises(UserError):
        check_backup_file(next(p for p in left if p.name.endswith(".partial")), known_revisions())
    assert _integrity(db) == "ok"
    later = datetime.now() + timedelta(hours=2)
    prune(backups, later)  # a later backup clears what the crash left
    assert list(backups.iterdir()) == []


# ---- environments that refuse to store: a full disk, a read-only database -------------------------------

def _import_file(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "客户.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["备注名", "手机"])
        for i in range(rows):
            writer.writerow([f"新客户{i}", f"137{i:08d}"])
    return path


def _with_pragma(monkeypatch: pytest.MonkeyPatch, statement: str) -> None:
    """Every connection the store opens from now on also runs `statement` (may use {pages})."""
    import models.db

    original = models.db._sqlite_pragmas

    def pragmas(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        original(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(statement.format(pages=pages))
        cursor.close()

    monkeypatch.setattr(models.db, "_sqlite_pragmas", pragmas)


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_a_full_disk_during_an_import_is_a_clear_message_and_writes_nothing(folder: Path, tmp_path: Path, capsys,
                                                                           monkeypatch) -> None:
    _with_pragma(monkeypatch, "PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    code, _out, err = run(capsys, "--data-dir", str(folder), "import", str(_import_file(tmp_path, 3000)),
                          "--kind", "customers")
    assert code == 2, err
    assert "磁盘已满" in err and err.strip().count("\n") == 0
    monkeypatch.undo()
    assert _names(folder / "keben.db") == ["张丽"]
    assert _integrity(folder / "keben.db") == "ok"


@pytest.mark.sqlite_only("the data folder's SQLite file and its backups")
def test_a_read_only_database_is_a_clear_message_and_writes_nothing(folder: Path, tmp_path: Path, capsys,
                                                                   monkeypatch) -> None:
    _with_pragma(monkeypatch, "PRAGMA query_only = ON")  # what SQLite says for a read-only file or folder
    code, _out, err = run(capsys, "--data-dir", str(folder), "import", str(_import_file(tmp_path, 10)),
                          "--kind", "customers")
    assert code == 2, err
    assert "没有写入权限" in err
    monkeypatch.undo()
    assert _names(folder / "keben.db") == ["张丽"]


def test_a_data_folder_that_cannot_be_written_is_a_clear_message(tmp_path: Path, capsys, monkeypatch) -> None:
    import errno

    from services.paths import DataDir as Dir

    def denied(self: Dir) -> Dir:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Dir, "ensure", denied)
    code, _out, err = run(capsys, "--data-dir", str(tmp_path / "ro"), "find", "x")
    assert code == 2
    assert "无法创建数据文件夹" in err and str(tmp_path / "ro") in err
    assert not (tmp_path / "ro").exists()
