"""Small dialogs for a customer's records: note, purchase, follow-up, and completing a follow-up.

Each dialog saves through the service itself when 保存 is pressed; a ValidationError keeps the
dialog open with the message under the field it is about. Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.timeline import NOTE_KINDS
from services import timeline as tl
from services.errors import UserError, ValidationError
from services.products import product_names
from ui.context import AppContext
from ui.customers.profile_form import with_error
from ui.errors import show_error
from ui.i18n import tr
from ui.widgets import FieldError

PURCHASE_CHANNELS = ("微信", "门店", "小程序", "朋友圈", "社群", "淘宝", "抖音", "其他")
FOLLOW_UP_REASONS = ("回访使用感受", "提醒复购", "生日祝福", "新品推荐", "活动通知", "售后跟进")


def load_record(ctx: AppContext, getter: Callable[[Session, int], Any], record_id: int) -> Any:
    """A detached note, purchase or follow-up to prefill a dialog (UserError if it was deleted)."""
    with ctx.session() as session:
        return getter(session, record_id)


def date_edit(value: date, *, latest: date | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(QDate(latest))
    return edit


class RecordDialog(QDialog):
    """A form with an error label under each field, and 保存 / 取消."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors: dict[str, FieldError] = {}
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)

    def add_row(self, key: str, label: str, widget: QWidget) -> None:
        container, self.errors[key] = with_error(widget)
        self.form.addRow(label, container)

    def _save(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        try:
            with self.ctx.session() as session:
                self.save(session)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                target = self.errors.get(key)
                if target is None:
                    show_error(self, UserError(message))
                else:
                    target.show_message(message)
            return
        except Exception as exc:  # a user error gets its message, a bug the apology
            show_error(self, exc)
            return
        self.accept()

    def save(self, session: Session) -> None:
        raise NotImplementedError


class NoteDialog(RecordDialog):
    def __init__(self, ctx: AppContext, customer_id: int, note_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑笔记") if note_id else tr("写笔记"), parent)
        self.customer_id, self.note_id = customer_id, note_id
        note = load_record(ctx, tl.get_note, note_id) if note_id else None
        self.kind = QComboBox()
        for kind in NOTE_KINDS:
            self.kind.addItem(tr(kind), kind)
        self.body = QPlainTextEdit()
        self.body.setMinimumHeight(120)
        self.noted_at = QDateTimeEdit(QDateTime(note.noted_at if note else datetime.now()))
        self.noted_at.setCalendarPopup(True)
        self.noted_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.pinned = QCheckBox(tr("置顶（总显示在时间线最上面）"))
        self.add_row("kind", tr("类型"), self.kind)
        self.add_row("body", tr("内容"), self.body)
        self.add_row("noted_at", tr("时间"), self.noted_at)
        self.form.addRow("", self.pinned)
        if note is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(note.kind), 0))
            self.body.setPlainText(note.body)
            self.pinned.setChecked(note.pinned)
        self.body.setFocus()

    def save(self, session: Session) -> None:
        tl.save_note(session, self.customer_id, self.kind.currentData(), self.body.toPlainText(),
                            pinned=self.pinned.isChecked(), note_id=self.note_id,
                            noted_at=self.noted_at.dateTime().toPython())  # type: ignore[arg-type]


class PurchaseDialog(RecordDialog):
    def __init__(self, ctx: AppContext, customer_id: int, purchase_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑购买记录") if purchase_id else tr("记一笔购买"), parent)
        self.customer_id, self.purchase_id = customer_id, purchase_id
        record = load_record(ctx, tl.get_purchase, purchase_id) if purchase_id else None
        self.purchased_on = date_edit(record.purchased_on if record else date.today(), latest=date.today())
        # 商品: pick from the catalogue (completes as you type) or write anything (matched later).
        self.product_combo = QComboBox()
        self.product_combo.setObjectName("purchaseProduct")
        self.product_combo.setEditable(True)
        self.product_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        with ctx.session() as session:
            self.product_combo.addItem("", None)
            for pid, name in product_names(session):
                self.product_combo.addItem(name, pid)
        completer = self.product_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.product = self.product_combo.lineEdit()
        self.product.setPlaceholderText(tr("从商品目录选，或直接写，如 玫瑰精华 30ml"))
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 99999)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(tr("这一笔一共多少钱，如 1280 或 1,280.50"))
        self.channel = QComboBox()
        self.channel.setEditable(True)
        self.channel.addItems(["", *(tr(c) for c in PURCHASE_CHANNELS)])
        self.note = QLineEdit()
        self.add_row("purchased_on", tr("日期"), self.purchased_on)
        self.add_row("product", tr("商品 *"), self.product_combo)
        self.add_row("quantity", tr("数量"), self.quantity)
        self.add_row("amount", tr("金额（元）"), self.amount)
        self.add_row("channel", tr("渠道"), self.channel)
        self.add_row("note", tr("备注"), self.note)
        if record is not None:
            self.product_combo.setCurrentIndex(0)
            self.product.setText(record.product)
            self.quantity.setValue(record.quantity)
            self.amount.setText(f"{record.amount_cents / 100:.2f}".removesuffix(".00"))
            self.channel.setCurrentText(record.channel)
            self.note.setText(record.note)
        self.product.setFocus()

    def save(self, session: Session) -> None:
        picked = self.product_combo.findText(self.product.text().strip(), Qt.MatchFlag.MatchExactly)
        product_id = self.product_combo.itemData(picked) if picked > 0 else None  # else matched from the text
        tl.save_purchase(session, self.customer_id, self.purchased_on.date().toPython(),  # type: ignore[arg-type]
                                self.product.text(), self.quantity.value(), self.amount.text(),
                                self.channel.currentText(), self.note.text(), purchase_id=self.purchase_id,
                                product_id=product_id)


