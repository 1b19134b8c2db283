"""Backups of the SQLite store: consistent copies, rolling retention, checking and restoring.

A backup is one self-contained SQLite file in the data folder's `backups/`, written with SQLite's
online backup API (a consistent snapshot even while KeBen writes), first under a `.partial` name
and renamed only when complete, so a copy cut short by a crash is never taken for a good one.
Names carry the time and the reason: `keben-2026-05-01-093012-daily.db`.

Retention (`plan_retention`, a pure function): of the daily backups, the newest of each of the
last 7 days, 4 ISO weeks and 12 months are kept; backups taken before an import, a migration or
a restore are kept 30 days; manual ones until the seller deletes them; the newest backup always.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from services.errors import UserError
from services.i18n import t
from services.paths import make_private

REASONS = {
    "daily": "每日自动",
    "before-import": "导入前",
    "before-migration": "升级前",
    "before-restore": "恢复前",
    "manual": "手动",
}
PRE_OPERATION = ("before-import", "before-migration", "before-restore")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_PRE_OPERATION_DAYS = 7, 4, 12, 30
PARTIAL = ".partial"
SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every KeBen database has had since the first schema.
KEBEN_TABLES = frozenset({"customer", "tag", "tag_group", "note", "purchase", "follow_up", "alembic_version"})
# Tables whose rows are the seller's own data: a store without any has nothing worth a backup.
DATA_TABLES = ("customer", "note", "purchase", "wechat_account", "chat_group", "moment_post")

_NAME = re.compile(r"^keben-(\d{4}-\d{2}-\d{2}-\d{6})-([a-z-]+?)(?:-(\d+))?\.db$")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str
    size: int = 0
    method: str = "sqlite"  # "sqlite" (a copy of the file); 团队模式: "pg_dump" or "excel" (services.backup_server)

    @property
    def reason_label(self) -> str:
        return t(REASONS.get(self.reason, self.reason))


# ---- names and the folder ------------------------------------------------------------------------

def backups_folder(database: Path) -> Path:
    """Where the backups of `database` live: `backups/` beside it (the data folder's, by default)."""
    return database.parent / "backups"


def backup_name(taken_at: datetime, reason: str, serial: int = 0) -> str:
    suffix = f"-{serial}" if serial else ""
    return f"keben-{taken_at:%Y-%m-%d-%H%M%S}-{reason}{suffix}.db"


def parse_backup_name(name: str) -> tuple[datetime, str] | None:
    match = _NAME.match(name)
    if match is None or match.group(2) not in REASONS:
        return None
    return datetime.strptime(match.group(1), "%Y-%m-%d-%H%M%S"), match.group(2)


def list_backups(folder: Path) -> list[BackupFile]:
    """The finished backups in `folder`, newest first (partial copies and strangers ignored)."""
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            parsed = parse_backup_name(entry.name)
            if parsed is not None and entry.is_file():
                found.append(BackupFile(Path(entry.path), parsed[0], parsed[1], entry.stat().st_size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


# ---- retention -------------------------------------------------------------------------------------

def plan_retention(backups: Iterable[BackupFile], now: datetime) -> tuple[list[BackupFile], list[BackupFile]]:
    """Split backups into (keep, delete) by the rules in the module docstring."""
    ordered = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep: set[Path] = set()
    if ordered:
        keep.add(ordered[0].path)
    daily = [b for b in ordered if b.reason == "daily"]
    for period, count in ((lambda d: d.date(), KEEP_DAILY),
                          (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda d: (d.year, d.month), KEEP_MONTHLY)):
        seen: list[object] = []
        for backup in daily:  # newest first: the first of each period is its newest
            key = period(backup.taken_at)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(backup.path)
    cutoff = now - timedelta(days=KEEP_PRE_OPERATION_DAYS)
    for backup in ordered:
        if backup.reason == "manual" or (backup.reason in PRE_OPERATION and backup.taken_at >= cutoff):
            keep.add(backup.path)
    return ([b for b in ordered if b.path in keep], [b for b in ordered if b.path not in keep])


def prune(folder: Path, now: datetime | None = None) -> list[Path]:
    """Delete the backups retention lets go, and partial copies left by a crash; the deleted paths."""
    now = now or datetime.now()
    _keep, delete = plan_retention(list_backups(folder), now)
    deleted = []
    for backup in delete:
        with contextlib.suppress(OSError):
            backup.path.unlink()
            deleted.append(backup.path)
    with contextlib.suppress(OSError):
        for partial in folder.glob(f"*{PARTIAL}*"):  # with its -journal
            if datetime.fromtimestamp(partial.stat().st_mtime) < now - timedelta(hours=1):
                partial.unlink()
                deleted.append(partial)
    return deleted


def daily_backup_due(folder: Path, now: datetime | None = None) -> bool:
    """No daily backup was taken today: the first start of the day takes one."""
    today = (now or datetime.now()).date()
    return not any(b.reason == "daily" and b.taken_at.date() == today for b in list_backups(folder))


# ---- copying -------------------------------------------------------------------------------------

def copy_database(source: Path, dest: Path, *, progress: Progress | None = None) -> None:
    """A consistent copy of the SQLite database `source` at `dest`, one file, readable only by the user.

    Written to `dest.partial` and renamed at the end: a crash leaves no file at `dest`."""
    if not source.is_file():
        raise UserError(t("找不到数据库文件 {path}", path=source))
    partial = dest.with_name(dest.name + PARTIAL)
    try:
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        src = sqlite3.connect(_read_uri(source), uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                steps = None if progress is None else (lambda _s, left, total: progress(total - left, total))
                src.backup(dst, pages=256 if progress else -1, progress=steps)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        make_private(partial)
        os.replace(partial, dest)
    except sqlite3.DatabaseError as exc:
        _discard(partial)
        raise UserError(t("无法备份数据库 {path}：{error}", path=source, error=exc)) from exc
    except OSError as exc:
        _discard(partial)
        raise UserError(t("无法写入备份文件 {path}：{error}", path=dest, error=_reason(exc))) from exc
    except BaseException:
        _discard(partial)
        raise


def make_backup(database: Path, reason: str, *, folder: Path | None = None, now: datetime | None = None,
                progress: Progress | None = None) -> BackupFile:
    """Back `database` up into `folder` (default: its `backups/`) under a name with time and reason,
    then apply the retention rules."""
    if reason not in REASONS:
        raise ValueError(reason)
    folder = folder or backups_folder(database)
    taken_at = (now or datetime.now()).replace(microsecond=0)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(t("无法创建备份文件夹 {path}：{error}", path=folder, error=_reason(exc))) from exc
    serial = 0
    while (folder / backup_name(taken_at, reason, serial)).exists():
        serial += 1
    dest = folder / backup_name(taken_at, reason, serial)
    copy_database(database, dest, progress=progress)
    prune(folder, taken_at)
    return BackupFile(dest, taken_at, reason, dest.stat().st_size)


def has_data(database: Path) -> bool:
    """Whether the store holds any of the seller's own rows (an empty new store needs no backup)."""
    if not database.is_file() or database.stat().st_size == 0:
        return False
    conn = sqlite3.connect(_read_uri(database), uri=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return any(conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone()  # noqa: S608 - fixed names
                   for name in DATA_TABLES if name in tables)
    except sqlite3.DatabaseError:
        return True  # unreadable: keep whatever can be kept
    finally:
        conn.close()


def backup_before_import(session: Session) -> BackupFile | None:
    """The backup every import takes before it writes (the wizard's and the command line's)."""
    return backup_before(sqlite_file(session.get_bind().engine.url), "before-import")


def backup_before(database: Path | None, reason: str) -> BackupFile | None:
    """The automatic backup before an operation; None when there is nothing to keep (no SQLite
    file, or a store with no data yet)."""
    if database is None or not has_data(database):
        return None
    return make_backup(database, reason)


def sqlite_file(url: str | URL) -> Path | None:
    """The database file behind a SQLAlchemy URL, None for a server or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


# ---- checking --------------------------------------------------------------------------------------

def check_backup_file(path: Path, known_revisions: Iterable[str], *, full: bool = True) -> str:
    """Refuse (UserError naming the file) anything that is not a healthy KeBen database this
    version understands; return its schema revision. `full` runs integrity_check, else quick_check."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise UserError(t("找不到备份文件 {file}", file=path)) from None
    except OSError as exc:
        raise UserError(t("无法读取备份文件 {file}：{error}", file=path, error=_reason(exc))) from exc
    if header != SQLITE_HEADER:
        raise UserError(t("“{file}”不是客本的备份文件（不是 SQLite 数据库），没有恢复", file=path))
    try:
        conn = sqlite3.connect(_read_uri(path), uri=True)
    except sqlite3.DatabaseError as exc:
        raise UserError(t("无法打开备份文件 {file}：{error}", file=path, error=exc)) from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables >= KEBEN_TABLES:
            raise UserError(t("“{file}”不是客本的数据库（缺少客本的数据表），没有恢复", file=path))
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] not in set(known_revisions):
            raise UserError(t("“{file}”来自更新版本的客本（数据库版本 {rev}），这个版本的客本不能使用它。"
                              "请先把客本升级到最新版本，再恢复", file=path, rev=revision[0] if revision else "?"))
        pragma = "integrity_check" if full else "quick_check"
        problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}").fetchmany(3)]
        if problems != ["ok"]:
            raise UserError(t("“{file}”已损坏（完整性检查未通过：{detail}），没有恢复", file=path,
                              detail="；".join(str(p) for p in problems)[:200]))
        return str(revision[0])
    except sqlite3.DatabaseError as exc:
        raise UserError(t("“{file}”已损坏，无法读取（{error}），没有恢复", file=path, error=exc)) from exc
    finally:
        conn.close()


def newest_good_backup(folder: Path, known_revisions: Iterable[str]) -> BackupFile | None:
    """The newest backup that passes quick_check and that this version understands."""
    known = list(known_revisions)
    for backup in list_backups(folder):
        try:
            check_backup_file(backup.path, known, full=False)
        except UserError:
            continue
        return backup
    return None


def restore_database(database: Path, file: Path, known_revisions: Iterable[str]) -> BackupFile | None:
    """Replace the store at `database` with the backup `file`.

    The caller holds the data folder's lock and has closed its connections. The file is checked
    first (nothing changes on refusal), the current store is backed up ("before-restore"), then
    a checked copy replaces it in one rename. Returns the before-restore backup, if one was taken."""
    file = Path(file)
    check_backup_file(file, known_revisions)
    if file.resolve() == database.resolve():
        raise UserError(t("“{file}”就是正在使用的数据库，不需要恢复", file=file))
    before = _keep_current(database)
    incoming = database.with_name(database.name + ".restoring")
    copy_database(file, incoming)
    try:
        _checkpoint(database)
        for side in ("-wal", "-shm"):
            Path(f"{database}{side}").unlink(missing_ok=True)
        os.replace(incoming, database)
    except OSError as exc:
        _discard(incoming)
        raise UserError(t("无法替换数据库 {path}：{error}", path=database, error=_reason(exc))) from exc
    return before


def _keep_current(database: Path) -> BackupFile | None:
    """The before-restore backup; a damaged store that SQLite cannot copy is kept byte for byte."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    try:
        return make_backup(database, "before-restore")
    except UserError:
        folder = backups_folder(database)
        taken_at = datetime.now().replace(microsecond=0)
        dest = folder / (backup_name(taken_at, "before-restore")[:-3] + "-damaged.db.bin")
        try:
            import shutil

            shutil.copyfile(database, dest)
            make_private(dest)
        except OSError as exc:
            raise UserError(t("恢复前无法先保存现在的数据库 {path}：{error}，没有恢复", path=database,
                              error=_reason(exc))) from exc
        return BackupFile(dest, taken_at, "before-restore", dest.stat().st_size)


def _checkpoint(database: Path) -> None:
    """Fold the WAL into the file so nothing of it is lost when the -wal file is removed."""
    if not database.is_file():
        return
    with contextlib.suppress(sqlite3.DatabaseError):
        conn = sqlite3.connect(database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _read_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _discard(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def _reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return t("磁盘已满")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return t("没有写入权限")
    return exc.strerror or str(exc)
