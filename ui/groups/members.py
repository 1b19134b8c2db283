"""A group's members: the table (role, joined, left, loyalty type), adding by search or by tag, roles,
退群 and removing. Double-click opens the customer."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from models.groups import MEMBER_ROLES
from services import groups as g
from services.group_metrics import MIX_KEYS, member_mix
from ui.background import run_in_background
from ui.context import AppContext
from ui.customers.tag_picker import choose_tag
from ui.errors import confirm, show_error
from ui.groups import common
from ui.groups.common import DONE_COLOR, date_edit, qdate
from ui.i18n import tr
from ui.widgets import fill_customer_checklist

WECHAT_GROUP_LIMIT = 500  # a WeChat group holds at most 500 people


def role_combo() -> QComboBox:
    combo = QComboBox()
    for role in MEMBER_ROLES:
        combo.addItem(tr(g.ROLE_LABELS[role]), role)
    combo.setCurrentIndex(MEMBER_ROLES.index("member"))
    return combo


class AddBySearchDialog(QDialog):
    """Find customers by name, 备注名, WeChat ID, phone or pinyin and tick the ones to add."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("按搜索添加成员"))
        self.setMinimumSize(480, 520)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("输入姓名、备注名、微信号、手机或拼音（zl）"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.count = QLabel()
        self.count.setStyleSheet("color: #888;")
        self.role = role_combo()
        self.joined_on = date_edit()
        form = QFormLayout()
        form.addRow(tr("角色"), self.role)
        form.addRow(tr("进群日期"), self.joined_on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("添加"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._shown_total = 0
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.results.itemChanged.connect(lambda _i: self._update_count())
        self.run_search()

    def run_search(self) -> None:
        checked = set(self.chosen_ids())
        with self.ctx.session() as session:
            self._shown_total = fill_customer_checklist(session, self.results, self.search.text(), checked)
        self._update_count()

    def _update_count(self) -> None:
        more = tr("（只显示前 100 位，请输入更多文字缩小范围）") if self._shown_total > 100 else ""
        self.count.setText(tr("找到 {n} 位，已勾选 {k} 位", n=self._shown_total, k=len(self.chosen_ids())) + more)

    def chosen_ids(self) -> list[int]:
        return [int(self.results.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.results.count())
                if self.results.item(row).checkState() == Qt.CheckState.Checked]


class MembersPanel(QWidget):
    """Signals:
        changed(): members were added, changed or removed.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.group_id: int | None = None
        self.rows: list[g.MemberRow] = []
        self.add_search = QPushButton(tr("按搜索添加…"))
        self.add_search.clicked.connect(self.add_by_search)
        self.add_tag = QPushButton(tr("按标签添加…"))
        self.add_tag.clicked.connect(self.add_by_tag)
        self.role_button = QPushButton(tr("设置角色"))
        roles = QMenu(self)
        for role in MEMBER_ROLES:
            roles.addAction(tr(g.ROLE_LABELS[role]), lambda r=role: self.set_role(r))
        self.role_button.setMenu(roles)
        self.left_button = QPushButton(tr("标记退群"))
        self.left_button.clicked.connect(self.mark_left)
        self.remove_button = QPushButton(tr("移除"))
        self.remove_button.setToolTip(tr("加错了才移除；真的退群请用“标记退群”，数据里会算作退群"))
        self.remove_button.clicked.connect(self.remove)
        self.show_left = QCheckBox(tr("显示已退群"))
        self.show_left.setChecked(True)
        self.show_left.toggled.connect(lambda _c: self.reload())
        self.mix = QLabel()
        self.mix.setTextFormat(Qt.TextFormat.RichText)
        self.mix.setToolTip(tr("当前成员的忠诚类型（自动计算的分层）：忠实型多推高客单，羊毛型多推组合优惠"))
        self.table = QTableWidget()
        common.prepare_table(self.table, [tr("备注名"), tr("角色"), tr("进群日期"), tr("退群日期"), tr("忠诚类型"),
                                          tr("购买次数"), tr("微信号")])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(self._open_customer)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        delete = QAction(self.table)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.remove)
        self.table.addAction(delete)
        self.empty = QLabel(tr("还没有成员：点“按搜索添加”挑几位客户，或“按标签添加”把一类客户一起拉进来。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; padding: 16px;")
        top = QHBoxLayout()
        for button in (self.add_search, self.add_tag, self.role_button, self.left_button, self.remove_button):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.show_left)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.mix)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.set_group(None)

    def set_group(self, group_id: int | None) -> None:
        self.group_id = group_id
        self.reload()

    def reload(self) -> None:
        self.rows = []
        mix: dict[str, int] = {}
        if self.group_id is not None:
            with self.ctx.session() as session:
                self.rows = g.list_members(session, self.group_id, include_left=self.show_left.isChecked())
                mix = member_mix(session, self.group_id)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.rows))
        for row, m in enumerate(self.rows):
            common.set_row(self.table, row, [
                m.name, m.role_label, m.joined_on.isoformat() if m.joined_on else "",
                m.left_on.isoformat() if m.left_on else "", tr(m.loyalty_type) if m.loyalty_type else tr("未归类"),
                str(m.purchase_count), m.wechat_id], data=m.id, color=DONE_COLOR if m.left_on else None)
        self.table.resizeColumnsToContents()
        current = sum(1 for m in self.rows if m.left_on is None)
        total = sum(mix.values())
        parts = [f"{tr(k)} {mix.get(k, 0)}" + (f"（{mix.get(k, 0) * 100 // total}%）" if total else "")
                 for k in MIX_KEYS]
        self.mix.setText(tr("在群 {n} 人", n=current) + "　·　" + "　".join(parts) if self.rows else "")
        self.table.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows and self.group_id is not None)
        for widget in (self.add_search, self.add_tag):
            widget.setEnabled(self.group_id is not None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_member_ids())
        for widget in (self.role_button, self.left_button, self.remove_button):
            widget.setEnabled(chosen)

    def selected_member_ids(self) -> list[int]:
        return [int(common.row_data(self.table, row)) for row in common.selected_rows(self.table)]  # type: ignore[call-overload]

    def _open_customer(self) -> None:
        rows = common.selected_rows(self.table)
        if rows:
            member_id = common.row_data(self.table, rows[0])
            customer = next((m.customer_id for m in self.rows if m.id == member_id), None)
            if customer is not None:
                self.ctx.open_customer.emit(customer)

    # ---- actions ---------------------------------------------------------------------------------

    def _done(self, message: str) -> None:
        self.reload()
        self.changed.emit()
        self.ctx.status_message.emit(message)

    def _added(self, result: g.AddResult) -> None:
        parts = [tr("新加入 {n} 人", n=result.added)]
        if result.rejoined:
            parts.append(tr("重新进群 {n} 人", n=result.rejoined))
        if result.already:
            parts.append(tr("{n} 人本来就在群里", n=result.already))
        self._done("，".join(parts))
        current = sum(1 for m in self.rows if m.left_on is None)
        if current > WECHAT_GROUP_LIMIT:
            self.ctx.status_message.emit(tr("注意：一个微信群最多 {limit} 人，名单上现在有 {n} 人在群", limit=WECHAT_GROUP_LIMIT,
                                            n=current))

    def add_by_search(self) -> None:
        if self.group_id is None:
            return
        dialog = AddBySearchDialog(self.ctx, self)
        if not common.run_dialog(dialog) or not dialog.chosen_ids():
            return
        group_id, ids, role, joined = self.group_id, dialog.chosen_ids(), dialog.role.currentData(), qdate(dialog.joined_on)
        try:
            with self.ctx.session() as session:
                result = g.add_members(session, group_id, ids, role, joined)
        except Exception as exc:
            show_error(self, exc)
            return
        self._added(result)

    def add_by_tag(self) -> None:
        if self.group_id is None:
            return
        tag_id = choose_tag(self.ctx, self, tr("把有这个标签的客户都加进群"))
        if tag_id is None:
            return
        group_id, store = self.group_id, self.ctx.store

        def work(_progress: object) -> g.AddResult:
            with store.db.session() as session:
                return g.add_members_by_tag(session, group_id, tag_id, joined_on=date.today())

        run_in_background(self, work, self._added, title=tr("正在添加成员"), cancellable=False)

    def set_role(self, role: str) -> None:
        ids = self.selected_member_ids()
        self._run(lambda s: g.set_role(s, ids, role), tr("已设为{role}", role=tr(g.ROLE_LABELS[role])))

    def mark_left(self) -> None:
        ids = self.selected_member_ids()
        self._run(lambda s: g.mark_left(s, ids, date.today()), tr("已标记 {n} 人退群", n=len(ids)))

    def remove(self) -> None:
        ids = self.selected_member_ids()
        if not ids or not confirm(self, tr("移除成员"), tr("把选中的 {n} 人从成员名单里移除？\n\n加错了才移除；真的退群请用“标记退群”，"
                                                       "这样群数据里会算作退群。", n=len(ids)), tr("移除")):
            return
        self._run(lambda s: g.remove_members(s, ids), tr("已移除 {n} 人", n=len(ids)))

    def _run(self, change: object, message: str) -> None:
        assert callable(change)
        try:
            with self.ctx.session() as session:
                change(session)
        except Exception as exc:
            show_error(self, exc)
            return
        self._done(message)