def _quick_dates(target: QDateEdit) -> QWidget:
    """Buttons 明天 / 3天后 / 1周后 / 1个月后 that set `target`."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for label, days in ((tr("明天"), 1), (tr("3天后"), 3), (tr("1周后"), 7), (tr("1个月后"), 30)):
        button = QPushButton(label)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False, d=days: target.setDate(QDate.currentDate().addDays(d)))
        layout.addWidget(button)
    layout.addStretch(1)
    return row


def _reason_combo(text: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems([tr(r) for r in FOLLOW_UP_REASONS])
    combo.setCurrentText(text)
    combo.lineEdit().setPlaceholderText(tr("为什么要联系TA，如 回访使用感受"))
    return combo


class FollowUpDialog(RecordDialog):
    def __init__(self, ctx: AppContext, customer_id: int, follow_up_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑跟进") if follow_up_id else tr("安排跟进"), parent)
        self.customer_id, self.follow_up_id = customer_id, follow_up_id
        record = load_record(ctx, tl.get_follow_up, follow_up_id) if follow_up_id else None
        self.due_on = date_edit(record.due_on if record else date.today() + timedelta(days=3))
        self.reason = _reason_combo(record.reason if record else "")
        self.add_row("due_on", tr("哪天联系"), self.due_on)
        self.form.addRow("", _quick_dates(self.due_on))
        self.add_row("reason", tr("事由"), self.reason)
        self.reason.setFocus()

    def save(self, session: Session) -> None:
        tl.save_follow_up(session, self.customer_id, self.due_on.date().toPython(),  # type: ignore[arg-type]
                                 self.reason.currentText(), follow_up_id=self.follow_up_id)


class CompleteFollowUpDialog(RecordDialog):
    """完成跟进: what came of it, and optionally when to follow up next."""

    def __init__(self, ctx: AppContext, follow_up_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("完成跟进"), parent)
        self.follow_up_id = follow_up_id
        record = load_record(ctx, tl.get_follow_up, follow_up_id)
        self.save_button.setText(tr("完成"))
        self.result = QPlainTextEdit()
        self.result.setPlaceholderText(tr("聊了什么、TA怎么说，如 “很满意，下月再买两盒”"))
        self.result.setMinimumHeight(90)
        self.plan_next = QCheckBox(tr("安排下次跟进"))
        self.next_due_on = date_edit(date.today() + timedelta(days=7))
        self.next_reason = _reason_combo(record.reason)
        self.form.addRow(tr("事由"), QLabel(tr("{reason}（{due} 到期）", reason=record.reason,
                                                due=record.due_on.isoformat())))
        self.add_row("result", tr("结果"), self.result)
        self.form.addRow("", self.plan_next)
        self.add_row("next_due_on", tr("下次哪天"), self.next_due_on)
        self.next_quick = _quick_dates(self.next_due_on)
        self.form.addRow("", self.next_quick)
        self.add_row("next_reason", tr("下次事由"), self.next_reason)
        self.plan_next.toggled.connect(self._sync_next)
        self._sync_next(False)
        self.setWindowTitle(tr("完成跟进：{reason}", reason=record.reason))
        self.result.setFocus()

    def _sync_next(self, on: bool) -> None:
        for widget in (self.next_due_on, self.next_quick, self.next_reason):
            widget.setEnabled(on)

    def save(self, session: Session) -> None:
        next_due = self.next_due_on.date().toPython() if self.plan_next.isChecked() else None
        tl.complete_follow_up(session, self.follow_up_id, self.result.toPlainText(),
                              next_due_on=next_due, next_reason=self.next_reason.currentText())  # type: ignore[arg-type]
