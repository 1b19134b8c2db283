"""Opening a store: the data folder, its lock, logging, the database and its migrations."""

from __future__ import annotations

import logging
import logging.handlers
from dataclasses import dataclass, field

from sqlalchemy.exc import DatabaseError

from models.db import Database, migrate, sqlite_url
from services.errors import UserError
from services.i18n import t
from services.lock import StoreLock
from services.paths import DataDir

log = logging.getLogger("keben")


@dataclass
class Store:
    data_dir: DataDir
    db: Database
    lock: StoreLock | None = field(default=None)

    def close(self) -> None:
        self.db.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def setup_logging(data_dir: DataDir) -> None:
    """Log to logs/keben.log in the data folder (rotated); never customer fields, only events."""
    root = logging.getLogger("keben")
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        data_dir.log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def open_store(
    data_dir: DataDir, database_url: str | None = None, *, exclusive: bool = True
) -> Store:
    """Open (creating and migrating if needed) the store in `data_dir`.

    `exclusive` takes the data folder's lock: the GUI and every command that writes take it, so a
    second copy of KeBen says so instead of writing alongside.
    """
    try:
        data_dir.ensure()
    except OSError as exc:
        raise UserError(t("无法创建数据文件夹 {path}：{error}", path=data_dir.root, error=exc.strerror)) from exc
    setup_logging(data_dir)
    lock = StoreLock(data_dir.lock_file).acquire() if exclusive else None
    try:
        db = Database(database_url or sqlite_url(data_dir.database))
        migrate(db)
    except DatabaseError as exc:  # locked, unreadable, not a database at all
        if lock:
            lock.release()
        log.warning("cannot open database: %s", exc.orig)
        raise UserError(t("无法打开数据库：{error}", error=exc.orig)) from exc
    except BaseException:
        if lock:
            lock.release()
        raise
    return Store(data_dir, db, lock)
