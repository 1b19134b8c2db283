"""Pieces the settings sections share: the save-through-a-service dialog, section headings, tables."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.errors import UserError, ValidationError
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.widgets import FieldError


class Section(QWidget):
    """A settings section: reloads when the data it shows changes, at once if on screen, else when shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True

    def load(self) -> None:
        """Fill the section from the store (one session)."""
        raise NotImplementedError

    def reload(self) -> None:
        self.load()
        self._stale = False

    def mark_stale(self) -> None:
        """Reload the next time the section is shown."""
        self._stale = True

    def watch(self, *signals: SignalInstance) -> None:
        for signal in signals:
            signal.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)


class FormDialog(QDialog):
    """A dialog whose OK saves through a service in one session.

    A ValidationError puts each message next to its field and keeps the dialog open; any other
    UserError (a refusal such as "can't switch to single-choice") shows under the form. The
    service commits only when everything is valid, so nothing is ever half-saved.
    Subclasses add fields with `add_field` and implement `save(session)`; `refusal_field` names
    the field a refusal is about, to show it there instead.
    """

    refusal_field = ""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.errors: dict[str, FieldError] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(10)
        self.general_error = FieldError()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setText(tr("保存"))
        self.ok_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        """A labelled row: the widget with its own error message right under it."""
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        self.errors[key] = FieldError()
        column.addWidget(self.errors[key])
        self.form.addRow(label, cell)
        return widget

    def save(self, session: Session) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.show_message("")
        try:
            with self.ctx.session() as session:
                self.save(session)
        except ValidationError as exc:
            self.show_field_errors(exc.fields)
        except UserError as exc:
            self.errors.get(self.refusal_field, self.general_error).show_message(exc.message)
        except Exception as exc:  # a bug: logged, an apology shown
            show_error(self, exc)
        else:
            super().accept()

    def show_field_errors(self, fields: dict[str, str]) -> None:
        unplaced = []
        for key, message in fields.items():
            if key in self.errors:
                self.errors[key].show_message(message)
            else:
                unplaced.append(message)
        self.general_error.show_message("；".join(unplaced))


def open_dialog(dialog: QDialog, on_accepted: Callable[[], None]) -> QDialog:
    """Show a dialog window-modal without blocking (so tests can drive it); free it when closed."""
    dialog.accepted.connect(on_accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


def section_header(title: str, text: str) -> QWidget:
    """The heading of a settings section with a line saying what it is for."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 6)
    layout.setSpacing(4)
    heading = QLabel(title)
    heading.setObjectName("sectionTitle")
    heading.setStyleSheet("font-size: 18px; font-weight: bold;")
    hint = QLabel(text)
    hint.setWordWrap(True)
    hint.setObjectName("sectionHint")
    layout.addWidget(heading)
    layout.addWidget(hint)
    return box


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def danger_button(label: str) -> QPushButton:
    """A button for something that deletes (qt-material shows its `danger` class in red)."""
    button = QPushButton(label)
    button.setProperty("class", "danger")
    # qt-material keeps a disabled danger button red; grey it like the other disabled buttons.
    button.setStyleSheet("QPushButton:disabled { color: rgba(128, 128, 128, 0.45);"
                         " border-color: rgba(128, 128, 128, 0.25); }")
    return button


def make_table(headers: list[str], *, multi_select: bool = False) -> QTableWidget:
    """A read-only, row-selecting table whose last column stretches."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi_select
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def table_item(text: str, key: int | None = None, *, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if key is not None:
        item.setData(Qt.ItemDataRole.UserRole, key)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def selected_keys(table: QTableWidget) -> list[int]:
    """The ids (UserRole of column 0) of the selected rows, top to bottom."""
    rows = sorted({index.row() for index in table.selectionModel().selectedRows()})
    items = [table.item(row, 0) for row in rows]
    return [int(item.data(Qt.ItemDataRole.UserRole)) for item in items if item is not None]


def color_icon(color: str, size: int = 14) -> QIcon:
    """A round colour chip, for tags and tag groups in lists."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)
