"""Writing an import's rows: the Pending buffer (on SQLite many rows per INSERT, written on a worker
thread, the search index filled in one statement for large batches), undo snapshots, and the cell
helpers every kind uses."""

from __future__ import annotations

import contextlib
import gc
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, CustomFieldValue, ImportChange
from services import sqlutil
from services.excel import values as v

if TYPE_CHECKING:
    from services.excel.resolve import ImportContext

Values = dict[str, Any]
Problems = dict[str, str]
INSERT_CHUNK = 5000


@dataclass
class Pending:
    """Rows to insert, flushed in chunks (many rows per INSERT), for the speed a 100,000-row file needs."""

    session: Session
    batch_id: int | None
    rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)
    behind: Behind | None = None  # SQLite: the inserts run on a worker thread (engine._run)

    def add(self, model: Any, row: dict[str, Any]) -> None:
        if self.batch_id is not None and model is not CustomerTag and model is not CustomFieldValue:
            row["import_batch_id"] = self.batch_id
        bucket = self.rows.setdefault(model, [])
        bucket.append(row)
        if len(bucket) >= INSERT_CHUNK:  # customers go first, so their records can follow at any time
            self.flush()

    def flush(self) -> None:
        # Customers first: the other rows point at them.
        for model in sorted(self.rows, key=lambda m: m is not Customer):
            bucket = self.rows[model]
            if not bucket:
                continue
            rows = _uniform(model.__table__, bucket)
            bucket.clear()
            if not _is_sqlite(self.session):
                _insert_many(self.session, model.__table__, rows)
                continue
            search = model.__tablename__ in SEARCH_INDEXED and len(rows) >= BULK_FTS_ROWS
            job = _sqlite_insert(self.session, model.__table__, rows, index_after=search)
            if self.behind is not None:
                self.behind.run(job)
            else:
                job(_sqlite3_of(self.session))


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large import runs: its rows and lookups are hundreds of
    thousands of live objects that each collection walks again and again for nothing (about a tenth
    of a 100,000-row import). Its rows make no reference cycles; plain reference counting still frees
    every row once written. The collector is put back as it was, also on error or Cancel."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def indexes_set_aside(session: Session, table: str) -> Iterator[None]:
    """SQLite, a large file into a nearly empty store: the table's plain indexes dropped while its rows
    are written and their totals worked out, then built again in one sort each — instead of 13
    B-trees of the customer table updated row by row, first by the inserts, then by each pass of
    refresh_aggregates (about 1.5 s of a 100,000-row import). All in the import's transaction: a
    failure or Cancel rolls the drops back with everything else. Unique indexes stay (they check)."""
    connection = session.connection()
    indexes = [(name, sql) for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table,)) if "UNIQUE" not in sql.upper().split("INDEX", 1)[0]]
    with sqlutil.indexes_set_aside(connection, indexes):
        yield


BULK_FTS_ROWS = 1000  # from this many new customers (notes) at once, index them for search in one statement


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


# Tables with a search index (FTS5) filled by an insert trigger: (trigger, index, indexed column).
SEARCH_INDEXED = {"customer": ("customer_fts_ai", "customer_fts", "search_text"),
                  "note": ("note_fts_ai", "note_fts", "body")}


Job = Callable[[Any], None]  # statements run on the import's sqlite3 connection
# Rows per INSERT on SQLite, at most (and at most as many values as the SQLite build takes in one
# statement: 32,766 since 3.32, 999 before): one statement of many rows keeps SQLite at work without
# Python's lock for longer than an executemany, whose every row hands the lock back and forth with
# the thread reading the file (slower than no worker at all).
ROWS_PER_INSERT = 2000
SWITCH_INTERVAL = 0.001  # seconds: how often Python's lock changes threads while an import writes behind


