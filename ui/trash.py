"""回收站: deleted customers wait here — restore them, or delete them for good."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from services.customers import TrashedCustomer, list_trash, purge_customers, restore_customers
from services.trash import TrashedRecord, list_trashed_records, purge_records, restore_records
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.settings.form import button_row, danger_button, make_table, table_item
from ui.widgets import EmptyState


class TrashPage(QWidget):
    """The trash: a multi-select table of deleted customers with 恢复 / 彻底删除 / 清空回收站."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customers: list[TrashedCustomer] = []
        self.records: list[TrashedRecord] = []
        self.entries: list[tuple[str, int]] = []
        self._stale = True

        title = QLabel(tr("回收站"))
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("sectionHint")
        self.restore_button = QPushButton(tr("恢复"))
        self.restore_button.setToolTip(tr("把选中的客户放回客户列表，笔记和购买记录都在"))
        self.purge_button = danger_button(tr("彻底删除"))
        self.empty_button = danger_button(tr("清空回收站"))
        self.table = make_table([tr("类型"), tr("客户 / 名称"), tr("内容"), tr("删除时间")], multi_select=True)
        for column, width in enumerate((70, 200, 460)):
            self.table.setColumnWidth(column, width)
        self.empty = EmptyState(tr("回收站是空的"), tr("删除的客户、笔记、购买和跟进记录，以及各页面删除的内容（如社群），会先放在这里，可以随时恢复。"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.notice = QLabel()
        self.notice.setObjectName("sectionHint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(button_row(self.restore_button, self.purge_button, self.empty_button))
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.notice)

        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_button.clicked.connect(self.empty_trash)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        ctx.customers_changed.connect(self._customers_changed)

    def activate(self) -> None:
        self.notice.clear()
        self.reload()

    def _customers_changed(self, _ids: list[int]) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # reloaded when shown again

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self._stale = False
        keep = set(self.selected_entries())
        self.table.clearSelection()
        with self.ctx.session() as session:
            self.customers = list_trash(session)
            self.records = list_trashed_records(session)
        customer_label = tr("客户")
        self.entries = [("customer", c.id) for c in self.customers] + [(r.kind, r.id) for r in self.records]
        rows = [(customer_label, c.name, "  ".join(x for x in (c.wechat_id, c.phone) if x), c.deleted_at)
                for c in self.customers]
        rows += [(r.kind_label, r.customer_name, r.summary, r.deleted_at) for r in self.records]
        self.table.setRowCount(len(rows))
        for row, (kind, name, detail, deleted_at) in enumerate(rows):
            self.table.setItem(row, 0, table_item(kind))
            self.table.setItem(row, 1, table_item(name))
            self.table.setItem(row, 2, table_item(detail))
            self.table.setItem(row, 3, table_item(deleted_at.strftime("%Y-%m-%d %H:%M")))
            if self.entries[row] in keep:
                self.table.selectionModel().select(
                    self.table.model().index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        for button in (self.restore_button, self.purge_button, self.empty_button):
            button.setVisible(bool(rows))
        self.summary.setText(
            tr("{c} 位客户，{r} 条笔记和记录。恢复客户时，他的笔记、购买记录和标签都会回来。",
               c=len(self.customers), r=len(self.records)) if rows else "")
        self._update_buttons()

    def selected_entries(self) -> list[tuple[str, int]]:
        """(kind, id) of the selected rows: kind is "customer", "note", "purchase" or "follow_up"."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.entries[row] for row in rows if row < len(self.entries)]

    def selected_ids(self) -> list[int]:
        """The selected customers' ids."""
        return [key for kind, key in self.selected_entries() if kind == "customer"]

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_entries())
        self.restore_button.setEnabled(chosen)
        self.purge_button.setEnabled(chosen)
        self.empty_button.setEnabled(bool(self.entries))

    def restore_selected(self) -> None:
        entries = self.selected_entries()
        ids = [key for kind, key in entries if kind == "customer"]
        records = [(kind, key) for kind, key in entries if kind != "customer"]
        if not entries or not self._run(lambda session: (restore_customers(session, ids),
                                                         restore_records(session, records))):
            return
        self.notice.setText(tr("已恢复 {n} 项，回到了原来的页面。", n=len(entries)))
        owners = {self._customer_of(kind, key) for kind, key in records} - {0}  # page records have no customer
        self.ctx.customers_changed.emit(ids + sorted(owners))

    def _customer_of(self, kind: str, key: int) -> int:
        return next(r.customer_id for r in self.records if (r.kind, r.id) == (kind, key))

    def purge_selected(self) -> None:
        entries = self.selected_entries()
        if not entries:
            return
        ids = [key for kind, key in entries if kind == "customer"]
        records = [(kind, key) for kind, key in entries if kind != "customer"]
        text = tr("将永久删除选中的{what}，无法恢复。", what=_what(len(ids), len(records)))
        if confirm(self, tr("彻底删除"), text, tr("彻底删除")) and \
                self._run(lambda session: (purge_customers(session, ids), purge_records(session, records))):
            self.notice.setText(tr("已彻底删除 {n} 项。", n=len(entries)))
            self.reload()

    def empty_trash(self) -> None:
        if not self.entries:
            return
        text = tr("将永久删除{what}，无法恢复。", what=_what(len(self.customers), len(self.records)))
        if confirm(self, tr("清空回收站"), text, tr("清空")) and \
                self._run(lambda session: (purge_customers(session, None), purge_records(session, None))):
            self.notice.setText(tr("回收站已清空。"))
            self.reload()

    def _run(self, action: Callable[[Session], object]) -> bool:
        try:
            with self.ctx.session() as session:
                action(session)
        except Exception as exc:
            show_error(self, exc)
            return False
        return True


def _what(customers: int, records: int) -> str:
    """' 2 位客户及其笔记和购买记录，以及 3 条笔记和记录' — only the parts there are."""
    parts = []
    if customers:
        parts.append(tr(" {n} 位客户及其笔记和购买记录", n=customers))
    if records:
        parts.append(tr(" {n} 条笔记和记录", n=records))
    return tr("，以及").join(parts)
