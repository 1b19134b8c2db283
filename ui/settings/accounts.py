"""我的微信号: the seller's own WeChat accounts, with how many customers each one holds."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QStackedWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from services.accounts import AccountInfo, delete_account, list_accounts, save_account
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.settings.form import (
    FormDialog,
    Section,
    button_row,
    danger_button,
    make_table,
    open_dialog,
    section_header,
    selected_keys,
    table_item,
)
from ui.widgets import EmptyState


class AccountDialog(FormDialog):
    """Add or edit one WeChat account."""

    def __init__(self, ctx: AppContext, account: AccountInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑微信号") if account else tr("添加微信号"), parent)
        self.account = account
        self.name = QLineEdit(account.name if account else "")
        self.name.setPlaceholderText(tr("你怎么称呼这个号，如“工作号1”"))
        self.wechat_id = QLineEdit(account.wechat_id if account else "")
        self.wechat_id.setPlaceholderText(tr("可不填"))
        self.note = QPlainTextEdit(account.note if account else "")
        self.note.setPlaceholderText(tr("可不填，如：主要加宝妈客户"))
        self.note.setFixedHeight(72)
        self.add_field("name", tr("名称"), self.name)
        self.add_field("wechat_id", tr("微信号"), self.wechat_id)
        self.add_field("note", tr("备注"), self.note)

    def save(self, session: Session) -> None:
        save_account(session, self.name.text(), self.wechat_id.text(), self.note.toPlainText(),
                     account_id=self.account.id if self.account else None)


class AccountsSection(Section):
    """The table of accounts with add / edit / delete."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.accounts: list[AccountInfo] = []
        self.dialog: AccountDialog | None = None

        self.add_button = QPushButton(tr("添加微信号"))
        self.edit_button = QPushButton(tr("编辑"))
        self.delete_button = danger_button(tr("删除"))
        self.table = make_table([tr("名称"), tr("微信号"), tr("客户数"), tr("备注")])
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(1, 200)
        self.table.setColumnWidth(2, 90)
        self.empty = EmptyState(
            tr("还没有添加微信号"),
            tr("如果你用几个微信号加客户，在这里逐个添加；\n之后每位客户都能记下是哪个号加的，也能按号筛选。"))
        empty_add = self.empty.add_button(tr("添加微信号"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("我的微信号"), tr("你用来加客户的微信号。删除一个号时，它的客户都会保留。")))
        layout.addLayout(button_row(self.add_button, self.edit_button, self.delete_button))
        layout.addWidget(self.stack, 1)

        self.add_button.clicked.connect(lambda: self.open_editor(None))
        empty_add.clicked.connect(lambda: self.open_editor(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.watch(ctx.settings_changed, ctx.customers_changed)

    def load(self) -> None:
        keep = self.selected()
        self.table.clearSelection()
        with self.ctx.session() as session:
            self.accounts = list_accounts(session)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            self.table.setItem(row, 0, table_item(account.name, account.id))
            self.table.setItem(row, 1, table_item(account.wechat_id))
            self.table.setItem(row, 2, table_item(str(account.customers), number=True))
            self.table.setItem(row, 3, table_item(account.note.replace("\n", " ")))
            if keep and account.id == keep.id:
                self.table.selectRow(row)
        self.stack.setCurrentWidget(self.table if self.accounts else self.empty)
        for button in (self.edit_button, self.delete_button):
            button.setVisible(bool(self.accounts))
        self._update_buttons()

    def selected(self) -> AccountInfo | None:
        ids = selected_keys(self.table)
        return next((a for a in self.accounts if ids and a.id == ids[0]), None)

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def open_editor(self, account: AccountInfo | None) -> AccountDialog:
        self.dialog = AccountDialog(self.ctx, account, self)
        open_dialog(self.dialog, self.ctx.settings_changed.emit)
        return self.dialog

    def edit_selected(self) -> None:
        account = self.selected()
        if account is not None:
            self.open_editor(account)

    def delete_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        if account.customers:
            text = tr("删除微信号“{name}”？\n\n它的 {n} 位客户都会保留，只是不再标明是哪个号加的。",
                      name=account.name, n=account.customers)
        else:
            text = tr("删除微信号“{name}”？", name=account.name)
        if not confirm(self, tr("删除微信号"), text, tr("删除")):
            return
        try:
            with self.ctx.session() as session:
                delete_account(session, account.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.settings_changed.emit()
        self.ctx.customers_changed.emit([])  # their rows no longer show the account
