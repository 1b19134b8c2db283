"""记录效果: what a published post brought — likes, comments, private inquiries, orders, revenue and a
note — and which customers interacted (点赞 / 评论 / 私聊咨询 / 下单). Linking a customer adds a line to
their timeline; links are saved at once, the numbers when the dialog is saved."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.moments import INTERACTION_KINDS
from services import moments as m
from services.errors import ValidationError
from services.moments import InteractionRow
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.moments import common
from ui.widgets import FieldError, fill_customer_checklist


def _remove(interaction_id: int, session: Session) -> None:
    m.remove_interaction(session, interaction_id)


COUNTS = (("likes", "点赞"), ("comments", "评论"), ("inquiries", "私聊咨询"), ("orders", "订单"))


def kind_combo() -> QComboBox:
    combo = QComboBox()
    for kind in INTERACTION_KINDS:
        combo.addItem(tr(common.INTERACTION_LABELS[kind]), kind)
    return combo


class LinkCustomersDialog(QDialog):
    """Find customers by name, 备注名, WeChat ID, phone or pinyin, tick them, say how they interacted."""

    def __init__(self, ctx: AppContext, kind: str = "like", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("关联互动的客户"))
        self.setMinimumSize(480, 520)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("输入姓名、备注名、微信号、手机或拼音（zl）"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.count = QLabel()
        self.count.setStyleSheet("color: #888;")
        self.kind = kind_combo()
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("如：问了白茶饼的价格"))
        form = QFormLayout()
        form.addRow(tr("互动"), self.kind)
        form.addRow(tr("说明"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count)
        layout.addLayout(form)
        layout.addWidget(common.dialog_buttons(self, tr("关联")))
        self._total = 0
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.results.itemChanged.connect(lambda _i: self._update_count())
        self.results.itemDoubleClicked.connect(self._toggle)
        self.run_search()

    def run_search(self) -> None:
        checked = set(self.chosen_ids())
        with self.ctx.session() as session:
            self._total = fill_customer_checklist(session, self.results, self.search.text(), checked)
        self._update_count()

    @staticmethod
    def _toggle(item: QListWidgetItem) -> None:
        item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                           else Qt.CheckState.Checked)

    def _update_count(self) -> None:
        more = tr("（只显示前 100 位，请输入更多文字缩小范围）") if self._total > 100 else ""
        self.count.setText(tr("找到 {n} 位，已勾选 {k} 位", n=self._total, k=len(self.chosen_ids())) + more)

    def check(self, customer_id: int) -> None:
        for row in range(self.results.count()):
            item = self.results.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == customer_id:
                item.setCheckState(Qt.CheckState.Checked)

    def chosen_ids(self) -> list[int]:
        return [int(self.results.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.results.count())
                if self.results.item(row).checkState() == Qt.CheckState.Checked]


class ResultsDialog(QDialog):
    """`linked_changed` is True when customers were linked or unlinked (their timelines changed)."""

    def __init__(self, ctx: AppContext, post_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.post_id = post_id
        self.linked_changed = False
        self.touched: set[int] = set()
        self.interactions: list[InteractionRow] = []
        with ctx.session() as session:
            post = m.get_post(session, post_id)
        self.setWindowTitle(tr("记录效果"))
        self.setMinimumSize(620, 620)
        head = QLabel(f"{common.post_title(post)}\n"
                      f"{(post.published_at or post.planned_at):%Y-%m-%d %H:%M} · {common.status_text(post)}")
        head.setStyleSheet("font-weight: bold;")
        head.setWordWrap(True)
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout()
        numbers = QHBoxLayout()
        for key, label in COUNTS:
            spin = QSpinBox()
            spin.setRange(0, 1_000_000)
            spin.setValue(int(getattr(post, key)))
            self.spins[key] = spin
            numbers.addWidget(QLabel(tr(label)))
            numbers.addWidget(spin)
            numbers.addSpacing(8)
        numbers.addStretch(1)
        form.addRow(numbers)
        self.revenue = QDoubleSpinBox()
        self.revenue.setRange(0, 100_000_000)
        self.revenue.setDecimals(2)
        self.revenue.setPrefix("￥")
        self.revenue.setGroupSeparatorShown(True)
        self.revenue.setValue(post.revenue_cents / 100)
        self.revenue.setMaximumWidth(220)
        form.addRow(tr("成交金额"), self.revenue)
        self.note = QLineEdit(post.note)
        self.note.setPlaceholderText(tr("如：3 位问了价格，王姐当天下单两饼"))
        form.addRow(tr("备注"), self.note)
        self.error = FieldError()
        if post.status != "published":
            warning = QLabel(tr("这条还没有标记为已发布：报表只统计已发布的朋友圈。"))
            warning.setStyleSheet("color: #ef6c00;")
            form.addRow(warning)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("客户"), tr("互动"), tr("说明")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 160)
        self.table.doubleClicked.connect(self._open_customer)
        self.add_button = QPushButton(tr("关联客户…"))
        self.add_button.clicked.connect(lambda: self.link())
        self.remove_button = QPushButton(tr("取消关联"))
        self.remove_button.clicked.connect(self.unlink)
        self.remove_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(lambda: self.remove_button.setEnabled(bool(self._selected())))
        self.linked_hint = QLabel()
        self.linked_hint.setStyleSheet("color: #888;")
        self.linked_hint.setWordWrap(True)
        link_row = QHBoxLayout()
        link_row.addWidget(self.add_button)
        link_row.addWidget(self.remove_button)
        link_row.addWidget(self.linked_hint, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.error)
        title = QLabel(tr("互动的客户（会写进客户的时间线，双击打开客户）"))
        title.setStyleSheet("font-weight: bold; margin-top: 8px;")
        layout.addWidget(title)
        layout.addLayout(link_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(common.dialog_buttons(self, tr("保存"), ok_slot=self.save))
        self.reload()

    def reload(self) -> None:
        with self.ctx.session() as session:
            self.interactions = m.list_interactions(session, self.post_id)
        self.table.setRowCount(len(self.interactions))
        for row, link in enumerate(self.interactions):
            for column, text in enumerate((link.customer_name, link.kind_label, link.note)):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, link.id)
                self.table.setItem(row, column, item)
        counts = {kind: sum(1 for i in self.interactions if i.kind == kind) for kind in INTERACTION_KINDS}
        parts = [f"{tr(common.INTERACTION_LABELS[k])} {n}" for k, n in counts.items() if n]
        self.linked_hint.setText("　".join(parts) if parts else tr("谁点赞、评论、私聊问了、下了单？关联后能在客户时间线上看到。"))

    def _selected(self) -> list[InteractionRow]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.interactions[row] for row in sorted(rows) if row < len(self.interactions)]

    def link(self, dialog: LinkCustomersDialog | None = None) -> None:
        dialog = dialog or LinkCustomersDialog(self.ctx, parent=self)
        if not common.run_dialog(dialog) or not dialog.chosen_ids():
            return
        ids, kind, note = dialog.chosen_ids(), dialog.kind.currentData(), dialog.note.text()
        added = common.run_change(self, self.ctx, lambda s: m.add_interactions(s, self.post_id, ids, kind, note))
        if added is None:
            return
        self.linked_changed = True
        self.touched.update(ids)
        self._raise_count(kind)
        self.reload()

    def _raise_count(self, kind: str) -> None:
        """The typed numbers are at least the linked customers of each kind."""
        key = {"like": "likes", "comment": "comments", "inquiry": "inquiries", "order": "orders"}[kind]
        with self.ctx.session() as session:
            linked = sum(1 for i in m.list_interactions(session, self.post_id) if i.kind == kind)
        if self.spins[key].value() < linked:
            self.spins[key].setValue(linked)

    def unlink(self) -> None:
        chosen = self._selected()
        if not chosen or not confirm(self, tr("取消关联"), tr("取消关联选中的 {n} 位客户？", n=len(chosen)), tr("取消关联")):
            return
        for link in chosen:
            if common.run_change(self, self.ctx, partial(_remove, link.id)) is None:
                break
            self.touched.add(link.customer_id)
            self.linked_changed = True
        self.reload()

    def _open_customer(self) -> None:
        chosen = self._selected()
        if chosen:
            self.ctx.open_customer.emit(chosen[0].customer_id)

    def save(self) -> None:
        values = {key: spin.value() for key, spin in self.spins.items()}
        cents = round(self.revenue.value() * 100)
        try:
            with self.ctx.session() as session:
                m.record_results(session, self.post_id, values["likes"], values["comments"], values["inquiries"],
                                 values["orders"], cents, self.note.text())
        except ValidationError as exc:
            self.error.show_message(exc.message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()
