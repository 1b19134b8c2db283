"""转介绍树: everyone a customer brought, and whom they brought, with each person's purchases.

    ReferralTreeDialog.open_for(ctx, customer_id, parent)

A non-modal window (several can be open side by side); double-clicking a person opens them on the
customer page. The tree is read in one recursive query (services.referral_views.referral_tree).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import referrals as rf
from services.errors import UserError
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.referrals.common import cny, day_text

COLUMNS = ("客户", "加入日期", "介绍日期", "方式", "购买次数", "累计消费", "带来的人")
EXPAND_LEVELS = 2  # levels shown open at first; deeper ones with 全部展开


class ReferralTreeDialog(QDialog):
    _open: list[ReferralTreeDialog] = []

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.setObjectName("referralTree")
        self.setMinimumSize(760, 480)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("sectionHint")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([tr(c) for c in COLUMNS])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        font = QFont(header.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        for column, width in enumerate((230, 100, 100, 64, 80, 100, 80)):
            self.tree.setColumnWidth(column, max(width, metrics.horizontalAdvance(tr(COLUMNS[column])) + 40))
        self.tree.itemDoubleClicked.connect(self._open_customer)
        self.expand_button = QPushButton(tr("全部展开"))
        self.expand_button.clicked.connect(self.tree.expandAll)
        self.collapse_button = QPushButton(tr("收起"))
        self.collapse_button.clicked.connect(lambda: self.tree.collapseAll() or self._root_open())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.expand_button)
        bottom.addWidget(self.collapse_button)
        bottom.addStretch(1)
        bottom.addWidget(QLabel(tr("双击一个人打开TA的资料")))
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        if not ctx.ui_state.restore_geometry("referralTree", self):
            self.resize(940, 600)
        self.finished.connect(self._closed)
        self.load()

    @classmethod
    def open_for(cls, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> ReferralTreeDialog | None:
        try:
            dialog = cls(ctx, customer_id, parent)
        except UserError as exc:
            show_error(parent, exc)
            return None
        cls._open.append(dialog)
        dialog.show()
        dialog.raise_()
        return dialog

    def load(self) -> None:
        with self.ctx.session() as session:
            root = rf.referral_tree(session, self.customer_id)
        self.root = root
        self.setWindowTitle(tr("转介绍树 — {name}", name=root.name))
        self.tree.clear()
        top = self._item(root)
        bold = QFont(top.font(0))
        bold.setBold(True)
        top.setFont(0, bold)
        self.tree.addTopLevelItem(top)
        self._add_children(top, root)
        self._root_open()
        if root.children:
            self.summary.setText(tr(
                "{name} 一共带来 {n} 位客户（{levels} 层），其中 {buyers} 位已购买，带来消费 {spent}。"
                "直接介绍 {direct} 位。", name=root.name, n=root.downline, levels=root.depth, buyers=root.downline_buyers,
                spent=cny(root.downline_spent_cents), direct=len(root.children)))
        else:
            self.summary.setText(tr("{name} 还没有介绍过新客户。记录转介绍后，TA 带来的人（以及他们再带来的人）会显示在这里。",
                                    name=root.name))

    def _item(self, node: rf.TreeNode) -> QTreeWidgetItem:
        brought = str(node.downline) if node.children else ""
        item = QTreeWidgetItem([node.name, day_text(node.joined), day_text(node.referred_on), tr(node.method) if node.method else "",
                                str(node.purchase_count), cny(node.total_spent_cents), brought])
        item.setData(0, Qt.ItemDataRole.UserRole, node.customer_id)
        for column in (4, 5, 6):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if node.purchase_count == 0:
            item.setForeground(4, QBrush(QColor("#9e9e9e")))
            item.setForeground(5, QBrush(QColor("#9e9e9e")))
        item.setToolTip(0, tr("{name}：购买 {n} 次，累计 {spent}", name=node.name, n=node.purchase_count,
                              spent=cny(node.total_spent_cents)))
        return item

    def _add_children(self, item: QTreeWidgetItem, node: rf.TreeNode) -> None:
        for child in node.children:
            child_item = self._item(child)
            item.addChild(child_item)
            self._add_children(child_item, child)

    def _root_open(self) -> None:
        def open_levels(item: QTreeWidgetItem, level: int) -> None:
            if level < EXPAND_LEVELS:
                item.setExpanded(True)
                for i in range(item.childCount()):
                    open_levels(item.child(i), level + 1)

        for i in range(self.tree.topLevelItemCount()):
            open_levels(self.tree.topLevelItem(i), 0)

    def _open_customer(self, item: QTreeWidgetItem) -> None:
        customer_id = item.data(0, Qt.ItemDataRole.UserRole)
        if customer_id is not None:
            self.ctx.open_customer.emit(int(customer_id))

    def _closed(self) -> None:
        self.ctx.ui_state.save_geometry("referralTree", self)
        if self in ReferralTreeDialog._open:
            ReferralTreeDialog._open.remove(self)
        self.deleteLater()
