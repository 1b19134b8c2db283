"""Opening a store: the data folder, its lock, logging, the database and its migrations."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from models.db import SCHEMA_REVISION, Database, current_revision, known_revisions, migrate, sqlite_url
from services.backup import (
    BackupFile,
    backup_before,
    backups_folder,
    check_backup_file,
    daily_backup_due,
    has_data,
    make_backup,
    newest_good_backup,
    restore_database,
    sqlite_file,
)
from services.errors import UserError
from services.i18n import t
from services.lock import StoreLock
from services.paths import DataDir, make_private

log = logging.getLogger("keben")


@dataclass
class Store:
    data_dir: DataDir
    db: Database
    lock: StoreLock | None = field(default=None)

    @property
    def database_file(self) -> Path | None:
        """The SQLite file behind the store (None on a server database)."""
        return sqlite_file(self.db.url)

    def backup(self, reason: str = "manual", out: Path | None = None) -> BackupFile:
        """Back the store up now: into backups/ (with retention), or to the file `out`; on a server,
        with pg_dump or as a workbook (services.backup_server)."""
        database = self.database_file
        if database is None:  # 团队模式: pg_dump, else the full workbook (BackupFile.method says which)
            from services.backup_server import backup_server

            return backup_server(self.db, self.data_dir.backups, reason, out)
        if out is None:
            return make_backup(database, reason)
        from services.backup import copy_database

        if out.resolve() == database.resolve():
            raise UserError(t("不能备份到正在使用的数据库文件本身：{file}", file=out))
        copy_database(database, out)
        return BackupFile(out, datetime.now().replace(microsecond=0), reason, out.stat().st_size)

    def daily_check_and_backup(self) -> None:
        """The first start of a day: quick_check, then the daily backup (DamagedStoreError if damaged)."""
        database = self.database_file
        if database is not None:
            try:
                _daily_check_and_backup(self.db, database)
            except DatabaseError as exc:
                if is_damage(exc.orig):
                    raise damaged_store_error(database, str(exc.orig)) from exc
                raise

    def close(self) -> None:
        self.db.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


class DamagedStoreError(UserError):
    """The database file is damaged; `backup` is the newest good backup, if any."""

    def __init__(self, message: str, database: Path, backup: BackupFile | None) -> None:
        super().__init__(message)
        self.database = database
        self.backup = backup


class NewerSchemaError(UserError):
    """The database was written by a newer KeBen; it is never migrated down."""


class ServerUnavailableError(UserError):
    """The PostgreSQL server (团队模式) cannot be reached or refuses us; `detail` says why, in one line.
    The window offers 重试 and the data folder's own file (services.store.LOCAL) instead."""

    def __init__(self, message: str, url: str, detail: str) -> None:
        super().__init__(message)
        self.url = url
        self.detail = detail


class _PrivateLogHandler(logging.handlers.RotatingFileHandler):
    """The log file (and each rotated one) readable only by the user."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        make_private(Path(self.baseFilename))
        return stream


def setup_logging(data_dir: DataDir) -> None:
    """Log to logs/keben.log in the data folder (rotated); never customer fields, only events."""
    root = logging.getLogger("keben")
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    handler = _PrivateLogHandler(data_dir.log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def open_store(
    data_dir: DataDir, database_url: str | None = None, *, exclusive: bool = True, daily: bool = True
) -> Store:
    """Open (creating and migrating if needed) the store in `data_dir`.

    `exclusive` takes the data folder's lock: the GUI and every command that writes take it, so a
    second copy of KeBen says so instead of writing alongside. Every open reads the schema (a file
    that is not a database is caught at once); the first exclusive open of a day also runs
    `PRAGMA quick_check` and then takes the daily backup (`daily=False` leaves that to the caller:
    the GUI runs `Store.daily_check_and_backup` in the background, as it takes seconds on a large
    store). A store about to be migrated is backed up first; one from a newer KeBen is refused.
    """
    try:
        data_dir.ensure()
    except OSError as exc:
        raise UserError(t("无法创建数据文件夹 {path}：{error}", path=data_dir.root, error=exc.strerror)) from exc
    setup_logging(data_dir)
    url = store_url(data_dir, database_url)
    lock = StoreLock(data_dir.lock_file).acquire() if exclusive else None
    database = sqlite_file(url)
    db: Database | None = None
    try:
        if database is not None and not database.exists():
            _create_private(database)
        db = open_database(url, data_dir.root)
        revision = current_revision(db.engine)
        if revision not in (None, SCHEMA_REVISION) and revision not in known_revisions():
            raise NewerSchemaError(t("数据库 {path} 来自更新版本的客本（数据库版本 {rev}），这个版本的客本不能打开它。"
                                     "请安装最新版本的客本；客本不会把它改回旧版本。", path=database or shown_url(url), rev=revision))
        if database is not None and exclusive and daily:
            _daily_check_and_backup(db, database)
        if database is not None and revision not in (None, SCHEMA_REVISION):
            log.info("migrating the store from revision %s", revision)
            backup_before(database, "before-migration")
        migrate(db)
    except DatabaseError as exc:  # locked, unreadable, not a database at all
        _abandon(db, lock)
        log.warning("cannot open database: %s", exc.orig)
        if database is not None and is_damage(exc.orig):
            raise damaged_store_error(database, str(exc.orig)) from exc
        if database is None:
            raise server_error(url, exc) from exc
        raise explain_database_error(exc, database) or UserError(t("无法打开数据库：{error}", error=exc.orig)) from exc
    except BaseException:
        _abandon(db, lock)
        raise
    data_dir.make_files_private()
    return Store(data_dir, db, lock)


LOCAL = "local"  # `--database-url local`: the data folder's own SQLite file, whatever the preferences say


def store_url(data_dir: DataDir, database_url: str | None = None) -> str:
    """The database a data folder's KeBen works on: `--database-url`, else the server remembered in the
    folder's preferences (团队模式, set in 设置 → 数据库), else the folder's own SQLite file."""
    if database_url and database_url.strip() != LOCAL:
        return database_url.strip()
    if database_url is None:
        from services.preferences import Preferences

        remembered = Preferences.load(data_dir.preferences).database_url
        if remembered:
            return remembered
    return sqlite_url(data_dir.database)


def open_database(url: str, data_root: Path | None = None) -> Database:
    """The engine for `url`; a URL that is not one (or names a driver not installed) is bad input."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        return Database(url, data_root)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise UserError(t("数据库地址无效：{url}（例如 postgresql+psycopg://用户名:密码@服务器/keben）",
                          url=shown_url(url))) from exc


