"""The pages' own import/export kinds (社群, 话术素材, 朋友圈, 会员, 关怀): each page's kinds module
describes them in one `PageKinds` and registers it; the engine, undo, export and templates then
treat them like the customer book's kinds, with no per-page code of their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.excel.columns import Column


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


PAGE_KINDS: dict[str, PageKinds] = {}  # kind → its page's description


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
