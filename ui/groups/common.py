"""Small pieces the 社群 page's parts share: running a dialog, copying text, colours, filters."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from services.accounts import list_accounts
from ui.context import AppContext
from ui.i18n import tr

KIND_COLORS = {"引流群": "#00897b", "福利群": "#e65100", "快闪群": "#c2185b", "VIP群": "#6a1b9a", "服务群": "#1565c0"}
STAGE_COLORS = {"初建期": "#0288d1", "激活期": "#00897b", "留存期": "#f9a825", "变现期": "#e65100", "传播期": "#6a1b9a"}
OVERDUE_COLOR, DONE_COLOR, TODAY_COLOR = "#d32f2f", "#9e9e9e", "#f57c00"


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Signals of these widgets off while filling them in."""
    before = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, before, strict=True):
            o.blockSignals(was)


def run_dialog(dialog: QDialog) -> bool:
    """Show a dialog modally; True when accepted. (Tests replace this to fill dialogs in.)"""
    return dialog.exec() == QDialog.DialogCode.Accepted


def copy_text(ctx: AppContext, text: str, what: str) -> None:
    """Put `text` on the clipboard and say so in the status bar."""
    QGuiApplication.clipboard().setText(text)
    ctx.status_message.emit(tr("已复制{what}，可以粘贴到微信了", what=what) if text else tr("{what}是空的", what=what))


def chip(text: str, color: str) -> str:
    return (f'<span style="background-color:{color}; color:white;">&nbsp;{html.escape(text)}&nbsp;</span>')


def date_edit(day: date | None = None, *, parent: QWidget | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(day or date.today()), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def qdate(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def fill_account_combo(ctx: AppContext, combo: QComboBox, *, everyone: str) -> None:
    """全部微信号 / each of the seller's accounts (data = id; None for all)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everyone, None)
    with ctx.session() as session:
        for account in list_accounts(session, counts=False):
            combo.addItem(account.name, account.id)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def set_row(table: QTableWidget, row: int, cells: Iterable[str], data: object = None,
            color: str | None = None) -> None:
    """Fill a read-only row; the first cell keeps `data` (an id)."""
    for column, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if column == 0 and data is not None:
            item.setData(Qt.ItemDataRole.UserRole, data)
        if color:
            item.setForeground(QColor(color))
        table.setItem(row, column, item)


def select_row(table: QTableWidget, row: int) -> None:
    """Select exactly this row and make it current (QTableView.selectRow toggles when Ctrl is down)."""
    index = table.model().index(row, 0)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().setCurrentIndex(index, flags)
    table.scrollTo(index)


def row_data(table: QTableWidget, row: int) -> object:
    item = table.item(row, 0)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def selected_rows(table: QTableWidget) -> list[int]:
    return sorted({index.row() for index in table.selectionModel().selectedRows()})


class ColorDelegate(QStyledItemDelegate):
    """Paints an item's text in its own foreground colour and font: the theme's stylesheet gives every
    item one colour, which would hide overdue reds and stage colours."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if brush is None or option.state & QStyle.StateFlag.State_Selected:  # type: ignore[attr-defined]
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text  # type: ignore[attr-defined]
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        painter.save()
        painter.setFont(opt.font)  # type: ignore[attr-defined]
        painter.setPen(brush.color() if isinstance(brush, QBrush) else QColor(brush))
        elided = QFontMetrics(opt.font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())  # type: ignore[attr-defined]
        painter.drawText(rect, int(opt.displayAlignment) | int(Qt.AlignmentFlag.AlignVCenter), elided)  # type: ignore[attr-defined]
        painter.restore()


def prepare_table(table: QTableWidget, headers: list[str]) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setWordWrap(False)
    table.setItemDelegate(ColorDelegate(table))