class Behind:
    """The import's inserts, run on a worker thread while the import's Python goes on to its next
    rows (SQLite lets go of Python's lock while it writes; laptops have two cores or more): jobs of the
    same SQLite connection, one after another in the order given, at most two waiting.

    SQLite never sees two statements at once: any other statement on the connection, a commit or a
    rollback first waits until every job is done (events on the connection), and so does leaving
    the `with` block. An error in a job (disk full …) skips the jobs after it and is raised in the
    import at its next statement; the import then rolls back as for any error."""

    EVENTS = ("before_cursor_execute", "commit", "rollback")

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.raw = connection.connection.dbapi_connection  # used only on the worker thread
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=2)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def __enter__(self) -> Behind:
        for name in self.EVENTS:
            event.listen(self.connection, name, self._before)
        # Each statement the worker runs needs Python's lock back once SQLite is done with it; by
        # default the import's thread, busy with the next rows, hands it over only every 5 ms. At
        # 1 ms the worker's jobs took 4.4 s instead of 5.6 s of a 100,000-row import, and the import
        # waited on them 0.1 s instead of 0.7 s. Put back on leaving.
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.switch_interval, SWITCH_INTERVAL))
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        for name in self.EVENTS:
            event.remove(self.connection, name, self._before)
        sys.setswitchinterval(self.switch_interval)
        try:
            if kind is None:
                self.wait()
            else:  # already failing: wait for the worker, but keep the error that got us here
                with contextlib.suppress(BaseException):
                    self.wait()
        finally:
            if self.thread is not None:
                self.jobs.put(None)
                self.thread.join()

    def run(self, job: Job) -> None:
        if self.error is not None:
            self.wait()  # raises it
        if self.thread is None:
            self.thread = threading.Thread(target=self._work, name="keben-import-writer", daemon=True)
            self.thread.start()
        self.jobs.put(job)

    def wait(self) -> None:
        self.jobs.join()
        error, self.error = self.error, None
        if error is not None:
            raise error

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None:
                    job(self.raw)
            except BaseException as exc:  # handed to the import's thread by wait()
                self.error = exc
            finally:
                self.jobs.task_done()

    def _before(self, *_args: Any) -> None:
        self.wait()


