"""关怀 dialogs: one care entry (add / edit), and a client's year of care ("what did I do for 李娜 this
year?") with add, edit and delete.

    CareEntryDialog(ctx, customer_id=None, care_id=None)  a known customer, or a CustomerChooser
    CareYearDialog(ctx, customer_id)                      the year view the customer detail opens

Signals (both):
    saved(int): an entry was saved (its id) — or, for the year view, anything changed (the customer's id).
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
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import care
from services.errors import ValidationError
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.widgets import FieldError

COLUMNS = ("日期", "类型", "花费", "备注")


def yuan_text(cents: int) -> str:
    return "" if not cents else f"{cents / 100:.2f}".removesuffix(".00")


class CareEntryDialog(QDialog):
    saved = Signal(int)

    def __init__(self, ctx: AppContext, customer_id: int | None = None, care_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.care_id = care_id
        self.setWindowTitle(tr("编辑关怀记录") if care_id else tr("记一笔关怀"))
        self.setMinimumWidth(460)
        self.customer_id = customer_id
        self.customer_label = QLabel()
        self.customer_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.customer_label.setTextFormat(Qt.TextFormat.PlainText)
        self.chooser = None
        self.given_on = QDateEdit(QDate.currentDate())
        self.given_on.setCalendarPopup(True)
        self.given_on.setDisplayFormat("yyyy-MM-dd")
        self.given_on.setMaximumDate(QDate.currentDate())
        self.kind = QComboBox()
        for key, label in care.KIND_LABELS.items():
            self.kind.addItem(tr(label), key)
        self.cost = QLineEdit()
        self.cost.setPlaceholderText(tr("单位元，如 588；不花钱就空着"))
        self.note = QLineEdit()
        self.note.setObjectName("careNote")
        self.note.setPlaceholderText(tr("送了什么、做了什么，如：中秋月饼礼盒、上门帮忙装茶台"))
        self.errors = {key: FieldError() for key in ("customer", "given_on", "kind", "cost")}
        form = QFormLayout()
        if customer_id is None and care_id is None:
            from ui.library.picker import CustomerChooser

            self.chooser = CustomerChooser(ctx)
            self.chooser.hint.setText(tr("搜索并选中一位客户"))
            self.chooser.chosen.connect(self._chosen)
            form.addRow(tr("客户"), self.chooser)
        else:
            form.addRow(tr("客户"), self.customer_label)
        form.addRow("", self.errors["customer"])
        form.addRow(tr("日期"), self.given_on)
        form.addRow("", self.errors["given_on"])
        form.addRow(tr("类型"), self.kind)
        form.addRow(tr("花费"), self.cost)
        form.addRow("", self.errors["cost"])
        form.addRow(tr("备注"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        with self.ctx.session() as session:
            if self.care_id is not None:
                entry = care.get_care(session, self.care_id)
                self.customer_id = entry.customer_id
                self.given_on.setDate(QDate(entry.given_on.year, entry.given_on.month, entry.given_on.day))
                self.kind.setCurrentIndex(max(self.kind.findData(entry.kind), 0))
                self.cost.setText(yuan_text(entry.cost_cents))
                self.note.setText(entry.note)
            if self.customer_id is not None:
                from models import Customer

                customer = session.get(Customer, self.customer_id)
                self.customer_label.setText(customer.display_name if customer else "")
        (self.note if self.chooser is None else self.chooser.search).setFocus()

    def _chosen(self, customer_id: object) -> None:
        self.customer_id = customer_id if isinstance(customer_id, int) else None
        if self.customer_id is not None:
            self.note.setFocus()

    def save(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        picked = self.given_on.date()
        try:
            with self.ctx.session() as session:
                care_id = care.save_care(session, self.customer_id, date(picked.year(), picked.month(), picked.day()),
                                         self.kind.currentData(), self.cost.text(), self.note.text(), self.care_id)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                self.errors.get(key, self.errors["customer"]).show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.care_id = care_id
        self.saved.emit(care_id)
        if self.customer_id is not None:
            self.ctx.customers_changed.emit([self.customer_id])
        self.accept()


class CareYearDialog(QDialog):
    """What the seller did for one client, year by year: entries, their cost, add / edit / delete."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.entries: list[care.CareRow] = []
        self.dialog: QDialog | None = None
        self.setMinimumSize(640, 460)
        self.year = QComboBox()
        self.year.setObjectName("careYear")
        self.summary = QLabel()
        self.summary.setObjectName("careSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 15px;")
        self.spent = QLabel()
        self.spent.setObjectName("sectionHint")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("careYearTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(1, 70)
        self.table.setColumnWidth(2, 90)
        self.table.doubleClicked.connect(lambda _i: self.edit_entry())
        self.empty = QLabel(tr("这一年还没有记录。送过礼、上门拜访过、帮过忙，都记下来吧。"))
        self.empty.setObjectName("sectionHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_button = QPushButton(tr("记一笔关怀…"))
        self.add_button.setObjectName("addCare")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_entry)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.setToolTip("Delete")
        self.delete_button.setShortcut(Qt.Key.Key_Delete)
        self.delete_button.clicked.connect(self.delete_entry)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("年份")))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.spent)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(bottom)
        self._fill_years(date.today().year)
        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def done(self, result: int) -> None:
        self.table.blockSignals(True)  # no selection signals into a dialog being torn down
        self.year.blockSignals(True)
        super().done(result)

    def _fill_years(self, chosen: int) -> None:
        with self.ctx.session() as session:
            years = care.care_years(session, self.customer_id)
        self.year.blockSignals(True)
        self.year.clear()
        for year in years:
            self.year.addItem(tr("{year} 年", year=year), year)
        self.year.setCurrentIndex(max(self.year.findData(chosen), 0))
        self.year.blockSignals(False)

    def current_year(self) -> int:
        return int(self.year.currentData() or date.today().year)

    def reload(self) -> None:
        try:
            with self.ctx.session() as session:
                view = care.care_year(session, self.customer_id, self.current_year())
        except Exception as exc:
            show_error(self, exc)
            return
        self.setWindowTitle(tr("关怀记录 — {name}", name=view.customer_name))
        self.entries = list(view.entries)
        self.summary.setText(view.summary())
        self.spent.setText(tr("这一年TA在你这里消费 {money}", money=care.money(view.spent_cents)))
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            cells = (entry.given_on.isoformat(), entry.kind_label, care.money(entry.cost_cents) if entry.cost_cents
                     else "—", entry.note)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.entries))
        self.empty.setVisible(not self.entries)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current_entry() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def current_entry(self) -> care.CareRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def _open(self, dialog: CareEntryDialog) -> CareEntryDialog:
        dialog.saved.connect(self._after_save)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_entry(self) -> CareEntryDialog:
        return self._open(CareEntryDialog(self.ctx, self.customer_id, parent=self))

    def edit_entry(self) -> CareEntryDialog | None:
        entry = self.current_entry()
        return self._open(CareEntryDialog(self.ctx, care_id=entry.id, parent=self)) if entry else None

    def _after_save(self, care_id: int) -> None:
        with self.ctx.session() as session:
            year = care.get_care(session, care_id).given_on.year
        self._fill_years(year)
        self.reload()
        self.saved.emit(self.customer_id)

    def delete_entry(self) -> None:
        entry = self.current_entry()
        if entry is None or not confirm(self, tr("删除关怀记录"), tr(
                "删除这条关怀记录？\n\n{day} {kind} {note}\n\n删除后会放进回收站，可以恢复。", day=entry.given_on.isoformat(),
                kind=entry.kind_label, note=entry.note), tr("删除")):
            return
        try:
            with self.ctx.session() as session:
                care.trash_care(session, [entry.id])
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self.saved.emit(self.customer_id)
        self.ctx.customers_changed.emit([self.customer_id])
