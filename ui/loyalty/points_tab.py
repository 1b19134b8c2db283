"""The 积分 tab: customers by points balance (search by name), the chosen customer's ledger with
加积分 / 扣积分 / 删除, the totals, the points rules, 社群打卡 (a group's check-ins of a day), and
awarding points for purchases recorded before points began.

Shortcuts, on this tab: Ctrl+F search, Ctrl+N 加积分 for the chosen customer, Enter open the customer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from services import points as pts
from ui.context import AppContext
from ui.errors import confirm
from ui.i18n import tr
from ui.loyalty.checkin_dialog import CheckinDialog
from ui.loyalty.points_dialogs import LedgerView, PointSettingsDialog
from ui.loyalty.products_tab import add_shortcut, cell, make_table
from ui.widgets import EmptyState

HOLDER_COLUMNS = ("客户", "积分", "会员等级", "最近变动")


class PointsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.holders: list[pts.PointHolder] = []
        self.dialog: QDialog | None = None
        self.search = QLineEdit()
        self.search.setObjectName("pointsSearch")
        self.search.setPlaceholderText(tr("搜索客户  Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.totals = QLabel()
        self.totals.setObjectName("pointsTotals")
        self.settings_button = QPushButton(tr("积分规则…"))
        self.settings_button.setObjectName("pointSettings")
        self.settings_button.clicked.connect(lambda: self.open_settings())
        self.checkin_button = QPushButton(tr("社群打卡…"))
        self.checkin_button.setObjectName("groupCheckin")
        self.checkin_button.setToolTip(tr("选一个群和日期，勾选打卡的群成员：每人每个群每天得一次打卡积分"))
        self.checkin_button.clicked.connect(lambda: self.open_checkin())
        self.history_button = QPushButton(tr("为历史购买补积分"))
        self.history_button.setToolTip(tr("开始用积分之前记下的购买，按现在的规则补上积分（每笔只补一次）"))
        self.history_button.clicked.connect(self.award_history)
        self.table = make_table(HOLDER_COLUMNS, "pointHolders")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in {0: 130, 1: 80, 2: 100}.items():
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.doubleClicked.connect(lambda _i: self.open_customer())
        self.ledger = LedgerView(ctx)
        self.ledger.changed.connect(lambda _cid: self.reload())
        self.empty = EmptyState(tr("还没有人有积分"), tr(
            "记一笔购买，客户就按“消费每 ￥1 积 1 分”自动积分；介绍新客成交、社群打卡也能加分，\n"
            "积分可以兑换礼品。规则在“积分规则…”里改。"))
        self.empty.add_button(tr("积分规则…")).clicked.connect(lambda: self.open_settings())
        self.empty.add_button(tr("为历史购买补积分")).clicked.connect(self.award_history)
        left = QWidget()
        left.setMinimumWidth(380)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("pointsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.ledger)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        top = QHBoxLayout()
        top.addWidget(self.totals, 1)
        top.addWidget(self.checkin_button)
        top.addWidget(self.history_button)
        top.addWidget(self.settings_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty, 1)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        add_shortcut(self, QKeySequence.StandardKey.Find, self.focus_search)
        add_shortcut(self, QKeySequence.StandardKey.New, lambda: self.ledger.add())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            add_shortcut(self.table, QKeySequence(key), self.open_customer, widget_only=True)
        self.splitter.setSizes([430, 700])
        ctx.ui_state.restore_splitter("loyalty/points", self.splitter)
        ctx.customers_changed.connect(lambda _ids: self.isVisible() and self.reload())
        self.reload()

    def reload(self) -> None:
        chosen = self.ledger.customer_id
        with self.ctx.session() as session:
            self.holders = pts.customers_by_balance(session, self.search.text())
            totals = pts.point_totals(session)
        self.totals.setText(tr("已发放 <b>{issued}</b> 分 · 已使用 {spent} 分 · 已过期 {expired} 分 · "
                               "{holders} 位客户共有 <b>{left}</b> 分未用",
                               issued=f"{totals.issued:,}", spent=f"{totals.spent:,}", expired=f"{totals.expired:,}",
                               holders=f"{totals.holders:,}", left=f"{totals.outstanding:,}"))
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.holders))
        for r, h in enumerate(self.holders):
            for c, item in enumerate((cell(h.name, h.id), cell(f"{h.balance:,}", right=True), cell(h.tier),
                                      cell(h.last_entry_on.isoformat() if h.last_entry_on else ""))):
                self.table.setItem(r, c, item)
            if h.id == chosen:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        nobody = not self.holders and not self.search.text().strip() and totals.issued == 0
        self.empty.setVisible(nobody)
        self.splitter.setVisible(not nobody)
        if chosen is None and self.holders:
            self.table.selectRow(0)
        self.ledger.show_customer(self.ledger.customer_id if chosen is not None else
                                  (self.holders[0].id if self.holders else None))

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.holders):
            self.ledger.show_customer(self.holders[rows[0].row()].id)

    def show_customer(self, customer_id: int) -> None:
        """Show one customer's ledger (also one with no points yet)."""
        self.ledger.show_customer(customer_id)

    def open_customer(self) -> None:
        if self.ledger.customer_id is not None:
            self.ctx.open_customer.emit(self.ledger.customer_id)

    def open_settings(self) -> QDialog:
        dialog = PointSettingsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self.reload)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_checkin(self, group_id: int | None = None) -> QDialog:
        """社群打卡…: the members ticked earn their points; the list and the customers follow."""
        dialog = CheckinDialog(self.ctx, self, group_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.recorded.connect(lambda ids: (self.reload(), self.ctx.customers_changed.emit(ids)))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def award_history(self) -> None:
        if not confirm(self, tr("为历史购买补积分"), tr(
                "按现在的积分规则，为还没有积分的购买记录补上积分吗？\n\n每笔购买只会补一次；之后删除那笔购买，积分也会跟着去掉。"),
                tr("补积分")):
            return
        from ui.background import run_in_background

        store = self.ctx.store

        def work(_progress: object) -> int:
            from services.tiers import recompute_tiers

            with store.db.session() as session:
                written = pts.award_purchase_points(session)
                pts.refresh_balances(session)
                recompute_tiers(session)
                session.commit()
                return written

        def done(written: int) -> None:
            self.ctx.status_message.emit(tr("已为 {n} 笔购买补上积分", n=f"{written:,}"))
            self.reload()
            self.ctx.customers_changed.emit([])

        run_in_background(self, work, done, title=tr("为历史购买补积分"))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def activate(self) -> None:
        self.reload()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("loyalty/points", self.splitter)
