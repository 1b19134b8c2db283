"""回收站: deleted customers wait here — restore them, or delete them for good."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from services.customers import TrashedCustomer, list_trash, purge_customers, restore_customers
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.settings.form import button_row, danger_button, make_table, selected_keys, table_item
from ui.widgets import EmptyState


class TrashPage(QWidget):
    """The trash: a multi-select table of deleted customers with 恢复 / 彻底删除 / 清空回收站."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customers: list[TrashedCustomer] = []
        self._stale = True

        title = QLabel(tr("回收站"))
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("sectionHint")
        self.restore_button = QPushButton(tr("恢复"))
        self.restore_button.setToolTip(tr("把选中的客户放回客户列表，笔记和购买记录都在"))
        self.purge_button = danger_button(tr("彻底删除"))
        self.empty_button = danger_button(tr("清空回收站"))
        self.table = make_table([tr("名字"), tr("微信号"), tr("手机"), tr("删除时间")], multi_select=True)
        for column, width in enumerate((220, 200, 160)):
            self.table.setColumnWidth(column, width)
        self.empty = EmptyState(tr("回收站是空的"), tr("删除的客户会先放在这里，可以随时恢复。"))
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
        keep = set(selected_keys(self.table))
        self.table.clearSelection()
        with self.ctx.session() as session:
            self.customers = list_trash(session)
        self.table.setRowCount(len(self.customers))
        for row, customer in enumerate(self.customers):
            self.table.setItem(row, 0, table_item(customer.name, customer.id))
            self.table.setItem(row, 1, table_item(customer.wechat_id))
            self.table.setItem(row, 2, table_item(customer.phone))
            self.table.setItem(row, 3, table_item(customer.deleted_at.strftime("%Y-%m-%d %H:%M")))
            if customer.id in keep:
                self.table.selectionModel().select(
                    self.table.model().index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        self.stack.setCurrentWidget(self.table if self.customers else self.empty)
        for button in (self.restore_button, self.purge_button, self.empty_button):
            button.setVisible(bool(self.customers))
        self.summary.setText(tr("共 {n} 位客户。恢复后，他们的笔记、购买记录和标签都会回来。", n=len(self.customers))
                             if self.customers else "")
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        return selected_keys(self.table)

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_ids())
        self.restore_button.setEnabled(chosen)
        self.purge_button.setEnabled(chosen)
        self.empty_button.setEnabled(bool(self.customers))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids and self._run(lambda session: restore_customers(session, ids)):
            self.notice.setText(tr("已恢复 {n} 位客户，可在“客户”页找到。", n=len(ids)))
            self.ctx.customers_changed.emit(ids)

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        text = tr("将永久删除选中的 {n} 位客户及其笔记和购买记录，无法恢复。", n=len(ids))
        if confirm(self, tr("彻底删除"), text, tr("彻底删除")) and \
                self._run(lambda session: purge_customers(session, ids)):
            self.notice.setText(tr("已彻底删除 {n} 位客户。", n=len(ids)))
            self.reload()

    def empty_trash(self) -> None:
        count = len(self.customers)
        if not count:
            return
        text = tr("将永久删除 {n} 位客户及其笔记和购买记录，无法恢复。", n=count)
        if confirm(self, tr("清空回收站"), text, tr("清空")) and \
                self._run(lambda session: purge_customers(session, None)):
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
