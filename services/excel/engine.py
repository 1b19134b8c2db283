"""The import engine: one for the wizard and the command line, for every kind.

    headers, rows = the sheet's header cells and (sheet row number, cells) pairs
    mapping = suggest_mapping(session, "customers", headers)     # column index → field key
    checked = check_rows(session, "customers", headers, rows, ImportOptions(mapping=mapping))
    result = run_import(session, "customers", headers, rows, ImportOptions(mapping=mapping), file_name=…)

An import is one transaction: a row with any invalid cell is skipped and reported with its sheet
row number, column header and the reason; everything else is written; Cancel, a crash or an error
leaves the store exactly as it was. Each import is a batch that `undo_import` takes back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, ImportBatch, SavedMapping
from services.backup import backup_before_import
from services.errors import UserError
from services.excel.columns import KINDS, header_index, normalize_header
from services.excel.kinds import KIND_CLASSES, Customers, Kind
from services.excel.resolve import ImportContext, describe_customer
from services.excel.writing import Behind, Pending, Problems, Values, collection_paused, indexes_set_aside
from services.i18n import t

POLICIES = ("update", "skip", "add")
PROGRESS_EVERY = 1000


class ImportCancelled(UserError):
    """The user pressed Cancel: nothing was written."""


@dataclass
class ImportOptions:
    mapping: dict[int, str]  # column index → field key; missing or "" = do not import
    on_duplicate: str = "update"  # what a row matching an existing record does: update / skip / add
    dry_run: bool = False


@dataclass(frozen=True)
class RowProblem:
    row: int  # the sheet row number the user sees
    column: str  # the column header as in the file
    message: str


@dataclass
class CheckedRow:
    row: int
    values: Values
    problems: list[RowProblem]
    match_id: int | None = None  # the existing record this row duplicates
    in_file_duplicate: bool = False

    @property
    def action(self) -> str:
        if self.problems:
            return "error"
        if self.in_file_duplicate:
            return "merge"
        return "update" if self.match_id is not None else "create"


@dataclass
class ImportResult:
    batch_id: int | None
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    error_cells: dict[int, list[Any]] = field(default_factory=dict)  # sheet row → its cells, for the report

    def as_dict(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "rows": self.rows, "created": self.created, "updated": self.updated,
                "skipped": self.skipped,
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]}


# ---- mapping -------------------------------------------------------------------------------------

def _headers_key(headers: list[str]) -> str:
    return "\x1f".join(normalize_header(h) for h in headers)


def suggest_mapping(session: Session, kind: str, headers: list[str]) -> dict[int, str]:
    """The mapping the user confirmed last time for these headers, else matched by name
    (Chinese and English variants, the seller's custom field names)."""
    _check_kind(kind)
    saved = session.scalar(select(SavedMapping).where(SavedMapping.kind == kind,
                                                      SavedMapping.headers_key == _headers_key(headers)))
    if saved is not None:
        return {int(i): key for i, key in saved.mapping.items() if key}
    index = header_index(kind)
    custom = {}
    if kind == "customers":
        from services.custom_fields import list_fields

        custom = {normalize_header(f.name): f"custom:{f.id}" for f in list_fields(session)}
    # A header that is a built-in column's own name is that column; a custom field's name comes next
    # (so a custom field called like a built-in takes the second such column, as the export writes
    # them); the other variants (渠道, 电话 …) last.
    canonical = {normalize_header(c.header): c.key for c in KINDS[kind]}
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for position, header in enumerate(headers):
        text = normalize_header(header)
        key = next((k for k in (canonical.get(text), custom.get(text), index.get(text)) if k and k not in taken), None)
        if key:
            mapping[position] = key
            taken.add(key)
    if kind == "customers" and "remark_name" not in taken and "real_name" in taken:
        # A file with only 姓名 (matched as 真实姓名 when 备注名 exists): use it as the 备注名.
        pos = next(p for p, k in mapping.items() if k == "real_name")
        mapping[pos] = "remark_name"
    return mapping


def remember_mapping(session: Session, kind: str, headers: list[str], mapping: dict[int, str]) -> None:
    key = _headers_key(headers)
    saved = session.scalar(select(SavedMapping).where(SavedMapping.kind == kind, SavedMapping.headers_key == key))
    if saved is None:
        saved = SavedMapping(kind=kind, headers_key=key)
        session.add(saved)
    saved.mapping = {str(i): k for i, k in mapping.items()}
    session.commit()


def field_labels(kind: str, session: Session | None = None) -> dict[str, str]:
    """Field key → the name shown in the mapping step (custom fields included)."""
    labels = {c.key: c.header for c in KINDS[kind]}
    if kind == "customers" and session is not None:
        from services.custom_fields import list_fields

        labels.update({f"custom:{f.id}": f.name for f in list_fields(session)})
    return labels


def missing_required(kind: str, mapping: dict[int, str]) -> list[str]:
    """Headers of required fields no column is mapped to (the wizard and CLI refuse to start)."""
    mapped = set(mapping.values())
    if kind in ("notes", "purchases", "follow-ups"):
        refs = {"customer_name", "customer_wechat_id", "customer_phone", "customer_number"}
        missing = [] if mapped & refs else [t("客户（备注名、客户微信号或客户手机，至少一列）")]
    else:
        missing = []
    return missing + [c.header for c in KINDS[kind] if c.required and c.key not in mapped
                      and not (kind == "customers" and c.key == "remark_name" and mapped & {"real_name", "nickname"})]


# ---- checking and running ----------------------------------------------------------------------

def _check_kind(kind: str) -> None:
    if kind not in KIND_CLASSES:
        raise UserError(t("不支持导入“{kind}”，可以导入：{all}", kind=kind, all="、".join(KIND_CLASSES)))


def _raw(cells: list[Any], mapping: dict[int, str]) -> dict[str, Any]:
    return {key: (cells[i] if i < len(cells) else None) for i, key in mapping.items() if key}


def _problems(row: int, problems: Problems, headers: list[str], mapping: dict[int, str], kind: str) -> list[RowProblem]:
    column_of = {key: headers[i] if i < len(headers) else key for i, key in mapping.items()}
    defaults = {c.key: c.header for c in KINDS[kind]}
    return [RowProblem(row, column_of.get(key) or defaults.get(key, key), message) for key, message in problems.items()]


def check_rows(session: Session, kind: str, headers: list[str], rows: Iterable[tuple[int, list[Any]]],
               options: ImportOptions, *, keep_values: bool = True) -> list[CheckedRow]:
    """The preview: every row parsed and validated, duplicates found; nothing is written.

    `keep_values=False` (the wizard, which shows the cells and reads only each row's action and
    problems) leaves CheckedRow.values empty and parses row by row: a 100,000-row preview then
    holds no parsed copy of the file. A 介绍人 column still needs every row parsed first."""
    _check_kind(kind)
    ctx = ImportContext.load(session)
    handler = KIND_CLASSES[kind]()
    parsed: Iterable[tuple[int, Values, Problems]] = (
        (row, *handler.parse(ctx, _raw(cells, options.mapping))) for row, cells in rows)
    if isinstance(handler, Customers) and "referrer" in options.mapping.values():
        parsed = list(parsed)
        handler.check_referrers(ctx, [(values, problems) for _row, values, problems in parsed])
    checked: list[CheckedRow] = []
    seen: set[tuple[Any, ...]] = set()
    for window in _windows(parsed, PREFETCH_ROWS):
        # "skip": what matching asks is read at once, nothing that only updating needs
        handler.prefetch(ctx, [values for _row, values, problems in window if not problems], "skip")
        for row, values, problems in window:
            item = CheckedRow(row, values if keep_values else {}, _problems(row, problems, headers, options.mapping, kind))
            if not problems:
                key = handler.file_key(values)
                item.in_file_duplicate = key is not None and key in seen
                if key is not None:
                    seen.add(key)
                item.match_id = handler.match(ctx, values)
            checked.append(item)
    return checked


def run_import(session: Session, kind: str, headers: list[str], rows: Iterable[tuple[int, list[Any]]],
               options: ImportOptions, *, file_name: str = "", sheet: str = "", total: int | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Import the rows in one transaction (see the module docstring). Raises ImportCancelled."""
    _check_kind(kind)
    if options.on_duplicate not in POLICIES:
        raise UserError(t("重复时的处理只能是 update、skip 或 add"))
    missing = missing_required(kind, options.mapping)
    if missing:
        raise UserError(t("没有对应到必填的列：{cols}", cols="、".join(missing)))
    if not options.dry_run:
        backup_before_import(session)
    try:
        with collection_paused():
            result = _run(session, kind, headers, rows, options, file_name, sheet, total, progress, cancelled)
    except BaseException:
        session.rollback()
        raise
    if options.dry_run:
        session.rollback()
        result.batch_id = None
    else:
        session.commit()
    return result


def _run(session: Session, kind: str, headers: list[str], rows: Iterable[tuple[int, list[Any]]],
         options: ImportOptions, file_name: str, sheet: str, total: int | None,
         progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None) -> ImportResult:
    ctx = ImportContext.load(session)
    handler = KIND_CLASSES[kind]()
    batch = ImportBatch(kind=kind, file_name=file_name[-260:], sheet=sheet[:100], started_at=_now())
    session.add(batch)
    session.flush()
    ctx.batch_id = batch.id
    result = ImportResult(batch.id)
    pending = Pending(session, batch.id)
    stream = _parsed(ctx, handler, rows, options.mapping)
    if isinstance(handler, Customers) and "referrer" in options.mapping.values():
        materialised = list(stream)  # 介绍人 may point at a later row: check them all first
        handler.check_referrers(ctx, [(values, problems) for _row, _cells, values, problems in materialised])
        stream = iter(materialised)
    with contextlib.ExitStack() as bulk:
        if session.get_bind().dialect.name == "sqlite":
            pending.behind = bulk.enter_context(Behind(session.connection()))
        if isinstance(handler, Customers) and _bulk_load(session, total):
            bulk.enter_context(indexes_set_aside(session, "customer"))
        _write_rows(ctx, handler, pending, stream, headers, options, result, progress, cancelled, total, kind)
        pending.flush()
        handler.finish(ctx, pending)
    from services.auto_tags import apply_after_import  # 在某个群里 / 商品类别 rules follow the new rows

    apply_after_import(ctx.session, kind)
    for cid, problem in getattr(handler, "left_out", []):  # imported, but without this referral
        result.errors.append(RowProblem(0, t("介绍人"), t("{name}（已导入，未记介绍人）：{problem}",
                                                          name=describe_customer(ctx, cid), problem=problem)))
    if cancelled is not None and cancelled():
        raise ImportCancelled(t("已取消导入，客户本没有任何改动"))
    batch.finished_at = datetime.now()  # to the microsecond: undo compares later edits with it
    batch.rows, batch.created, batch.updated = result.rows, result.created, result.updated
    batch.skipped, batch.errors = result.skipped, len(result.errors)
    if progress is not None:
        progress(result.rows, total or result.rows)
    return result


BULK_ROWS = 10_000  # a file this large into a store of fewer customers than BULK_STORE: indexes set aside
BULK_STORE = 1_000


def _bulk_load(session: Session, total: int | None) -> bool:
    if session.get_bind().dialect.name != "sqlite" or (total or 0) < BULK_ROWS:
        return False
    return int(session.scalar(select(func.count()).select_from(Customer)) or 0) < BULK_STORE


def _write_rows(ctx: ImportContext, handler: Kind, pending: Pending, stream: Iterable[tuple[int, list[Any], Values, Problems]],
                headers: list[str], options: ImportOptions, result: ImportResult,
                progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
                total: int | None, kind: str) -> None:
    done_in_file: dict[tuple[Any, ...], int] = {}
    for window in _windows(stream, PREFETCH_ROWS):
        handler.prefetch(ctx, [values for _row, _cells, values, problems in window if not problems], options.on_duplicate)
        _write_window(ctx, handler, pending, window, headers, options, result, progress, cancelled, total, kind,
                      done_in_file)


# Rows a kind may read its matching records for at once (Kind.prefetch): two IN lists of at most this
# many values stay within the 999 values per statement of SQLite builds before 3.32.
PREFETCH_ROWS = 400


def _windows(stream: Iterable[Any], size: int) -> Iterator[list[Any]]:
    window: list[Any] = []
    for item in stream:
        window.append(item)
        if len(window) == size:
            yield window
            window = []
    if window:
        yield window


def _write_window(ctx: ImportContext, handler: Kind, pending: Pending, window: list[tuple[int, list[Any], Values, Problems]],
                  headers: list[str], options: ImportOptions, result: ImportResult,
                  progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
                  total: int | None, kind: str, done_in_file: dict[tuple[Any, ...], int]) -> None:
    for row, cells, values, problems in window:
        result.rows += 1
        if cancelled is not None and result.rows % 200 == 0 and cancelled():
            raise ImportCancelled(t("已取消导入，客户本没有任何改动"))
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows, total or 0)
        if problems:
            result.errors.extend(_problems(row, problems, headers, options.mapping, kind))
            result.error_cells[row] = cells
            result.skipped += 1
            continue
        _write_row(ctx, handler, pending, values, options.on_duplicate, done_in_file, result)


def _parsed(ctx: ImportContext, handler: Kind, rows: Iterable[tuple[int, list[Any]]],
            mapping: dict[int, str]) -> Iterator[tuple[int, list[Any], Values, Problems]]:
    for row, cells in rows:
        values, problems = handler.parse(ctx, _raw(cells, mapping))
        yield row, cells, values, problems


def _write_row(ctx: ImportContext, handler: Kind, pending: Pending, values: Values, policy: str,
               done_in_file: dict[tuple[Any, ...], int], result: ImportResult) -> None:
    key = handler.file_key(values)
    if key is not None and key in done_in_file:  # the same record again in this file: merge into it
        handler.merge(ctx, pending, done_in_file[key], values)
        return
    existing = handler.match(ctx, values) if policy != "add" else None
    if existing is not None and policy == "skip":
        result.skipped += 1
        return
    if existing is not None:
        handler.update(ctx, pending, existing, values)
        result.updated += 1
        record = existing
    else:
        record = handler.create(ctx, pending, values)
        result.created += 1
    if key is not None:
        done_in_file[key] = record


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)