def check_server(url: str) -> str:
    """测试连接: connect to the PostgreSQL server at `url`; its version, or UserError saying why not."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url.strip()).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend != "postgresql":
        raise UserError(t("请填写 PostgreSQL 服务器的地址，例如 postgresql+psycopg://用户名:密码@服务器/keben"))
    db = open_database(url.strip())
    try:
        with db.engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    except DatabaseError as exc:
        raise server_error(url, exc) from exc
    finally:
        db.dispose()


def shown_url(url: str) -> str:
    """The URL with its password masked, for messages and the log."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def server_error(url: str, exc: DatabaseError) -> ServerUnavailableError:
    """A database server that cannot be reached or refuses us: one clear line, and the way back to the
    data folder's own file."""
    detail = (str(exc.orig).strip().splitlines() or [""])[0][:200]
    return ServerUnavailableError(t("无法连接数据库服务器 {url}：{error}。请检查服务器地址、用户名和密码，以及网络；"
                                    "要改用本机的数据，可运行 python main.py --database-url local",
                                    url=shown_url(url), error=detail), url, detail)


def damaged_store_error(database: Path, detail: str) -> DamagedStoreError:
    """The one-line message for a damaged store, naming the newest good backup and how to restore it."""
    backup = newest_good_backup(backups_folder(database), known_revisions())
    if backup is None:
        hint = t("没有找到可用的备份。请不要删除这个文件，可以把它交给技术人员尝试修复。")
    else:
        hint = t("最新的完好备份是 {file}（{time}），可以在客本里恢复，或运行：python main.py restore \"{file}\"",
                 file=backup.path, time=f"{backup.taken_at:%Y-%m-%d %H:%M}")
    return DamagedStoreError(t("无法打开数据库：文件 {path} 已损坏（{detail}）。", path=database, detail=detail) + hint,
                             database, backup)


def restore_store(data_dir: DataDir, file: Path, database_url: str | None = None,
                  store: Store | None = None) -> BackupFile | None:
    """Replace the store with the backup `file` (checked first; the current state is backed up).

    With `store` (the GUI's open store) its connections are closed and its lock kept; without,
    the data folder's lock is taken for the time of the restore. Returns the before-restore backup."""
    database = sqlite_file(store_url(data_dir, database_url))
    if database is None:
        raise UserError(t("只有本机的 SQLite 数据库可以从备份恢复"))
    if store is not None:
        check_backup_file(Path(file), known_revisions())  # refuse before closing anything
        store.db.dispose()
        return restore_database(database, Path(file), known_revisions())
    data_dir.ensure()
    lock = StoreLock(data_dir.lock_file).acquire()
    try:
        before = restore_database(database, Path(file), known_revisions())
        data_dir.make_files_private()
        return before
    finally:
        lock.release()


def _daily_check_and_backup(db: Database, database: Path) -> None:
    """Once a day: quick_check the whole file, then keep a daily backup (never of a damaged store)."""
    folder = backups_folder(database)
    if not daily_backup_due(folder) or not has_data(database):
        return
    with db.engine.connect() as conn:
        problems = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check").fetchmany(3)]
    if problems != ["ok"]:
        log.warning("quick_check failed: %s", problems[:1])
        raise damaged_store_error(database, "；".join(problems)[:200])
    try:
        make_backup(database, "daily")
    except UserError as exc:  # a full disk must not keep the seller out of the book
        log.warning("daily backup failed: %s", exc.message)


def explain_database_error(error: BaseException, database: Path | None) -> UserError | None:
    """The clear message for a database error the environment caused (full disk, no write
    permission, another program holding the file), or None when it is not one of those."""
    text = " ".join(str(getattr(e, "orig", None) or e) for e in _chain(error)).lower()
    where = database.parent if database is not None else ""
    if "disk is full" in text or "disk full" in text:
        return UserError(t("磁盘已满，没有保存：请在 {path} 所在的磁盘上腾出空间后再试。", path=where))
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return UserError(t("无法写入数据库 {path}：没有写入权限（文件夹或磁盘是只读的）。"
                           "请把数据文件夹放在可以写入的位置，或用 --data-dir 另选一个。", path=database or where))
    if "database is locked" in text:
        return UserError(t("数据库 {path} 正被其他程序占用，请稍后再试。", path=database or where))
    return None


def _chain(error: BaseException) -> list[BaseException]:
    """The error and those it happened while handling (clean-up code can hide a full disk)."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def is_damage(error: BaseException | None) -> bool:
    """Whether a SQLite error means the file itself is damaged (not merely locked or missing)."""
    text = str(error).lower()
    return "malformed" in text or "not a database" in text or "disk image" in text


def _create_private(database: Path) -> None:
    """An empty file is an empty SQLite database: create it 0600 so its -wal and -shm follow."""
    with contextlib.suppress(OSError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _abandon(db: Database | None, lock: StoreLock | None) -> None:
    if db is not None:
        db.dispose()
    if lock:
        lock.release()
