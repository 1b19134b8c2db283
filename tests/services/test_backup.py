"""Backups: names, retention, consistent copies, automatic backups, checking and restoring."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Customer, ImportBatch
from models.db import SCHEMA_REVISION, known_revisions
from services import backup as bk
from services.backup import BackupFile, backup_name, list_backups, parse_backup_name, plan_retention
from services.customers import CustomerInput, create_customer, live_count
from services.errors import UserError
from services.excel.engine import ImportOptions, run_import
from services.paths import DataDir
from services.store import DamagedStoreError, NewerSchemaError, Store, open_store, restore_store

# Backups of the data folder's SQLite file (团队模式's pg_dump backups: test_backup_team.py).
pytestmark = pytest.mark.sqlite_only("backups of the SQLite file")

NOW = datetime(2026, 5, 20, 9, 30)
SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"


def _files(*specs: tuple[datetime, str]) -> list[BackupFile]:
    return [BackupFile(Path(backup_name(at, reason)), at, reason) for at, reason in specs]


def _kept(keep: list[BackupFile]) -> set[tuple[datetime, str]]:
    return {(b.taken_at, b.reason) for b in keep}


# ---- names and retention (pure) ------------------------------------------------------------------

def test_names_carry_time_and_reason_and_read_back() -> None:
    name = backup_name(datetime(2026, 5, 1, 9, 30, 12), "before-import")
    assert name == "keben-2026-05-01-093012-before-import.db"
    assert parse_backup_name(name) == (datetime(2026, 5, 1, 9, 30, 12), "before-import")
    assert parse_backup_name(backup_name(NOW, "manual", 2)) == (NOW, "manual")
    for stranger in ("keben.db", "keben-2026-05-01-093012-daily.db.partial", "keben-2026-05-01-093012-whatever.db",
                     "notes.txt"):
        assert parse_backup_name(stranger) is None


def test_a_year_of_daily_backups_keeps_7_days_4_weeks_12_months() -> None:
    daily = _files(*((NOW - timedelta(days=d), "daily") for d in range(400)))
    keep, delete = plan_retention(daily, NOW)
    kept_days = sorted({b.taken_at.date() for b in keep}, reverse=True)
    assert [NOW.date() - timedelta(days=d) for d in range(7)] == kept_days[:7]
    weeks = {b.taken_at.isocalendar()[:2] for b in keep}
    months = {(b.taken_at.year, b.taken_at.month) for b in keep}
    assert len(months) == 12
    assert len(weeks) >= 4
    assert len(keep) <= 7 + 4 + 12
    assert len(keep) + len(delete) == 400
    oldest_kept = min(b.taken_at for b in keep)
    assert oldest_kept > NOW - timedelta(days=366)


def test_only_the_newest_backup_of_a_day_counts_as_that_days_backup() -> None:
    day = NOW.replace(hour=0)
    backups = _files((day + timedelta(hours=8), "daily"), (day + timedelta(hours=12), "daily"),
                     (day - timedelta(days=1, hours=-8), "daily"))
    keep, delete = plan_retention(backups, NOW)
    assert _kept(delete) == {(day + timedelta(hours=8), "daily")}
    assert len(keep) == 2


def test_pre_operation_backups_stay_30_days_and_manual_ones_always() -> None:
    backups = _files((NOW - timedelta(days=29), "before-import"), (NOW - timedelta(days=31), "before-import"),
                     (NOW - timedelta(days=45), "before-migration"), (NOW - timedelta(days=2), "before-restore"),
                     (NOW - timedelta(days=900), "manual"), (NOW - timedelta(hours=1), "daily"))
    keep, delete = plan_retention(backups, NOW)
    assert _kept(delete) == {(NOW - timedelta(days=31), "before-import"), (NOW - timedelta(days=45), "before-migration")}
    assert (NOW - timedelta(days=900), "manual") in _kept(keep)


def test_the_newest_backup_is_always_kept() -> None:
    only = _files((NOW - timedelta(days=100), "before-import"))
    keep, delete = plan_retention(only, NOW)
    assert keep == only and delete == []


def test_pruning_deletes_the_planned_files_and_stale_partials_only(tmp_path: Path) -> None:
    for at, reason in ((NOW - timedelta(days=40), "before-import"), (NOW - timedelta(days=1), "before-import"),
                       (NOW, "daily")):
        (tmp_path / backup_name(at, reason)).write_bytes(b"x")
    stale = tmp_path / "keben-x.db.partial"
    stale.write_bytes(b"x")
    os.utime(stale, (0, 0))
    fresh = tmp_path / "keben-y.db.partial"
    fresh.write_bytes(b"x")
    (tmp_path / "mine.txt").write_text("seller's own file")
    deleted = bk.prune(tmp_path, NOW)
    assert {p.name for p in deleted} == {backup_name(NOW - timedelta(days=40), "before-import"), stale.name}
    assert (tmp_path / "mine.txt").exists() and fresh.exists()


# ---- copies -------------------------------------------------------------------------------------------

def _customer_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT remark_name FROM customer ORDER BY id")]
    finally:
        conn.close()


def test_a_manual_backup_is_a_consistent_single_file_copy(store: Store, session) -> None:
    create_customer(session, CustomerInput(remark_name="张丽"))
    backup = store.backup()
    assert backup.path.parent == store.data_dir.backups
    assert backup.reason == "manual" and backup.size > 0
    assert _customer_names(backup.path) == ["张丽"]
    assert not Path(f"{backup.path}-wal").exists()  # self-contained, no -wal beside it
    assert list_backups(store.data_dir.backups) == [backup]
    assert bk.check_backup_file(backup.path, known_revisions()) == SCHEMA_REVISION


def test_backup_out_writes_the_named_file(store: Store, session, tmp_path: Path) -> None:
    create_customer(session, CustomerInput(remark_name="王芳"))
    out = tmp_path / "elsewhere" / "客本备份.db"
    out.parent.mkdir()
    store.backup(out=out)
    assert _customer_names(out) == ["王芳"]
    assert list_backups(store.data_dir.backups) == []


def test_a_backup_cut_short_leaves_no_file_that_looks_good(store: Store, session) -> None:
    create_customer(session, CustomerInput(remark_name="张丽"))

    def crash(done: int, total: int) -> None:
        raise KeyboardInterrupt  # the process is stopped half-way

    assert store.database_file is not None
    with pytest.raises(KeyboardInterrupt):
        bk.make_backup(store.database_file, "manual", progress=crash)
    assert list_backups(store.data_dir.backups) == []
    assert [p.name for p in store.data_dir.backups.iterdir()] == []


def test_a_full_disk_during_a_backup_is_a_clear_message_and_writes_nothing(store: Store, session, monkeypatch) -> None:
    create_customer(session, CustomerInput(remark_name="张丽"))

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bk.os, "replace", full)
    with pytest.raises(UserError, match="磁盘已满"):
        store.backup()
    assert list(store.data_dir.backups.iterdir()) == []


def test_a_read_only_backup_folder_is_a_clear_message(store: Store, session, monkeypatch) -> None:
    create_customer(session, CustomerInput(remark_name="张丽"))
    real_open = os.open

    def denied(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith(".partial"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bk.os, "open", denied)
    with pytest.raises(UserError, match="没有写入权限"):
        store.backup()
    assert list(store.data_dir.backups.iterdir()) == []


# ---- automatic backups ------------------------------------------------------------------------------------

def test_an_empty_new_store_takes_no_backups(data_dir: DataDir) -> None:
    open_store(data_dir).close()
    open_store(data_dir).close()
    assert list_backups(data_dir.backups) == []


def test_start_takes_one_daily_backup_a_day(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    store.close()
    open_store(data_dir).close()
    open_store(data_dir).close()
    assert [b.reason for b in list_backups(data_dir.backups)] == ["daily"]


def test_a_reader_takes_no_daily_backup(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    store.close()
    open_store(data_dir, exclusive=False).close()
    assert list_backups(data_dir.backups) == []


def test_every_import_backs_up_first_but_a_dry_run_does_not(store: Store, session) -> None:
    create_customer(session, CustomerInput(remark_name="老客户"))
    headers = ["备注名"]
    run_import(session, "customers", headers, [(2, ["张丽"])], ImportOptions({0: "remark_name"}, dry_run=True))
    assert list_backups(store.data_dir.backups) == []
    run_import(session, "customers", headers, [(2, ["张丽"])], ImportOptions({0: "remark_name"}))
    backups = list_backups(store.data_dir.backups)
    assert [b.reason for b in backups] == ["before-import"]
    assert _customer_names(backups[0].path) == ["老客户"]  # the state before the import


def test_a_migration_backs_up_a_store_with_data_first(data_dir: DataDir) -> None:
    data_dir.ensure()
    data_dir.database.write_bytes((SCHEMAS / "keben-0003.sqlite").read_bytes())
    data_dir.backups.mkdir()
    (data_dir.backups / backup_name(datetime.now(), "daily")).write_bytes(b"")  # today's backup exists
    open_store(data_dir).close()
    made = [b for b in list_backups(data_dir.backups) if b.reason == "before-migration"]
    assert len(made) == 1
    assert bk.check_backup_file(made[0].path, known_revisions()) == "0003"
    open_store(data_dir).close()  # at the newest schema now: no second migration backup
    assert len([b for b in list_backups(data_dir.backups) if b.reason == "before-migration"]) == 1


# ---- start-up checks --------------------------------------------------------------------------------------

def _damage(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xff" * 4096 * 6)


def _store_with_customers(data_dir: DataDir, *names: str, padding: int = 0) -> None:
    """A store with these customers, and `padding` rows of filler so that it spans many pages."""
    store = open_store(data_dir)
    with store.db.session() as s:
        for name in names:
            create_customer(s, CustomerInput(remark_name=name))
    store.close()
    if padding:
        conn = sqlite3.connect(data_dir.database)
        conn.execute("CREATE TABLE padding (id INTEGER PRIMARY KEY, filler TEXT)")
        conn.executemany("INSERT INTO padding (filler) VALUES (?)", ((f"{i:06d}" * 40,) for i in range(padding)))
        conn.commit()
        conn.close()


def test_a_damaged_store_names_the_newest_good_backup(data_dir: DataDir) -> None:
    _store_with_customers(data_dir, "张丽", "王芳", padding=500)
    open_store(data_dir).close()  # the daily backup
    good = list_backups(data_dir.backups)[0]
    bad = data_dir.backups / backup_name(good.taken_at + timedelta(seconds=5), "manual")
    bad.write_bytes(b"SQLite format 3\x00 but broken")  # newer but unusable: skipped
    data_dir.database.write_bytes(b"\x00" * 8192)
    with pytest.raises(DamagedStoreError) as caught:
        open_store(data_dir)
    assert caught.value.backup == good
    assert "已损坏" in caught.value.message and str(good.path) in caught.value.message
    assert "\n" not in caught.value.message
    restore_store(data_dir, good.path)
    store = open_store(data_dir)
    try:
        with store.db.session() as s:
            assert live_count(s) == 2
    finally:
        store.close()


def test_a_damaged_page_is_found_by_the_daily_quick_check(data_dir: DataDir) -> None:
    _store_with_customers(data_dir, "张丽", padding=3000)
    _damage(data_dir.database)
    with pytest.raises(DamagedStoreError):
        open_store(data_dir)


def test_a_store_from_a_newer_keben_is_refused_and_left_alone(data_dir: DataDir) -> None:
    _store_with_customers(data_dir, "张丽")
    conn = sqlite3.connect(data_dir.database)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    before = data_dir.database.read_bytes()
    with pytest.raises(NewerSchemaError, match="更新版本的客本"):
        open_store(data_dir)
    conn = sqlite3.connect(data_dir.database)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)
    conn.close()
    assert len(data_dir.database.read_bytes()) == len(before)
    with pytest.raises(NewerSchemaError):  # the lock was released: a second try says the same
        open_store(data_dir)


# ---- restoring ----------------------------------------------------------------------------------------

@pytest.fixture
def two_states(data_dir: DataDir) -> tuple[Path, DataDir]:
    """A backup holding 张丽 only; the store now holds 张丽 and 王芳."""
    store = open_store(data_dir)
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    backup = store.backup()
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="王芳"))
    store.close()
    return backup.path, data_dir


def test_restore_backs_up_first_then_replaces_the_store(two_states: tuple[Path, DataDir]) -> None:
    backup, data_dir = two_states
    before = restore_store(data_dir, backup)
    assert before is not None and before.reason == "before-restore"
    assert _customer_names(before.path) == ["张丽", "王芳"]
    assert _customer_names(data_dir.database) == ["张丽"]
    store = open_store(data_dir)
    store.close()


def test_restore_into_the_open_store_of_the_app(two_states: tuple[Path, DataDir]) -> None:
    backup, data_dir = two_states
    store = open_store(data_dir)
    try:
        restore_store(data_dir, backup, store=store)
        with store.db.session() as s:  # the engine reconnects to the restored file
            assert s.scalar(select(func.count()).select_from(Customer)) == 1
    finally:
        store.close()


def _refused(data_dir: DataDir, file: Path, match: str) -> None:
    state = data_dir.database.read_bytes()
    backups = list_backups(data_dir.backups)
    with pytest.raises(UserError, match=match) as caught:
        restore_store(data_dir, file)
    assert str(file) in caught.value.message
    assert data_dir.database.read_bytes() == state
    assert list_backups(data_dir.backups) == backups


def test_restore_refuses_what_is_not_a_keben_database(two_states: tuple[Path, DataDir], tmp_path: Path) -> None:
    _backup, data_dir = two_states
    pdf = tmp_path / "报价单.db"
    pdf.write_bytes(b"%PDF-1.7 not a database")
    _refused(data_dir, pdf, "不是客本的备份文件")
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    _refused(data_dir, other, "不是客本的数据库")
    _refused(data_dir, tmp_path / "missing.db", "找不到备份文件")


def test_restore_refuses_a_damaged_or_newer_backup(two_states: tuple[Path, DataDir], tmp_path: Path) -> None:
    backup, data_dir = two_states
    newer = tmp_path / "newer.db"
    newer.write_bytes(backup.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    _refused(data_dir, newer, "更新版本的客本")
    damaged = tmp_path / "damaged.db"
    _store_copy_with_many_rows(damaged)
    _damage(damaged)
    _refused(data_dir, damaged, "已损坏")


def _store_copy_with_many_rows(path: Path) -> None:
    folder = DataDir.at(path.parent / "many")
    _store_with_customers(folder, "张丽", padding=3000)
    bk.copy_database(folder.database, path)


def test_restoring_a_store_when_another_keben_has_it_open_is_refused(two_states: tuple[Path, DataDir]) -> None:
    backup, data_dir = two_states
    store = open_store(data_dir)
    try:
        with pytest.raises(UserError, match="已经在使用"):
            restore_store(data_dir, backup)
    finally:
        store.close()


# ---- privacy ------------------------------------------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_data_folder_and_its_files_are_private(data_dir: DataDir) -> None:
    import logging

    store = open_store(data_dir)
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    logging.getLogger("keben").info("an event")
    store.backup()
    store.close()
    open_store(data_dir).close()
    for folder in (data_dir.root, data_dir.logs, data_dir.backups):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    files = [p for p in (*data_dir.root.iterdir(), *data_dir.logs.iterdir(), *data_dir.backups.iterdir()) if p.is_file()]
    assert data_dir.database in files and data_dir.log_file in files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_logs_never_contain_customer_fields(data_dir: DataDir, tmp_path: Path) -> None:
    store = open_store(data_dir)
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="秘密客户甲", phone="13912345678", wechat_id="wx_secret_1"))
        run_import(s, "customers", ["备注名", "手机"], [(2, ["秘密客户乙", "13787654321"]), (3, ["", "bad"])],
                   ImportOptions({0: "remark_name", 1: "phone"}))
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 1
    store.close()
    text = data_dir.log_file.read_text(encoding="utf-8")
    for secret in ("秘密客户", "13912345678", "13787654321", "wx_secret_1"):
        assert secret not in text


def test_a_database_error_in_the_log_never_carries_the_rows_values(store: Store) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with store.db.engine.connect() as conn, pytest.raises(IntegrityError) as caught:
        conn.execute(text("INSERT INTO customer_tag (customer_id, tag_id) VALUES (:c, :t)"),
                     {"c": 13912345678, "t": 424242})
    assert "13912345678" not in str(caught.value) and "424242" not in str(caught.value)
