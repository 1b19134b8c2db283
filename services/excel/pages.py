"""The pages' own import/export kinds (社群, 话术素材, 朋友圈, 会员, 关怀): each page's kinds module
describes them in one `PageKinds` and registers it; the engine, undo, export and templates then
treat them like the customer book's kinds, with no per-page code of their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.excel.columns import Column

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from services.excel.writer import SheetSpec


@dataclass(frozen=True)
class PageKinds:
    columns: dict[str, tuple[Column, ...]]
    labels: dict[str, str]
    classes: dict[str, Any]  # kind → its Kind class
    created_tables: tuple[Any, ...]  # the models its imports create, children first
    export: Callable[..., int]  # (session, kind, path, progress, cancelled) → rows written
    help: dict[str, tuple[str, str]]  # column key → (what it is, how to write it)
    examples: dict[str, dict[str, object]]  # kind → the template's example row
    value_kinds: dict[str, str]  # column key → how the writer writes it ("date", "money" …)
    customer_help: bool = True  # columns it does not explain take the customer book's help
    sheet: Callable[[Session, str], SheetSpec] | None = None  # (session, kind) → its full-workbook sheet


PAGE_KINDS: dict[str, PageKinds] = {}  # kind → its page's description
# The order of the pages' sheets in a full workbook, which a restore reads in turn (after the customer
# book): what a row points at comes first — 商品 (the restored purchases get linked to them), 社群
# before its 群成员 and 群日数据; 朋友圈 names tags and accounts (setup sheets), 积分 and 关怀记录
# only customers. A page kind not listed comes after these, in the order it was registered.
SHEET_ORDER = ("products", "groups", "group-members", "group-stats", "scripts", "materials", "posts", "points", "care")


def register_page_kinds(page: PageKinds, *, undo_first: bool) -> None:
    """Put a page's kinds into the Excel registries (idempotent). `undo_first`: undo deletes the
    page's created rows before the customer book's (they point at customers or purchases)."""
    from services.excel import columns, kinds, undo

    columns.KINDS.update(page.columns)
    columns.KIND_LABELS.update(page.labels)
    kinds.KIND_CLASSES.update(page.classes)
    others = tuple(m for m in undo.CREATED_TABLES if m not in page.created_tables)
    undo.CREATED_TABLES = (*page.created_tables, *others) if undo_first else (*others, *page.created_tables)
    undo.RECORD_TABLES.update({model.__tablename__: model for model in page.created_tables})
    PAGE_KINDS.update(dict.fromkeys(page.columns, page))


def page_sheets() -> dict[str, str]:
    """kind → sheet name of every page kind that has a full-workbook sheet, in SHEET_ORDER."""
    def place(kind: str) -> int:
        return SHEET_ORDER.index(kind) if kind in SHEET_ORDER else len(SHEET_ORDER)

    kinds = sorted((kind for kind, page in PAGE_KINDS.items() if page.sheet is not None), key=place)
    return {kind: PAGE_KINDS[kind].labels[kind] for kind in kinds}
