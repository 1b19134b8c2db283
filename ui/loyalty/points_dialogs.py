"""积分 dialogs: one customer's ledger (with 加积分 / 扣积分 and delete to the 回收站), the form that adds
or spends points, and the points rules (积分规则).

Signals (LedgerDialog):
    changed(int): the customer's points changed (their id).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import Customer
from services import points as pts
from services import settings_store
from services.errors import UserError, ValidationError
from ui.context import AppContext
from ui.customers.profile_form import with_error
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.loyalty.products_tab import cell, make_table
from ui.widgets import FieldError

LEDGER_COLUMNS = ("日期", "积分", "原因", "余额", "到期", "备注")


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    buttons.rejected.connect(dialog.reject)
    return buttons


class PointsEntryDialog(QDialog):
    """加积分 (a check-in, a favour, a correction) or 扣积分 (a reward given, a correction)."""

    def __init__(self, ctx: AppContext, customer_id: int, *, spend: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.customer_id, self.spend = ctx, customer_id, spend
        with ctx.session() as session:
            customer = session.get(Customer, customer_id)
            name = customer.remark_name if customer else ""
            have = customer.points_balance if customer else 0
            checkin = settings_store.get(session, pts.CHECKIN_POINTS)
        self.setWindowTitle(tr("扣积分 / 兑换") if spend else tr("加积分"))
        self.setMinimumWidth(420)
        self.points = QSpinBox()
        self.points.setObjectName("pointsAmount")
        self.points.setRange(1, pts.MAX_POINTS)
        self.points.setSuffix(tr(" 分"))
        self.reason = QComboBox()
        self.reason.setObjectName("pointsReason")
        for key in pts.SPEND_REASONS if spend else ("checkin", "manual", "referral"):
            self.reason.addItem(tr(pts.REASON_LABELS[key]), key)
        if not spend:
            self.points.setValue(checkin or 1)
            self.reason.currentIndexChanged.connect(
                lambda _i: self.reason.currentData() == "checkin" and self.points.setValue(checkin or 1))
        else:
            self.points.setValue(min(max(have, 1), 100))
        self.entry_on = QDateEdit(QDate(date.today()))
        self.entry_on.setCalendarPopup(True)
        self.entry_on.setDisplayFormat("yyyy-MM-dd")
        self.entry_on.setMaximumDate(QDate(date.today()))
        self.note = QLineEdit()
        self.note.setObjectName("pointsNote")
        self.note.setPlaceholderText(tr("如 兑换建盏品茗杯一只") if spend else tr("如 五月打卡满勤"))
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        head = QLabel(tr("{name}　现有 <b>{n}</b> 积分", name=name, n=f"{have:,}"))
        form.addRow(head)
        for key, label, widget in (("points", tr("积分"), self.points), ("reason", tr("原因"), self.reason),
                                   ("entry_on", tr("日期"), self.entry_on), ("note", tr("备注"), self.note)):
            container, self.errors[key] = with_error(widget)
            form.addRow(label, container)
        buttons = _buttons(self, tr("扣除") if spend else tr("加上"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.points.setFocus()
        self.points.selectAll()

    def save(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        day = self.entry_on.date().toPython()
        try:
            with self.ctx.session() as session:
                if self.spend:
                    pts.spend_points(session, self.customer_id, self.points.value(), self.note.text(), day,  # type: ignore[arg-type]
                                     reason=self.reason.currentData())
                else:
                    pts.add_points(session, self.customer_id, self.points.value(), self.reason.currentData(),
                                   self.note.text(), day)  # type: ignore[arg-type]
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


class LedgerView(QWidget):
    """A customer's ledger, newest first, with 加积分 / 扣积分 / 删除 (used by the 积分 tab and the
    customer's 积分… dialog).

    Signals:
        changed(int): the customer's points changed.
    """

    changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.lines: list[pts.LedgerLine] = []
        self.dialog: QDialog | None = None
        self.heading = QLabel()
        self.heading.setObjectName("ledgerHeading")
        self.heading.setStyleSheet("font-size: 15px;")
        self.table = make_table(LEDGER_COLUMNS, "ledgerTable")
        for column, width in {0: 96, 1: 70, 2: 150, 3: 80, 4: 96}.items():  # 原因: "社群打卡 · 茶友福利群"
            self.table.setColumnWidth(column, width)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(tr("加积分…"))
        self.add_button.setObjectName("addPoints")
        self.add_button.clicked.connect(lambda: self.add())
        self.spend_button = QPushButton(tr("扣积分 / 兑换…"))
        self.spend_button.setObjectName("spendPoints")
        self.spend_button.clicked.connect(lambda: self.add(spend=True))
        self.delete_button = QPushButton(tr("删除这条"))
        self.delete_button.setToolTip(tr("手动加减的积分可以删除（进回收站）；购买得的积分随购买记录走"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.empty = QLabel(tr("还没有积分记录。记一笔购买会自动积分；社群打卡在积分页的“社群打卡…”里记，帮忙转发可以手动加分。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #777;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.spend_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.show_customer(None)

    def show_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self.reload()

    def reload(self) -> None:
        self.lines = []
        heading = tr("选一位客户看TA的积分明细")
        if self.customer_id is not None:
            with self.ctx.session() as session:
                customer = session.get(Customer, self.customer_id)
                if customer is not None:
                    self.lines = pts.ledger(session, self.customer_id)
                    level = f"　{tr('会员等级')} <b>{customer.member_level}</b>" if customer.member_level else ""
                    heading = tr("{name}　积分 <b>{n}</b>", name=customer.remark_name,
                                 n=f"{customer.points_balance:,}") + level
        self.heading.setText(heading)
        self.table.setRowCount(len(self.lines))
        for r, line in enumerate(self.lines):
            points = cell(f"{line.points:+,}", line.id, right=True)
            points.setForeground(Qt.GlobalColor.darkGreen if line.points > 0 else Qt.GlobalColor.darkRed)
            reason = cell(line.reason_label)
            reason.setToolTip(line.reason_label)
            for c, item in enumerate((cell(line.entry_on.isoformat()), points, reason,
                                      cell(f"{line.balance:,}", right=True),
                                      cell(line.expires_on.isoformat() if line.expires_on else ""),
                                      cell(line.note.replace("\n", " ")))):
                self.table.setItem(r, c, item)
        has_customer = self.customer_id is not None
        self.empty.setVisible(has_customer and not self.lines)
        self.add_button.setEnabled(has_customer)
        self.spend_button.setEnabled(has_customer)
        self._update_buttons()

    def _selected(self) -> pts.LedgerLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()] if rows and rows[0].row() < len(self.lines) else None

    def _update_buttons(self) -> None:
        line = self._selected()
        self.delete_button.setEnabled(line is not None and line.removable)

    def add(self, spend: bool = False) -> QDialog | None:
        if self.customer_id is None:
            return None
        dialog = PointsEntryDialog(self.ctx, self.customer_id, spend=spend, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._after_change)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        line = self._selected()
        if line is None or not line.removable or not confirm(self, tr("删除积分记录"), tr(
                "删除 {day} 的 {points} 分（{reason}）吗？\n\n在 回收站 里可以恢复。", day=line.entry_on.isoformat(),
                points=f"{line.points:+,}", reason=line.reason_label), tr("移到回收站")):
            return
        try:
            with self.ctx.session() as session:
                pts.delete_entry(session, line.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._after_change()

    def _after_change(self) -> None:
        self.reload()
        if self.customer_id is not None:
            self.changed.emit(self.customer_id)
            self.ctx.customers_changed.emit([self.customer_id])


class LedgerDialog(QDialog):
    """积分…: one customer's ledger, from the customer page."""

    changed = Signal(int)

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("积分明细"))
        self.resize(680, 480)
        self.view = LedgerView(ctx, self)
        self.view.changed.connect(self.changed.emit)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(close)
        self.view.show_customer(customer_id)


