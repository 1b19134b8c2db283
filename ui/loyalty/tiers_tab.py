"""The 会员等级 tab: the tiers from the lowest to the highest — name, what it counts (积分 / 近12个月消费 /
购买次数), threshold, benefits, colour and how many customers are in it — with add / edit / delete,
move up and down, 加载默认等级, and 重新计算.

Shortcuts, on this tab: Ctrl+N new tier, Enter edit, Delete delete (after asking).

Signals:
    changed(): tiers were edited (customers' 会员等级 may have changed).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.loyalty import TIER_BASES
from services import tiers as tr_service
from services.errors import UserError, ValidationError
from services.timeline import parse_money
from ui.context import AppContext
from ui.customers.profile_form import with_error
from ui.customers.tag_picker import color_dot
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.loyalty.products_tab import add_shortcut, cell, make_table
from ui.widgets import EmptyState, FieldError

COLUMNS = ("级别", "等级", "按什么算", "门槛", "人数", "权益")


class TierDialog(QDialog):
    def __init__(self, ctx: AppContext, tier: tr_service.TierRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tier = ctx, tier
        self.setWindowTitle(tr("编辑会员等级") if tier else tr("新建会员等级"))
        self.setMinimumWidth(480)
        self.name = QLineEdit(tier.name if tier else "")
        self.name.setObjectName("tierName")
        self.name.setPlaceholderText(tr("如 金卡会员"))
        self.basis = QComboBox()
        self.basis.setObjectName("tierBasis")
        for key in TIER_BASES:
            self.basis.addItem(tr(tr_service.BASIS_LABELS[key]), key)
        self.basis.setCurrentIndex(TIER_BASES.index(tier.basis) if tier else TIER_BASES.index("spend_12m"))
        self.money = QLineEdit(f"{tier.threshold / 100:.2f}".removesuffix(".00") if tier and tier.basis == "spend_12m"
                               else "")
        self.money.setObjectName("tierMoney")
        self.money.setPlaceholderText(tr("近 12 个月消费满多少元，如 10000"))
        self.count = QSpinBox()
        self.count.setObjectName("tierCount")
        self.count.setRange(0, tr_service.MAX_THRESHOLD)
        self.count.setValue(tier.threshold if tier and tier.basis != "spend_12m" else 0)
        self.threshold = QStackedWidget()
        self.threshold.addWidget(self.money)
        self.threshold.addWidget(self.count)
        self.threshold.setSizePolicy(self.money.sizePolicy())
        self.basis.currentIndexChanged.connect(self._basis_changed)
        self.benefits = QPlainTextEdit(tier.benefits if tier else "")
        self.benefits.setObjectName("tierBenefits")
        self.benefits.setPlaceholderText(tr("这一级的会员享有什么，如 全年 9 折；每季度一次专属品鉴"))
        self.benefits.setFixedHeight(80)
        self.color = tier.color if tier else "#c9a227"
        self.color_button = QPushButton()
        self.color_button.clicked.connect(self._pick_color)
        self._show_color()
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        for key, label, widget in (("name", tr("名称 *"), self.name), ("basis", tr("按什么算"), self.basis),
                                   ("threshold", tr("门槛"), self.threshold), ("benefits", tr("权益"), self.benefits),
                                   ("color", tr("颜色"), self.color_button)):
            container, self.errors[key] = with_error(widget)
            form.addRow(label, container)
            if key == "threshold":
                self.threshold_label = form.labelForField(container)
        hint = QLabel(tr("达到门槛就是这一级；同时达到几级时，算最高的那一级。门槛 0 表示所有客户都是。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #777;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._basis_changed()
        self.name.setFocus()

    def _basis_changed(self) -> None:
        basis = self.basis.currentData()
        self.threshold.setCurrentIndex(0 if basis == "spend_12m" else 1)
        self.count.setSuffix(tr(" 分") if basis == "points" else tr(" 次"))
        unit = {"spend_12m": tr("元"), "points": tr("积分"), "purchases": tr("次")}[basis]
        if isinstance(self.threshold_label, QLabel):
            self.threshold_label.setText(tr("门槛（{unit}）", unit=unit))

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self, tr("等级颜色"))
        if chosen.isValid():
            self.color = chosen.name()
            self._show_color()

    def _show_color(self) -> None:
        self.color_button.setIcon(color_dot(self.color, 14))
        self.color_button.setText(self.color)

    def save(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        basis = self.basis.currentData()
        if basis == "spend_12m":
            try:
                threshold = parse_money(self.money.text())
            except ValueError as exc:
                self.errors["threshold"].show_message(str(exc))
                return
        else:
            threshold = self.count.value()
        data = tr_service.TierInput(self.name.text(), basis, threshold, self.benefits.toPlainText(), self.color)
        try:
            with self.ctx.session() as session:
                if self.tier is None:
                    tr_service.create_tier(session, data)
                else:
                    tr_service.update_tier(session, self.tier.id, data)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                target = self.errors.get(key)
                if target is None:
                    show_error(self, UserError(message))
                else:
                    target.show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class TiersTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[tr_service.TierRow] = []
        self.dialog: QDialog | None = None
        self.intro = QLabel(tr("会员等级按积分、近 12 个月消费或购买次数自动计算；客户升级时，“今天”会提醒你送上祝贺。"))
        self.intro.setWordWrap(True)
        self.table = make_table(COLUMNS, "tierTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in {0: 64, 1: 140, 2: 120, 3: 110, 4: 80}.items():
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.edit_tier())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.summary = QLabel()
        self.summary.setObjectName("tierSummary")
        self.new_button = QPushButton(tr("新建等级…"))
        self.new_button.setObjectName("newTier")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_tier())
        self.defaults_button = QPushButton(tr("加载默认等级"))
        self.defaults_button.setObjectName("loadDefaultTiers")
        self.defaults_button.setToolTip(tr("普通会员 / 银卡 ￥2,000 / 金卡 ￥10,000 / 黑金 ￥50,000（近 12 个月消费）"))
        self.defaults_button.clicked.connect(self.load_defaults)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(lambda: self.edit_tier())
        self.up_button = QPushButton(tr("升一级"))
        self.up_button.clicked.connect(lambda: self.move(+1))
        self.down_button = QPushButton(tr("降一级"))
        self.down_button.clicked.connect(lambda: self.move(-1))
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.setToolTip("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.recompute_button = QPushButton(tr("重新计算"))
        self.recompute_button.setToolTip(tr("按现在的消费和积分，给所有客户重新算一遍等级"))
        self.recompute_button.clicked.connect(self.recompute)
        self.empty = EmptyState(tr("还没有会员等级"), tr(
            "像喜茶那样分几级会员：消费越多等级越高，每一级有自己的权益。\n"
            "可以先加载默认的四级（按近 12 个月消费），再按你的生意改。"))
        self.empty.setObjectName("tiersEmpty")
        self.empty.add_button(tr("加载默认等级")).clicked.connect(self.load_defaults)
        self.empty.add_button(tr("新建等级…")).clicked.connect(lambda: self.new_tier())
        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.defaults_button)
        top.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.summary, 1)
        for button in (self.recompute_button, self.up_button, self.down_button, self.edit_button, self.delete_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(actions)
        add_shortcut(self, QKeySequence.StandardKey.New, lambda: self.new_tier())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            add_shortcut(self.table, QKeySequence(key), lambda: self.edit_tier(), widget_only=True)
        add_shortcut(self.table, QKeySequence.StandardKey.Delete, self.delete_selected, widget_only=True)
        ctx.ui_state.restore_header("loyalty/tiers-table", self.table.horizontalHeader())
        self.reload()

    def reload(self) -> None:
        chosen = self._selected()
        with self.ctx.session() as session:
            self.rows = tr_service.list_tiers(session)
            counts = tr_service.tier_counts(session)
        self.table.setRowCount(len(self.rows))
        top_rank = len(self.rows)
        for r, tier in enumerate(reversed(self.rows)):  # the highest tier first, as a seller reads a ladder
            name = cell(tier.name, tier.id)
            name.setIcon(color_dot(tier.color, 12))
            threshold = cell(tr("≥ {v}", v=tier.threshold_text) if tier.threshold else tr("所有客户"), right=True)
            for c, item in enumerate((cell(str(top_rank - r), right=True), name, cell(tier.basis_label), threshold,
                                      cell(f"{tier.customers:,}", right=True),
                                      cell(tier.benefits.replace("\n", "；")))):
                self.table.setItem(r, c, item)
            if chosen is not None and tier.id == chosen.id:
                self.table.selectRow(r)
        unreached = dict(counts).get(tr("未达到"), 0)
        self.summary.setText(tr("{n} 个等级", n=len(self.rows))
                             + (tr("　{n} 位客户还没达到任何一级", n=f"{unreached:,}") if unreached else ""))
        self.empty.setVisible(not self.rows)
        self.table.setVisible(bool(self.rows))
        self._update_buttons()

    def _selected(self) -> tr_service.TierRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 1)
        tier_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((tier for tier in self.rows if tier.id == tier_id), None)

    def _update_buttons(self) -> None:
        chosen = self._selected()
        for button in (self.edit_button, self.delete_button, self.up_button, self.down_button):
            button.setEnabled(chosen is not None)
        self.recompute_button.setEnabled(bool(self.rows))

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._after_change)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()
        self.ctx.customers_changed.emit([])

    def new_tier(self) -> QDialog:
        return self._open(TierDialog(self.ctx, parent=self))

    def edit_tier(self) -> QDialog | None:
        chosen = self._selected()
        return self._open(TierDialog(self.ctx, chosen, parent=self)) if chosen else None

    def move(self, step: int) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        with self.ctx.session() as session:
            tr_service.move_tier(session, chosen.id, step)
        self._after_change()

    def delete_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or not confirm(self, tr("删除会员等级"), tr(
                "删除“{name}”吗？这一级的 {n} 位客户会按门槛落到其他等级（等级是设置，不进回收站）。",
                name=chosen.name, n=chosen.customers), tr("删除")):
            return
        try:
            with self.ctx.session() as session:
                tr_service.delete_tier(session, chosen.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._after_change()

    def load_defaults(self) -> None:
        with self.ctx.session() as session:
            added = tr_service.load_default_tiers(session)
        self.ctx.status_message.emit(tr("已加载 {n} 个默认等级", n=added) if added else tr("默认等级都已经在了"))
        self._after_change()

    def recompute(self) -> None:
        from ui.background import run_in_background

        store = self.ctx.store

        def work(_progress: object) -> int:
            with store.db.session() as session:
                return tr_service.recompute_all(session)

        def done(changed: int) -> None:
            self.ctx.status_message.emit(tr("已重新计算，{n} 位客户的等级变了", n=f"{changed:,}"))
            self._after_change()

        run_in_background(self, work, done, title=tr("重新计算会员等级"))

    def focus_search(self) -> None:
        self.table.setFocus()

    def activate(self) -> None:
        self.reload()

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("loyalty/tiers-table", self.table.horizontalHeader())
