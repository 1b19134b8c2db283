"""Import history and undo: remove what an import created, put back what it changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from models import (
    Customer,
    CustomerTag,
    CustomFieldValue,
    FollowUp,
    ImportBatch,
    ImportChange,
    Note,
    Purchase,
    Referral,
)
from services.errors import NotFoundError, UserError
from services.i18n import t
from services.sqlutil import chunks, expire_held

CREATED_TABLES: tuple[Any, ...] = (Referral, Note, Purchase, FollowUp, Customer)  # children first
RECORD_TABLES = {model.__tablename__: model for model in CREATED_TABLES}
# Changes that are not a record's own columns, put back by the kind that made them:
# ImportChange.table_name → restore(session, record_id, before). Filled in by the pages' kinds.
RESTORERS: dict[str, Callable[[Session, int, dict[str, Any]], None]] = {}


@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str
    file_name: str
    sheet: str
    started_at: datetime
    rows: int
    created: int
    updated: int
    skipped: int
    errors: int
    undone_at: datetime | None


class UndoConflict(UserError):
    """Records the import touched were edited afterwards; undo needs the user's go-ahead."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


@dataclass
class UndoResult:
    removed: int
    restored: int
    edited_since: list[str]


def list_batches(session: Session, limit: int = 200) -> list[BatchInfo]:
    batches = session.scalars(select(ImportBatch).where(ImportBatch.finished_at.is_not(None))
                              .order_by(ImportBatch.id.desc()).limit(limit))
    return [BatchInfo(b.id, b.kind, b.file_name, b.sheet, b.started_at, b.rows, b.created, b.updated, b.skipped,
                      b.errors, b.undone_at) for b in batches]


def edited_since(session: Session, batch: ImportBatch) -> list[str]:
    """备注名 of customers this import created or changed that were edited after it."""
    after = batch.finished_at or batch.started_at
    touched = select(Customer.id).where(Customer.import_batch_id == batch.id)
    changed = select(ImportChange.record_id).where(ImportChange.batch_id == batch.id,
                                                   ImportChange.table_name == "customer")
    later_records = or_(*(
        Customer.id.in_(select(model.customer_id).where(
            model.created_at > after, or_(model.import_batch_id.is_(None), model.import_batch_id != batch.id)))
        for model in (Note, Purchase, FollowUp)))
    names = session.scalars(
        select(Customer.remark_name).where(
            or_(Customer.id.in_(touched), Customer.id.in_(changed)),
            or_(Customer.updated_at > after, later_records),
        ).limit(1000)
    ).all()
    return list(names)


