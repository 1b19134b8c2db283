"""迁移到服务器: copy a whole store from a local SQLite file into an empty PostgreSQL database (团队模式),
or back from the server into an empty local file.

Table by table in foreign-key order, in one transaction on the target: a failure, a cancel or a row
count that differs leaves the target as empty as it was. Each table's rows keep their ids, so every
link between them survives; PostgreSQL's id sequences are then moved past the copied ids. The
source is only read. The copy is verified by counting every table on both sides before committing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import DatabaseError, DBAPIError

from models import Base
from models.db import Database, migrate
from services.errors import UserError
from services.i18n import t
from services.sqlutil import indexes_set_aside

log = logging.getLogger("keben")

BATCH = 2000  # rows per INSERT (executemany) and per progress report
# Tables the migrations fill (朋友圈 pillars, the SOP templates): a new store is "empty" with these
# rows in it; they are replaced by the source's. tests/services/test_transfer.py checks the list.
SEEDED_TABLES = ("pillar", "sop_template", "sop_step")

Progress = Callable[[int, int], None]


@dataclass
class TransferResult:
    """Rows copied per table (the same count read back from the target)."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def transfer(source: Database, target: Database, progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None) -> TransferResult:
    """Copy every row of `source` into the empty store `target` (both migrated to the newest schema
    first); UserError when the target holds data, on cancel, or when a count differs."""
    for db in (source, target):
        try:
            migrate(db)
        except DBAPIError as exc:
            raise _database_error(db, exc) from exc
    tables = list(Base.metadata.sorted_tables)  # parents before children
    try:
        with source.engine.connect() as src, target.engine.begin() as dst:
            counts = {table.name: _count(src, table) for table in tables}
            _check_empty(dst, tables, target)
            for table in reversed(tables):
                if table.name in SEEDED_TABLES:
                    dst.execute(table.delete())
            # PostgreSQL builds the search indexes again after the rows: their share of the progress bar.
            rebuild = counts["customer"] + counts["note"] if dst.dialect.name == "postgresql" else 0
            done, total = 0, sum(counts.values()) + rebuild
            with _search_indexes_set_aside(dst):
                for table in tables:
                    done = _copy_table(src, dst, table, done, total, progress, cancelled)
            if progress is not None:
                progress(total, total)
            if dst.dialect.name == "postgresql":
                _reset_sequences(dst, tables)
            result = _verify(dst, tables, counts)
    except DBAPIError as exc:
        log.warning("transfer failed: %s", exc.orig)
        raise UserError(t("迁移没有完成，目标数据库没有任何改动：{error}",
                          error=(str(exc.orig).strip().splitlines() or [""])[0][:200])) from exc
    log.info("transferred %d rows in %d tables", result.total, len(result.counts))
    return result


def _database_error(db: Database, exc: DBAPIError) -> UserError:
    from services.store import server_error, shown_url

    if db.is_sqlite or not isinstance(exc, DatabaseError):
        return UserError(t("无法打开数据库 {url}：{error}", url=shown_url(db.url), error=exc.orig))
    return server_error(db.url, exc)


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _check_empty(dst: Connection, tables: list[Table], target: Database) -> None:
    from services.store import shown_url

    for table in tables:
        if table.name not in SEEDED_TABLES and _count(dst, table):
            raise UserError(t("目标数据库 {url} 里已经有数据（{table} 表不是空的）。迁移只能复制到一个空的数据库："
                              "请新建一个数据库，或换一个空的数据文件夹", url=shown_url(target.url), table=table.name))


@contextlib.contextmanager
def _search_indexes_set_aside(dst: Connection) -> Iterator[None]:
    """PostgreSQL: the search indexes (GIN: pg_trgm and two-character pieces) dropped while the rows
    go in, and built again once at the end, in the same transaction (a failure or cancel rolls the
    drops back with the rest): about half the time of a copy that updates them row by row."""
    indexes: list[tuple[str, str]] = []
    if dst.dialect.name == "postgresql":
        indexes = [(name, sql) for name, sql in dst.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexdef LIKE '% USING gin %'"))]
    with indexes_set_aside(dst, indexes):
        yield


def _copy_table(src: Connection, dst: Connection, table: Table, done: int, total: int,
                progress: Progress | None, cancelled: Callable[[], bool] | None) -> int:
    """Copy one table in primary-key order, BATCH rows at a time; returns the rows done so far."""
    rows = src.execution_options(stream_results=True).execute(select(table).order_by(*table.primary_key.columns))
    for batch in rows.mappings().partitions(BATCH):
        if cancelled is not None and cancelled():
            raise UserError(t("已取消迁移，目标数据库没有任何改动"))
        dst.execute(table.insert(), [dict(row) for row in batch])
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return done


def _reset_sequences(dst: Connection, tables: list[Table]) -> None:
    """Move each id sequence past the copied ids, so the next row added on the server gets a new id."""
    for table in tables:
        column: Any = table.autoincrement_column
        if column is None:
            continue
        dst.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                         f"COALESCE((SELECT max({column.name}) FROM {table.name}), 1), "
                         f"(SELECT max({column.name}) FROM {table.name}) IS NOT NULL)"),
                    {"table": table.name, "column": column.name})


def _verify(dst: Connection, tables: list[Table], expected: dict[str, int]) -> TransferResult:
    copied = {table.name: _count(dst, table) for table in tables}
    wrong = [name for name in copied if copied[name] != expected[name]]
    if wrong:
        raise UserError(t("迁移后行数对不上（{tables}），已撤销，目标数据库没有任何改动",
                          tables="、".join(f"{name} {copied[name]}/{expected[name]}" for name in wrong)))
    return TransferResult(copied)


def transfer_to_server(local: Database, url: str, progress: Progress | None = None,
                       cancelled: Callable[[], bool] | None = None) -> TransferResult:
    """迁移到服务器 from the open local store (设置 → 数据库): copy it into the empty database at `url`."""
    from services.store import check_server, open_database

    check_server(url)
    server = open_database(url.strip())
    try:
        return transfer(local, server, progress, cancelled)
    finally:
        server.dispose()
