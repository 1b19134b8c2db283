"""The profile form of the customer detail: every field with its error label, CustomerInput in and out.

The form only edits values; saving (and turning a ValidationError into messages) is the detail's job.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.accounts import AccountInfo
from services.birthday import LUNAR_DAYS, LUNAR_MONTHS, Birthday
from services.custom_fields import FieldDef
from services.customers import CustomerInput
from services.stages import STAGES
from ui.i18n import tr
from ui.widgets import FieldError

SOURCES = ("朋友圈", "老客转介绍", "门店", "抖音", "小红书", "社群", "地推", "展会")
_NO_DATE = QDate(1900, 1, 1)
_NO_YEAR = 1899


def with_error(widget: QWidget) -> tuple[QWidget, FieldError]:
    """`widget` with its own error message right under it (hidden while there is none)."""
    container = QWidget()
    box = QVBoxLayout(container)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(widget)
    error = FieldError()
    box.addWidget(error)
    return container, error


class _DateEdit(QDateEdit):
    """A date box that opens on today (not on 1900) when it was empty."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.date() == self.minimumDate():
            self.setDate(QDate.currentDate())
        super().mousePressEvent(event)


class OptionalDateEdit(QWidget):
    """A date that may stay empty (shown as 未填), with a button that empties it again.

    Signals:
        changed(): the date was changed or cleared.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _DateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(_NO_DATE)
        self.edit.setSpecialValueText(tr("未填"))
        self.edit.setDate(_NO_DATE)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.clear_button = QToolButton()
        self.clear_button.setText(tr("清空"))
        self.clear_button.setToolTip(tr("不填这个日期"))
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)

    def value(self) -> date | None:
        qdate = self.edit.date()
        return None if qdate == _NO_DATE else qdate.toPython()  # type: ignore[no-any-return]

    def set_value(self, value: date | None) -> None:
        self.edit.setDate(QDate(value) if value else _NO_DATE)


class BirthdayEdit(QWidget):
    """公历 or 农历, month and day, the year only when known, and 闰月 for lunar birthdays.

    Signals:
        changed(): any part was changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = QComboBox()
        for label, lunar in ((tr("未填"), None), (tr("公历"), False), (tr("农历"), True)):
            self.calendar.addItem(label, lunar)
        self.year = QSpinBox()
        self.year.setRange(_NO_YEAR, 2100)
        self.year.setSpecialValueText(tr("不填年份"))
        self.year.setSuffix(tr(" 年"))
        self.year.setToolTip(tr("不知道哪一年出生就留着“不填年份”"))
        self.year.setValue(_NO_YEAR)
        self.month = QComboBox()
        self.day = QComboBox()
        self.day.setMaxVisibleItems(16)
        self.leap = QCheckBox(tr("闰月"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.calendar, self.year, self.month, self.day, self.leap):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._fill_names(lunar=False)
        self._sync_visibility()
        self.calendar.currentIndexChanged.connect(self._on_calendar)
        for signal in (self.year.valueChanged, self.month.currentIndexChanged,
                       self.day.currentIndexChanged, self.leap.toggled):
            signal.connect(lambda *_: self.changed.emit())

    def _fill_names(self, lunar: bool) -> None:
        month, day = max(self.month.currentIndex(), 0), max(self.day.currentIndex(), 0)
        self.month.blockSignals(True)
        self.day.blockSignals(True)
        self.month.clear()
        self.day.clear()
        for number in range(1, 13):
            self.month.addItem(f"{LUNAR_MONTHS[number - 1]}月" if lunar else tr("{n}月", n=number), number)
        for number in range(1, 31 if lunar else 32):
            self.day.addItem(LUNAR_DAYS[number - 1] if lunar else tr("{n}日", n=number), number)
        self.month.setCurrentIndex(month)
        self.day.setCurrentIndex(min(day, self.day.count() - 1))
        self.month.blockSignals(False)
        self.day.blockSignals(False)

    def _sync_visibility(self) -> None:
        lunar = self.calendar.currentData()
        for widget in (self.year, self.month, self.day):
            widget.setVisible(lunar is not None)
        self.leap.setVisible(lunar is True)

    def _on_calendar(self) -> None:
        self._fill_names(lunar=self.calendar.currentData() is True)
        self._sync_visibility()
        self.changed.emit()

    def value(self) -> Birthday | None:
        lunar = self.calendar.currentData()
        if lunar is None:
            return None
        year = self.year.value()
        return Birthday(self.month.currentData(), self.day.currentData(),
                        None if year == _NO_YEAR else year, lunar, lunar and self.leap.isChecked())

    def set_value(self, birthday: Birthday | None) -> None:
        self.calendar.setCurrentIndex(0 if birthday is None else 2 if birthday.lunar else 1)
        self._fill_names(lunar=bool(birthday and birthday.lunar))
        self._sync_visibility()
        if birthday is not None:
            self.year.setValue(birthday.year or _NO_YEAR)
            self.month.setCurrentIndex(self.month.findData(birthday.month))
            self.day.setCurrentIndex(self.day.findData(birthday.day))
            self.leap.setChecked(birthday.leap_month)
        else:
            self.year.setValue(_NO_YEAR)
            self.leap.setChecked(False)


class ProfileForm(QWidget):
    """Every profile field of one customer, then the seller's own fields; errors under each field.

    Signals:
        edited(): the user changed any field.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors: dict[str, FieldError] = {}
        self._fields: dict[str, QWidget] = {}
        self._custom_defs: list[FieldDef] = []
        self._custom_rows: list[QWidget] = []
        self._custom_widgets: dict[int, QWidget] = {}
        self._loaded_custom: dict[int, str] = {}
        self.general_error = FieldError()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self._build()

    # ---- building ------------------------------------------------------------------------------

    def _section(self, title: str) -> QLabel:
        label = QLabel(title)
        label.setObjectName("formSection")
        label.setStyleSheet("font-weight: bold; font-size: 14px; padding-top: 10px;")
        self.form.addRow(label)
        return label

    def _row(self, key: str, label: str, widget: QWidget) -> QWidget:
        """Add `widget` with its FieldError underneath; returns the row's container."""
        container, self._errors[key] = with_error(widget)
        self._fields[key] = widget
        self.form.addRow(label, container)
        return container

    def _line(self, key: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.edited)
        self._row(key, label, edit)
        return edit

    def _combo(self, items: list[tuple[str, object]], editable: bool = False) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(editable)
        for text, data in items:
            combo.addItem(text, data)
        combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
        if editable:
            combo.editTextChanged.connect(lambda _t: self.edited.emit())
        return combo

    def _build(self) -> None:
        self._section(tr("基本信息"))
        self.remark_name = self._line("remark_name", tr("备注名 *"), tr("你在微信里给TA的备注，如“张姐-美容”"))
        self.real_name = self._line("real_name", tr("真实姓名"))
        self.gender = self._combo([(tr("未填"), ""), (tr("男"), "男"), (tr("女"), "女")])
        self._row("gender", tr("性别"), self.gender)
        self.birthday = BirthdayEdit()
        self.birthday.changed.connect(self.edited)
        self._row("birthday", tr("生日"), self.birthday)
        self.phone = self._line("phone", tr("手机"), tr("如 138 0013 8000"))
        self.city = self._line("city", tr("城市"))
        self.address = self._line("address", tr("地址"))
        self.occupation = self._line("occupation", tr("职业"))

        self._section(tr("微信"))
        self.wechat_id = self._line("wechat_id", tr("微信号"))
        self.nickname = self._line("nickname", tr("微信昵称"))
        self.account = self._combo([(tr("未指定"), None)])
        self._row("wechat_account_id", tr("我的微信号"), self.account)

        self._section(tr("经营"))
        self.source = self._combo([("", "")] + [(tr(s), s) for s in SOURCES], editable=True)
        self.source.lineEdit().setPlaceholderText(tr("选一个或直接输入"))
        self._row("source", tr("来源渠道"), self.source)
        self.added_on = QDateEdit()
        self.added_on.setCalendarPopup(True)
        self.added_on.setDisplayFormat("yyyy-MM-dd")
        self.added_on.dateChanged.connect(lambda _d: self.edited.emit())
        self._row("added_on", tr("添加日期"), self.added_on)
        self.stage = self._combo([(tr("自动"), "")] + [(tr(s), s) for s in STAGES])
        self.stage.setToolTip(tr("阶段按购买记录自动计算；选一个阶段就固定为手动设置"))
        self._row("stage_override", tr("阶段"), self.stage)
        self.member_level = self._line("member_level", tr("会员等级"), tr("如 金卡、VIP1"))
        self._custom_title = self._section(tr("我的字段"))
        self._custom_title.hide()

    def set_choices(self, accounts: list[AccountInfo], fields: list[FieldDef]) -> None:
        """Refill 我的微信号 and rebuild the custom fields, keeping what is typed in them."""
        current = self.value()
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem(tr("未指定"), None)
        for account in accounts:
            label = f"{account.name}（{account.wechat_id}）" if account.wechat_id else account.name
            self.account.addItem(label, account.id)
        self.account.blockSignals(False)
        for container in self._custom_rows:
            self.form.removeRow(container)
        for spec in self._custom_defs:
            self._errors.pop(spec.key, None)
            self._fields.pop(spec.key, None)
        self._custom_rows, self._custom_widgets, self._custom_defs = [], {}, list(fields)
        self._custom_title.setVisible(bool(fields))
        for spec in fields:
            widget = self._custom_widget(spec)
            self._custom_widgets[spec.id] = widget
            self._custom_rows.append(self._row(spec.key, spec.name, widget))
        self._set_account(current.wechat_account_id)
        for field_id, text in current.custom.items():
            self._set_custom(field_id, text)

    def _custom_widget(self, spec: FieldDef) -> QWidget:
        if spec.kind == "date":
            edit = OptionalDateEdit()
            edit.changed.connect(self.edited)
            return edit
        if spec.kind == "choice":
            return self._combo([(tr("未填"), "")] + [(c, c) for c in spec.choices])
        if spec.kind == "bool":
            return self._combo([(tr("未填"), ""), (tr("是"), "1"), (tr("否"), "0")])
        line = QLineEdit()
        if spec.kind == "number":
            line.setPlaceholderText(tr("数字"))
        line.textChanged.connect(self.edited)
        return line

    # ---- values --------------------------------------------------------------------------------

    def load(self, data: CustomerInput, computed_stage: str | None) -> None:
        """Show a customer (`computed_stage` None for a new one)."""
        self.clear_errors()
        for name in ("remark_name", "real_name", "wechat_id", "nickname", "phone", "city", "address",
                     "occupation", "member_level"):
            getattr(self, name).setText(getattr(data, name))
        self.gender.setCurrentIndex(max(self.gender.findData(data.gender), 0))
        self.birthday.set_value(data.birthday)
        self._set_account(data.wechat_account_id)
        self.source.setCurrentText(data.source)
        self.added_on.setMaximumDate(QDate.currentDate())
        self.added_on.setDate(QDate(data.added_on or date.today()))
        auto = tr("自动（当前：{stage}）", stage=tr(computed_stage)) if computed_stage else tr("自动")
        self.stage.setItemText(0, auto)
        self.stage.setCurrentIndex(max(self.stage.findData(data.stage_override), 0))
        self._loaded_custom = dict(data.custom)
        for spec in self._custom_defs:
            self._set_custom(spec.id, data.custom.get(spec.id, ""))

    def _set_account(self, account_id: int | None) -> None:
        self.account.setCurrentIndex(max(self.account.findData(account_id), 0))

    def _set_custom(self, field_id: int, text: str) -> None:
        widget = self._custom_widgets.get(field_id)
        if isinstance(widget, OptionalDateEdit):
            try:
                widget.set_value(date.fromisoformat(text) if text else None)
            except ValueError:
                widget.set_value(None)
        elif isinstance(widget, QComboBox):
            if widget.findData(text) < 0:  # a choice since removed from the field: keep showing it
                widget.addItem(text, text)
            widget.setCurrentIndex(widget.findData(text))
        elif isinstance(widget, QLineEdit):
            widget.setText(text)

    def _custom_text(self, widget: QWidget) -> str:
        if isinstance(widget, OptionalDateEdit):
            value = widget.value()
            return value.isoformat() if value else ""
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def value(self) -> CustomerInput:
        custom = {}
        for field_id, widget in self._custom_widgets.items():
            text = self._custom_text(widget)
            if text or field_id in self._loaded_custom:  # no empty rows for fields never filled
                custom[field_id] = text
        return CustomerInput(
            remark_name=self.remark_name.text(), real_name=self.real_name.text(),
            wechat_id=self.wechat_id.text(), nickname=self.nickname.text(),
            wechat_account_id=self.account.currentData(), phone=self.phone.text(),
            gender=self.gender.currentData(), birthday=self.birthday.value(), city=self.city.text(),
            address=self.address.text(), occupation=self.occupation.text(),
            source=self.source.currentText(), added_on=self.added_on.date().toPython(),  # type: ignore[arg-type]
            stage_override=self.stage.currentData(), member_level=self.member_level.text(),
            custom=custom,
        )

    # ---- errors --------------------------------------------------------------------------------

    def error_label(self, key: str) -> FieldError:
        return self._errors[key]

    def clear_errors(self) -> None:
        for label in (*self._errors.values(), self.general_error):
            label.show_message("")

    def show_errors(self, errors: dict[str, str]) -> QWidget | None:
        """Show each message under its field; return the first field with an error."""
        self.clear_errors()
        unplaced = [message for key, message in errors.items() if key not in self._errors]
        for key, message in errors.items():
            if key in self._errors:
                self._errors[key].show_message(message)
        self.general_error.show_message("\n".join(unplaced))
        for key in self._fields:  # in form order
            if key in errors:
                return self._fields[key]
        return None
