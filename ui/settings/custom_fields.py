"""自定义字段: the seller's own fields (肤质, 车型 …) — name, kind, choices, shown in the list or not."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.custom_fields import KIND_LABELS, FieldDef, delete_field, list_fields, save_field
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.settings.form import (
    FormDialog,
    Section,
    button_row,
    danger_button,
    make_table,
    open_dialog,
    section_header,
    selected_keys,
    table_item,
)
from ui.widgets import EmptyState


def kind_label(kind: str) -> str:
    return tr(KIND_LABELS.get(kind, kind))


class FieldDialog(FormDialog):
    """Add or edit a custom field; the choices box shows only for 单选."""

    def __init__(self, ctx: AppContext, field: FieldDef | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑字段") if field else tr("添加字段"), parent)
        self.field = field
        self.name = QLineEdit(field.name if field else "")
        self.name.setPlaceholderText(tr("如：肤质、车型、茶叶偏好"))
        self.kind = QComboBox()
        for kind in KIND_LABELS:
            self.kind.addItem(kind_label(kind), kind)
        if field is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(field.kind), 0))
        self.choices = QPlainTextEdit("\n".join(field.choices) if field else "")
        self.choices.setPlaceholderText(tr("每行一个选项，例如：\n干性\n油性\n混合性"))
        self.choices.setFixedHeight(110)
        self.show_in_list = QCheckBox(tr("在客户列表中显示为一列"))
        self.show_in_list.setChecked(bool(field and field.show_in_list))
        self.add_field("name", tr("字段名"), self.name)
        self.add_field("kind", tr("类型"), self.kind)
        self.add_field("choices", tr("选项"), self.choices)
        self.add_field("show_in_list", tr("在列表中显示"), self.show_in_list)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        is_choice = self.kind.currentData() == "choice"
        self.form.setRowVisible(2, is_choice)

    def choice_lines(self) -> list[str]:
        return [line.strip() for line in self.choices.toPlainText().splitlines() if line.strip()]

    def save(self, session: Session) -> None:
        kind = str(self.kind.currentData())
        save_field(session, self.name.text(), kind, self.choice_lines() if kind == "choice" else [],
                   self.show_in_list.isChecked(), field_id=self.field.id if self.field else None)


class FieldsSection(Section):
    """The list of custom fields with add / edit / delete."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.fields: list[FieldDef] = []
        self.dialog: FieldDialog | None = None

        self.add_button = QPushButton(tr("添加字段"))
        self.edit_button = QPushButton(tr("编辑"))
        self.delete_button = danger_button(tr("删除"))
        self.table = make_table([tr("字段名"), tr("类型"), tr("在列表中显示"), tr("选项")])
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(1, 100)
        self.table.setColumnWidth(2, 120)
        self.empty = EmptyState(
            tr("还没有自定义字段"),
            tr("客户资料里想多记点什么？点“添加字段”，例如 肤质（单选：干性/油性/混合性）、车型、茶叶偏好。"))
        empty_add = self.empty.add_button(tr("添加字段"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("自定义字段"), tr(
            "给客户资料加上你的行业需要的字段；可以按它们筛选，勾选的字段会显示在客户列表里。")))
        layout.addLayout(button_row(self.add_button, self.edit_button, self.delete_button))
        layout.addWidget(self.stack, 1)

        self.add_button.clicked.connect(lambda: self.open_editor(None))
        empty_add.clicked.connect(lambda: self.open_editor(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.watch(ctx.settings_changed)

    def load(self) -> None:
        keep = self.selected()
        self.table.clearSelection()
        with self.ctx.session() as session:
            self.fields = list_fields(session)
        self.table.setRowCount(len(self.fields))
        for row, field in enumerate(self.fields):
            self.table.setItem(row, 0, table_item(field.name, field.id))
            self.table.setItem(row, 1, table_item(kind_label(field.kind)))
            self.table.setItem(row, 2, table_item(tr("显示") if field.show_in_list else tr("—")))
            self.table.setItem(row, 3, table_item(" / ".join(field.choices)))
            if keep and keep.id == field.id:
                self.table.selectRow(row)
        self.stack.setCurrentWidget(self.table if self.fields else self.empty)
        for button in (self.edit_button, self.delete_button):
            button.setVisible(bool(self.fields))
        self._update_buttons()

    def selected(self) -> FieldDef | None:
        ids = selected_keys(self.table)
        return next((f for f in self.fields if ids and f.id == ids[0]), None)

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def open_editor(self, field: FieldDef | None) -> FieldDialog:
        self.dialog = FieldDialog(self.ctx, field, self)
        open_dialog(self.dialog, self.ctx.settings_changed.emit)
        return self.dialog

    def edit_selected(self) -> None:
        field = self.selected()
        if field is not None:
            self.open_editor(field)

    def delete_selected(self) -> None:
        field = self.selected()
        if field is None:
            return
        text = tr("删除字段“{name}”？\n\n所有客户在这个字段里填的内容都会一起删除，无法恢复。", name=field.name)
        if not confirm(self, tr("删除字段"), text, tr("删除")):
            return
        try:
            with self.ctx.session() as session:
                delete_field(session, field.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.settings_changed.emit()
        self.ctx.customers_changed.emit([])  # their values are gone from every customer
