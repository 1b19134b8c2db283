"""The customer list's item model: ids in display order, rows fetched a window at a time.

Sorting and filtering happen in SQL (services.customer_query); the model never queries per
cell: a missing row loads its whole neighbourhood (a few hundred rows) in three queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from services import customer_query as cq
from services.custom_fields import FieldDef, display_value
from services.timeline import money
from ui.context import AppContext
from ui.i18n import tr

WINDOW = 200  # rows fetched around a missing one
CACHE_LIMIT = 5000  # rows kept before the cache is dropped
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str  # sort key in services.customer_query.SORT_KEYS, or "tags", or "custom:<id>"
    title: str
    sortable: bool = True
    custom: FieldDef | None = None
    hidden: bool = False  # hidden until the seller shows it (the header's right-click menu)


def base_columns() -> list[Column]:
    return [
        Column("remark_name", tr("备注名")),
        Column("wechat_id", tr("微信号")),
        Column("phone", tr("手机")),
        Column("tags", tr("标签"), sortable=False),
        Column("stage", tr("阶段")),
        Column("last_purchase", tr("最近购买")),
        Column("total_spent", tr("累计消费")),
        Column("next_follow_up", tr("下次跟进")),
        Column("source", tr("来源")),
        Column("rfm_segment", tr("RFM分群"), hidden=True),  # 分层, computed by services.layers
        Column("loyalty_type", tr("忠诚类型"), hidden=True),
        Column("points_balance", tr("积分"), hidden=True),  # services.points
        Column("member_level", tr("会员等级"), hidden=True),  # services.tiers (or typed, before tiers exist)
    ]


class CustomerTableModel(QAbstractTableModel):
    """Signals:
        completed(): a short search finished scanning the notes (the list may have grown).
    """

    completed = Signal()

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self.completing = False
        self.deferred = False  # while the page sets itself up: remember the sort, query once at the end
        self.ctx = ctx
        self.columns = base_columns()
        self.filter = cq.CustomerFilter()
        self.sort_key = "added_on"
        self.descending = True
        self.ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._cache: dict[int, cq.CustomerRow] = {}
        self.queries = 0  # row-window queries issued (tests and the bench check there is no per-cell query)

    # ---- what is listed ------------------------------------------------------------------------

    def set_custom_columns(self, fields: list[FieldDef]) -> None:
        self.beginResetModel()
        self.columns = base_columns() + [Column(f"custom:{f.id}", f.name, sortable=False, custom=f)
                                         for f in fields if f.show_in_list]
        self._cache.clear()
        self.endResetModel()

    def reload(self) -> None:
        """Re-run the query (filter and sort) and forget cached rows.

        A short search (1–2 characters) first lists the customers whose own fields match, at
        once; the scan of every note runs in the background and completes the list when done.
        """
        self._generation += 1
        short = cq.is_short(self.filter.text)
        with self.ctx.session() as session:
            ids = cq.customer_ids(session, self.filter, self.sort_key, self.descending, notes=not short)
        self._set_ids(ids)
        if short:
            self._complete_in_background(self._generation)

    def _set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self._row_of = {cid: row for row, cid in enumerate(ids)}
        self._cache.clear()
        self.endResetModel()

    def _complete_in_background(self, generation: int) -> None:
        from ui.background import BackgroundOp

        flt, key, descending, store = self.filter, self.sort_key, self.descending, self.ctx.store
        self.completing = True

        def work(_progress: object) -> list[int]:
            with store.db.session() as session:
                return cq.customer_ids(session, flt, key, descending)

        def done(ids: object) -> None:
            if generation != self._generation:
                return  # the user has typed on meanwhile
            self.completing = False
            if isinstance(ids, list) and ids != self.ids:
                self.layoutAboutToBeChanged.emit()
                self._set_ids(ids)
                self.layoutChanged.emit()
            self.completed.emit()

        op = BackgroundOp(None, work, quiet=True)
        op.succeeded.connect(done)
        op.start()

    def set_filter(self, flt: cq.CustomerFilter) -> None:
        self.filter = flt
        self.reload()

    def refresh_rows(self, customer_ids: list[int]) -> None:
        """Some customers changed: drop them from the cache and repaint their rows."""
        for cid in customer_ids:
            self._cache.pop(cid, None)
            row = self._row_of.get(cid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def row_of(self, customer_id: int) -> int | None:
        return self._row_of.get(customer_id)

    def customer_id(self, row: int) -> int:
        return self.ids[row]

    # ---- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        spec = self.columns[column]
        if not spec.sortable:
            return
        self.sort_key = spec.key
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self.deferred:
            return
        self.layoutAboutToBeChanged.emit()
        self.reload()
        self.layoutChanged.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
                        Qt.ItemDataRole.UserRole):
            return None
        row = self._row(index.row())
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.key == "total_spent":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.key == "next_follow_up" and row.next_follow_up_on and row.next_follow_up_on < date.today():
                return QBrush(QColor("#d32f2f"))  # overdue
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "stage" and row.stage_is_manual:
                return tr("手动设定的阶段")
            return self._text(row, column) if column.key in ("tags", "remark_name") else None
        return self._text(row, column)

    def _text(self, row: cq.CustomerRow, column: Column) -> str:
        key = column.key
        if key == "remark_name":
            return row.remark_name
        if key == "wechat_id":
            return row.wechat_id
        if key == "phone":
            return row.phone
        if key == "tags":
            return "、".join(name for name, _ in row.tags)
        if key == "stage":
            return row.stage + ("*" if row.stage_is_manual else "")
        if key == "last_purchase":
            return row.last_purchase_on.isoformat() if row.last_purchase_on else ""
        if key == "total_spent":
            return money(row.total_spent_cents) if row.total_spent_cents else ""
        if key == "next_follow_up":
            return row.next_follow_up_on.isoformat() if row.next_follow_up_on else ""
        if key == "source":
            return row.source
        if key == "loyalty_type":  # none of the four types holds: 未归类, as on the 分层 page
            return tr(row.loyalty_type or "未归类")
        if key == "rfm_segment":
            return tr(row.rfm_segment) if row.rfm_segment else ""
        if key == "points_balance":
            return f"{row.points_balance:,}" if row.points_balance else ""
        if key == "member_level":
            return row.member_level
        if column.custom is not None:
            return display_value(column.custom, row.custom.get(column.custom.id, ""))
        return ""

    def tags_of(self, row: int) -> tuple[tuple[str, str], ...]:
        return self._row(row).tags

    def _row(self, row: int) -> cq.CustomerRow:
        cid = self.ids[row]
        cached = self._cache.get(cid)
        if cached is not None:
            return cached
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        start = max(0, row - WINDOW // 4)
        window = [i for i in self.ids[start:start + WINDOW] if i not in self._cache]
        custom_ids = [c.custom.id for c in self.columns if c.custom is not None]
        with self.ctx.session() as session:
            self._cache.update(cq.customer_rows(session, window, custom_ids))
        self.queries += 1
        found = self._cache.get(cid)
        if found is None:  # deleted meanwhile: show an empty row until the next reload
            found = cq.CustomerRow(cid, tr("（已删除）"), "", "", "", False, None, 0, None, "", (), {})
            self._cache[cid] = found
        return found