def _sqlite3_of(session: Session) -> Any:
    """The session's own sqlite3 connection (in its transaction)."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None, "the session's connection is open"
    return raw


def _sqlite_insert(session: Session, table: Any, rows: list[dict[str, Any]], index_after: bool) -> Job:
    """The rows as SQLite takes them, made here, and the job that writes them.

    The driver's own parameters (ROWS_PER_INSERT rows to a statement), each value through its column
    type's bind processor (dates as SQLAlchemy writes them) — SQLAlchemy's per-row parameter building
    was half the time of writing a large import. Each column's distinct values go through its processor once: dates,
    times and flags repeat (created_at is the same for every row of the import).

    `index_after` (many customers or notes): the search index's insert trigger is set aside while
    they are written, and they are indexed in one INSERT … SELECT (about twice as fast as row by
    row). The new rows are those past the largest id before the insert (ids only grow inside the one
    writer's transaction). The trigger's own SQL is put back in the same transaction, so a failure
    or Cancel rolls back to exactly what was there."""
    dialect = session.get_bind().dialect
    keys = list(rows[0])
    columns = [table.c[key] for key in keys]
    processors = [(i, p) for i, p in enumerate(c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns)
                  if p is not None]
    quote = dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) VALUES "
    one = f"({', '.join('?' * len(columns))})"
    variables = _sqlite3_of(session).getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_INSERT, variables // len(columns)))
    statements: list[tuple[str, list[Any]]] = []  # many rows per INSERT: see ROWS_PER_INSERT
    memos: list[dict[Any, Any]] = [{} for _ in processors]
    start = 0
    for size in _statement_sizes(len(rows), per):
        chunk = rows[start:start + size]
        start += size
        flat: list[Any] = []
        for row in chunk:
            values = [row[key] for key in keys]
            for (i, process), done in zip(processors, memos, strict=True):
                value = values[i]
                if value is not None:
                    try:
                        values[i] = done[value]
                    except KeyError:
                        values[i] = done[value] = process(value)
            flat += values
        statements.append((head + ", ".join([one] * len(chunk)), flat))
    search = SEARCH_INDEXED[table.name] if index_after else None

    def write(raw: Any) -> None:
        for sql, parameters in statements:
            raw.execute(sql, parameters)

    def job(raw: Any) -> None:
        if search is None:
            write(raw)
            return
        trigger, index, column = search
        found = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)).fetchone()
        trigger_sql = found[0] if found else None
        before = int(raw.execute(f"SELECT coalesce(max(id), 0) FROM {table.name}").fetchone()[0] or 0)
        if trigger_sql:
            raw.execute(f"DROP TRIGGER {trigger}")
        try:
            write(raw)
        except BaseException:
            # SQLite may have rolled the transaction back by itself (disk full, I/O error), trigger
            # and all: put it back only if it is missing, and never hide the error that got us here.
            if trigger_sql:
                with contextlib.suppress(Exception):
                    raw.execute(trigger_sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
            raise
        if trigger_sql:
            raw.execute(trigger_sql)
            raw.execute(f"INSERT INTO {index}(rowid, {column}) SELECT id, {column} FROM {table.name} WHERE id > ?",
                        (before,))

    return job


def _statement_sizes(count: int, per: int) -> list[int]:
    """`count` rows as statements of `per` rows, the rest in powers of two (776 = 512 + 256 + 8): the
    driver keeps each distinct statement it has prepared (up to 128), and one of 1,000 rows is about
    a megabyte; rests of every size would keep a hundred of them."""
    sizes = [per] * (count // per)
    rest = count % per
    sizes += [1 << bit for bit in range(rest.bit_length() - 1, -1, -1) if rest >> bit & 1]
    return sizes


def _insert_many(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: Core executemany in chunks."""
    connection = session.connection()
    for start in range(0, len(rows), INSERT_CHUNK):
        connection.execute(table.insert(), rows[start:start + INSERT_CHUNK])


def _uniform(table: Any, bucket: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row with the same keys and the column defaults filled in, so that one statement (not the
    ORM's per-key-set batches) writes the whole chunk."""
    keys: set[str] = set()
    for row in bucket:
        keys.update(row)
    now = datetime.now()
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if default is None or not (default.is_scalar or default.is_callable):
            if column.name in keys:
                defaults[column.name] = None
            continue
        defaults[column.name] = now if default.is_callable else default.arg
    template = {**defaults, **dict.fromkeys(keys - defaults.keys())}
    return [{**template, **row} for row in bucket]


def snapshot(session: Session, batch_id: int | None, model: Any, record: Any, names: list[str]) -> None:
    """Keep a record's values before an import changes them."""
    if batch_id is None:
        return
    before = {name: _jsonable(getattr(record, name)) for name in names}
    session.add(ImportChange(batch_id=batch_id, table_name=model.__tablename__, record_id=record.id, before=before))


def note_change(session: Session, batch_id: int | None, table: str, record_id: int, before: dict[str, Any]) -> None:
    """A change that is not a whole record's columns: a tag or custom value added to a customer."""
    if batch_id is not None:
        session.add(ImportChange(batch_id=batch_id, table_name=table, record_id=record_id, before=before))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def cell(raw: dict[str, Any], key: str) -> Any:
    """The cell of field `key`, None when missing or blank."""
    value = raw.get(key)
    return None if v.is_blank(value) else value


def parse_cell(raw: dict[str, Any], problems: Problems, key: str, parser: Callable[[Any], Any]) -> Any:
    """parser(cell) or None; a ValueError becomes the problem of `key`."""
    value = cell(raw, key)
    if value is None:
        return None
    try:
        return parser(value)
    except ValueError as exc:
        problems[key] = str(exc)
        return None


class CellMemo:
    """parse_cell for the rows of one import, each field's distinct cells parsed once: a column of
    dates, amounts, birthdays or 性别 repeats its values across 100,000 rows (about a second of such
    an import). The parsers are pure functions of the cell. A text cell is its own key (blank text
    included: it is remembered as blank); other cells are keyed with their type (True, 1 and 1.0 are
    equal in Python, not on a sheet). A field stops being remembered past LIMIT distinct cells (phone
    numbers: nothing repeats)."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self.seen: dict[str, dict[Any, tuple[Any, str | None]]] = {}

    def parse(self, raw: dict[str, Any], problems: Problems, key: str, parser: Callable[[Any], Any]) -> Any:
        value = raw.get(key)
        if value is None:
            return None
        memo = self.seen.get(key)
        if memo is None:
            memo = self.seen[key] = {}
        index = value if type(value) is str else (type(value), value)
        try:
            result, error = memo[index]
        except KeyError:
            if v.is_blank(value):
                result, error = None, None
            else:
                try:
                    result, error = parser(value), None
                except ValueError as exc:
                    result, error = None, str(exc)
            if len(memo) < self.LIMIT:
                memo[index] = (result, error)
        except TypeError:  # an unhashable cell: no reader gives one, but parse it all the same
            return parse_cell(raw, problems, key, parser)
        if error is not None:
            problems[key] = error
        return result


def update_record(ctx: ImportContext, pending: Pending, model: Any, record_id: int, changes: Values) -> None:
    """Write the changed fields of an existing record, keeping their old values for undo."""
    pending.flush()
    record = ctx.session.get(model, record_id)
    if record is None:
        return
    changed = {k: val for k, val in changes.items() if getattr(record, k) != val}
    if changed:
        snapshot(ctx.session, pending.batch_id, model, record, list(changed))
        for key, value in changed.items():
            setattr(record, key, value)
        ctx.session.flush()
