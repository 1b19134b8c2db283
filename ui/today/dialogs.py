"""The Today item dialogs: mark done with a result (and the next follow-up), snooze to a chosen date."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from services.today import TodayItem
from ui.i18n import tr

# (label, days after the shown day) for the snooze menu; 选日期… is added after these.
SNOOZE_CHOICES = (("明天", 1), ("3 天后", 3), ("下周", 7))


class DoneDialog(QDialog):
    """Mark an item done: what came of it (logged on the customer's timeline), and optionally when to
    follow up next."""

    def __init__(self, item: TodayItem, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        who = item.customer_name or ""
        self.setWindowTitle(tr("完成：{name}", name=who) if who else tr("完成"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        what = QLabel(item.title + (f"\n{item.detail}" if item.detail else ""))
        what.setWordWrap(True)
        form.addRow(tr("事项"), what)
        self.result = QPlainTextEdit()
        self.result.setPlaceholderText(tr("聊了什么、结果如何（会记在客户的时间线上）") if item.customer_id
                                       else tr("结果如何（可不填）"))
        self.result.setFixedHeight(96)
        form.addRow(tr("结果"), self.result)
        self.plan_next = QCheckBox(tr("安排下次跟进"))
        self.next_due = QDateEdit(QDate(day + timedelta(days=7)))
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat("yyyy-MM-dd")
        self.next_due.setMinimumDate(QDate(day + timedelta(days=1)))
        self.next_reason = QLineEdit()
        self.next_reason.setPlaceholderText(tr("下次要做什么，如：问问喝完没有"))
        for widget in (self.next_due, self.next_reason):
            widget.setEnabled(False)
            self.plan_next.toggled.connect(widget.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.plan_next)
        row.addWidget(self.next_due)
        row.addStretch(1)
        if item.customer_id is not None:
            form.addRow(tr("下次"), row)
            form.addRow("", self.next_reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("完成"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.result.setFocus()

    def result_text(self) -> str:
        return self.result.toPlainText().strip()

    def next_follow_up(self) -> tuple[date | None, str]:
        if not self.plan_next.isChecked() or self.item.customer_id is None:
            return None, ""
        return self.next_due.date().toPython(), self.next_reason.text().strip()  # type: ignore[return-value]


class SnoozeDateDialog(QDialog):
    """推迟到…: pick a day after the shown one on a calendar."""

    def __init__(self, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("推迟到哪一天"))
        self.calendar = QCalendarWidget()
        self.calendar.setMinimumDate(QDate(day + timedelta(days=1)))
        self.calendar.setSelectedDate(QDate(day + timedelta(days=14)))
        self.calendar.setGridVisible(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("推迟"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.calendar.activated.connect(lambda _d: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)

    def chosen(self) -> date:
        return self.calendar.selectedDate().toPython()  # type: ignore[return-value]