def undo_import(session: Session, batch_id: int, *, force: bool = False) -> UndoResult:
    """Take an import back in one transaction. Raises UndoConflict when records it touched were
    edited since, unless `force`."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.finished_at is None:
        raise NotFoundError(t("没有编号为 {id} 的导入记录", id=batch_id))
    if batch.undone_at is not None:
        raise UserError(t("第 {id} 次导入已经在 {when} 撤销过了", id=batch_id, when=batch.undone_at))
    names = edited_since(session, batch)
    if names and not force:
        shown = "、".join(names[:5]) + (t(" 等") if len(names) > 5 else "")
        raise UndoConflict(t("有 {n} 位客户在这次导入之后又被修改过（{names}），撤销会连这些修改一起撤掉。",
                             n=len(names), names=shown), names)
    try:
        result = _undo(session, batch)
    except BaseException:
        session.rollback()
        raise
    result.edited_since = names
    batch.undone_at = datetime.now().replace(microsecond=0)
    session.commit()
    return result


def _undo(session: Session, batch: ImportBatch) -> UndoResult:
    from models.loyalty import PointEntry  # 积分: the balances of the customers whose entries go
    from services.customers import refresh_search_text
    from services.timeline import refresh_aggregates

    affected: set[int] = set()
    for model in (Note, Purchase, FollowUp, PointEntry):
        affected.update(session.scalars(select(model.customer_id).where(model.import_batch_id == batch.id)))
    removed = 0
    for model in CREATED_TABLES:
        removed += int(session.execute(delete(model).where(model.import_batch_id == batch.id)).rowcount)  # type: ignore[attr-defined]
    restored = 0
    # Plain rows and table UPDATEs, not ORM objects and ORM updates: each ORM update looked through
    # every object the session held (taking back 20,000 changes took a minute).
    changes = session.execute(select(ImportChange.table_name, ImportChange.record_id, ImportChange.before)
                              .where(ImportChange.batch_id == batch.id).order_by(ImportChange.id.desc())).all()
    restored_models: set[Any] = set()
    for table_name, record_id, before in changes:
        restored += 1
        if table_name == "customer_tag":
            session.execute(delete(CustomerTag).where(CustomerTag.customer_id == record_id,
                                                      CustomerTag.tag_id == before["tag_id"]))
            continue
        if table_name == "custom_field_value":
            _restore_custom_value(session, record_id, before)
            affected.add(record_id)
            continue
        if table_name in RESTORERS:
            RESTORERS[table_name](session, record_id, before)
            continue
        if table_name.startswith(CREATED):
            restored -= 1
            removed += _remove_if_unused(session, table_name[len(CREATED):], record_id)
            continue
        model = RECORD_TABLES[table_name]
        table = model.__table__
        session.execute(update(table).where(table.c.id == record_id).values(_typed(model, before)))
        restored_models.add(model)
        if model is Customer:
            affected.add(record_id)
    expire_held(session, restored_models)  # what the session holds of them reads them again
    live: list[int] = []
    for chunk in chunks(sorted(affected)):
        live += session.scalars(select(Customer.id).where(Customer.id.in_(chunk))).all()
    refresh_search_text(session, live)
    refresh_aggregates(session, live)
    from services.auto_tags import apply_after_import

    apply_after_import(session, batch.kind)  # 在某个群里 / 商品类别 rules follow the rows taken back
    return UndoResult(removed, restored, [])


CREATED = "created:"  # ImportChange.table_name of a setup record (tag, account …) an import created


def created_change(model: Any) -> str:
    return CREATED + str(model.__tablename__)


def _remove_if_unused(session: Session, table_name: str, record_id: int) -> int:
    """Delete a setup record an import created, unless a row of any table still points at it (a tag
    the seller has since given a customer of her own, an account a post is planned on …): 1 or 0.
    The import's own rows are gone by now; changes are taken back newest first, so a group's tags
    go before the group."""
    from models.base import Base

    table = Base.metadata.tables.get(table_name)
    if table is None:
        return 0
    for other in Base.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and session.execute(
                    select(key.parent).where(key.parent == record_id).limit(1)).first() is not None:
                return 0
    return int(session.execute(delete(table).where(table.c.id == record_id)).rowcount)  # type: ignore[attr-defined]


def _restore_custom_value(session: Session, customer_id: int, before: dict[str, Any]) -> None:
    condition = (CustomFieldValue.customer_id == customer_id) & (CustomFieldValue.field_id == before["field_id"])
    if before.get("value") is None:
        session.execute(delete(CustomFieldValue).where(condition))
    else:
        session.execute(update(CustomFieldValue).where(condition).values(value=before["value"]))


def _typed(model: Any, before: dict[str, Any]) -> dict[str, Any]:
    """JSON snapshot values back to the column types (ISO text → date / datetime)."""
    values: dict[str, Any] = {}
    for name, value in before.items():
        column = model.__table__.c[name]
        python_type = column.type.python_type
        if isinstance(value, str) and python_type is date:
            values[name] = date.fromisoformat(value)
        elif isinstance(value, str) and python_type is datetime:
            values[name] = datetime.fromisoformat(value)
        else:
            values[name] = value
    return values


def batch_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ImportBatch)) or 0)


# ---- the full workbook's settings and rules (services.excel.workbook_setup) ------------------------

SETTING_CHANGE = "app_setting"  # ImportChange.table_name of a setting a restore changed: before = {key[, value]}


def _restore_setting(session: Session, _record_id: int, before: dict[str, Any]) -> None:
    """Put a setting back as it was: its old value, or no row (its default) when it had none."""
    from models import AppSetting

    row = session.get(AppSetting, before["key"])
    if "value" not in before:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(AppSetting(key=before["key"], value=before["value"]))
    else:
        row.value = before["value"]
    session.flush()


def _setup_tables() -> dict[str, Any]:
    """The rule tables a restore may update by name (their old values put back by the generic path)."""
    from models import (
        AutoTagRule,
        JourneyRule,
        MemberTier,
        Pillar,
        RepurchaseCycle,
        SmartList,
        SopStep,
        SopTemplate,
    )

    return {model.__tablename__: model
            for model in (MemberTier, RepurchaseCycle, Pillar, SmartList, JourneyRule, AutoTagRule, SopTemplate, SopStep)}


DELETED_STEP = "deleted:sop_step"  # a template's step a restore deleted: before = its columns, added back


def _restore_step(session: Session, record_id: int, before: dict[str, Any]) -> None:
    from models import SopStep, SopTemplate

    if session.get(SopTemplate, before["template_id"]) is not None and session.get(SopStep, record_id) is None:
        session.add(SopStep(id=record_id, **before))
        session.flush()


RESTORERS[SETTING_CHANGE] = _restore_setting
RESTORERS[DELETED_STEP] = _restore_step
RECORD_TABLES.update(_setup_tables())