class PointSettingsDialog(QDialog):
    """积分规则: points per ￥, referral and check-in points, expiry months."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("积分规则"))
        self.setMinimumWidth(480)
        with ctx.session() as session:
            values = settings_store.get_many(session, settings_store.declared("points"))
        self.per_yuan = QDoubleSpinBox()
        self.per_yuan.setObjectName("pointsPerYuan")
        self.per_yuan.setDecimals(2)
        self.per_yuan.setRange(0, 1000)
        self.per_yuan.setValue(values[pts.POINTS_PER_YUAN.key])
        self.referral = QSpinBox()
        self.referral.setRange(0, 1_000_000)
        self.referral.setValue(values[pts.REFERRAL_POINTS.key])
        self.checkin = QSpinBox()
        self.checkin.setRange(0, 100_000)
        self.checkin.setValue(values[pts.CHECKIN_POINTS.key])
        self.expiry = QSpinBox()
        self.expiry.setObjectName("pointsExpiry")
        self.expiry.setRange(0, 120)
        self.expiry.setSpecialValueText(tr("永不过期"))
        self.expiry.setValue(values[pts.EXPIRY_MONTHS.key])
        self.old_expiry = self.expiry.value()
        form = QFormLayout()
        for setting, widget in ((pts.POINTS_PER_YUAN, self.per_yuan), (pts.REFERRAL_POINTS, self.referral),
                                (pts.CHECKIN_POINTS, self.checkin), (pts.EXPIRY_MONTHS, self.expiry)):
            if isinstance(widget, QSpinBox | QDoubleSpinBox) and setting.unit and widget is not self.expiry:
                widget.setSuffix(" " + tr(setting.unit))
            row = QWidget()
            line = QVBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(widget)
            if setting.help:
                hint = QLabel(tr(setting.help))
                hint.setStyleSheet("color: #777;")
                hint.setWordWrap(True)
                line.addWidget(hint)
            form.addRow(tr(setting.title), row)
        self.expiry.setSuffix(" " + tr("个月"))
        buttons = _buttons(self, tr("保存"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            with self.ctx.session() as session:
                settings_store.save(session, {pts.POINTS_PER_YUAN: float(self.per_yuan.value()),
                                              pts.REFERRAL_POINTS: self.referral.value(),
                                              pts.CHECKIN_POINTS: self.checkin.value()})
                if self.expiry.value() != self.old_expiry:
                    pts.set_expiry_months(session, self.expiry.value())
                    pts.expire_points(session, date.today())
                    session.commit()
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


def open_ledger(ctx: AppContext, customer_id: int, parent: QWidget) -> LedgerDialog:
    dialog = LedgerDialog(ctx, customer_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog
