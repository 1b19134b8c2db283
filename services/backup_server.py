"""Backups in 团队模式 (the store on a PostgreSQL server): pg_dump when this computer has it, else the
full-workbook Excel export; the BackupFile's `method` says which, and so does every message.

The server's own backups (its administrator's pg_dump / base backups) are the real safety net; this
is the seller's "备份一下" button and `python main.py backup` working in team mode too. A pg_dump
file is restored with pg_restore on the server; a workbook with `import --kind all` into an empty
store (both explained in the README).
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from models.db import Database
from services.backup import BackupFile
from services.errors import UserError
from services.i18n import t
from services.paths import make_private

log = logging.getLogger("keben")

PG_DUMP, EXCEL = "pg_dump", "excel"


def find_pg_dump() -> str | None:
    """pg_dump on PATH, else in Debian's versioned folders (newest first, to dump newer servers)."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        candidate = Path(folder) / "pg_dump"
        if candidate.is_file():
            return str(candidate)
    return shutil.which("pg_dump")


def _version(folder: str) -> int:
    name = Path(folder).parent.name
    return int(name) if name.isdigit() else 0


def backup_server(db: Database, folder: Path, reason: str = "manual", out: Path | None = None) -> BackupFile:
    """Back the server database up into `folder` (or to the file `out`): pg_dump's custom format
    when pg_dump is here and works with this server, else the full workbook (.xlsx)."""
    now = datetime.now().replace(microsecond=0)
    stem = f"keben-server-{now:%Y-%m-%d-%H%M%S}-{reason}"
    pg_dump = find_pg_dump()
    if pg_dump is not None:
        target = out or folder / f"{stem}.dump"
        problem = _pg_dump(pg_dump, db.url, target)
        if problem is None:
            return BackupFile(target, now, reason, target.stat().st_size, PG_DUMP)
        log.warning("pg_dump failed, falling back to the workbook export: %s", problem)
    if out is None:
        target = folder / f"{stem}.xlsx"
    else:
        target = out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx")
    _export_workbook(db, target)
    return BackupFile(target, now, reason, target.stat().st_size, EXCEL)


def _pg_dump(pg_dump: str, url: str, target: Path) -> str | None:
    """Run pg_dump into `target` (via a .partial file); the problem in one line, or None when done.
    The password goes through the environment, never on the command line (other users can see that)."""
    parsed = make_url(url)
    env = {**os.environ, "PGHOST": parsed.host or "", "PGPORT": str(parsed.port or 5432),
           "PGUSER": parsed.username or "", "PGDATABASE": parsed.database or "", "PGCONNECT_TIMEOUT": "10"}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={partial}"], env=env,
                                capture_output=True, text=True, timeout=3600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        return str(exc)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        return (result.stderr.strip().splitlines() or ["pg_dump failed"])[-1][:300]
    partial.replace(target)
    make_private(target)
    return None


def _export_workbook(db: Database, target: Path) -> None:
    from services.excel.export import export_all

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(t("无法创建备份文件夹 {folder}：{error}", folder=target.parent, error=exc.strerror)) from exc
    with db.session() as session:
        export_all(session, target)
    make_private(target)


def backup_message(backup: BackupFile) -> str:
    """What was done, in the seller's words, naming the method."""
    if backup.method == PG_DUMP:
        return t("已用 pg_dump 备份服务器上的数据库到 {file}（用 pg_restore 恢复）", file=backup.path)
    if backup.method == EXCEL:
        return t("这台电脑没有可用的 pg_dump，已把整个客户本导出为 Excel 工作簿 {file}"
                 "（可在空的客户本里用 导入 → 完整工作簿 恢复）", file=backup.path)
    return t("已备份到 {file}", file=backup.path)
