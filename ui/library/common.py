"""Pieces the 素材话术 tabs share: the category side list, placeholder highlighting, dialogs shown
without blocking, and copying with a status-bar note."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QListWidget, QListWidgetItem, QTableWidget, QWidget

from models.library import PLACEHOLDERS
from ui.context import AppContext
from ui.i18n import tr

TRASH = "\x00trash"  # the category list's 回收站 entry
ALL = "\x00all"
UNCATEGORISED = ""
PLACEHOLDER_COLOR = "#1565c0"
FILLED_COLOR = "#2e7d32"
GAP_BACKGROUND = "#ffcdd2"
GAP_COLOR = "#b71c1c"
PLACEHOLDER_HINTS = {
    "{称呼}": "怎么称呼TA：王姐、李先生；备注名本来就是“王总”“陈老师”的照用",
    "{姓名}": "真实姓名（没有时用像姓名的备注名）",
    "{产品}": "TA买得最多的商品",
    "{上次购买}": "最近一次购买，如“3月5日买的老白茶饼”",
}


def open_dialog(dialog: QDialog, on_accepted: Callable[[], None] | None = None) -> QDialog:
    """Show a dialog window-modal without blocking (so tests can drive it); freed when closed."""
    if on_accepted is not None:
        dialog.accepted.connect(on_accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


def set_column_widths(table: QTableWidget, widths: dict[int, int]) -> None:
    """Each column at least its given width and never narrower than its header's words (the theme's
    padding clips "使用次数" at 90 px)."""
    header = table.horizontalHeader()
    for column, width in widths.items():
        table.setColumnWidth(column, max(width, header.sectionSizeFromContents(column).width() + 6))


def copy_to_clipboard(ctx: AppContext, text: str, message: str) -> None:
    QGuiApplication.clipboard().setText(text)
    ctx.status_message.emit(message)


def body_html(body: str) -> str:
    """A script's text with its placeholders shown as blue chips (for previews)."""
    escaped = html.escape(body)
    for placeholder in PLACEHOLDERS:
        escaped = escaped.replace(
            placeholder, f'<span style="color:{PLACEHOLDER_COLOR}; font-weight:bold;">{placeholder}</span>')
    return escaped.replace("\n", "<br>")


def filled_html(segments: list[tuple[str, str, bool]]) -> str:
    """A filled script: the customer's values in green, the gaps (no value) on red."""
    parts = []
    for text, placeholder, is_gap in segments:
        escaped = html.escape(text).replace("\n", "<br>")
        if is_gap:
            parts.append(f'<span style="background-color:{GAP_BACKGROUND}; color:{GAP_COLOR}; font-weight:bold;">'
                         f"{escaped}</span>")
        elif placeholder:
            parts.append(f'<span style="color:{FILLED_COLOR}; font-weight:bold;">{escaped}</span>')
        else:
            parts.append(escaped)
    return "".join(parts)


class CategoryList(QListWidget):
    """全部, the categories with their counts, and 回收站 at the end.

    Signals:
        chosen(str): a category, ALL or TRASH.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryCategories")
        self.currentItemChanged.connect(self._changed)

    def fill(self, categories: list[tuple[str, int]], total: int, trashed: int) -> None:
        keep = self.current()
        self.blockSignals(True)
        self.clear()
        entries = [(ALL, tr("全部"), total)]
        entries += [(name, tr(name) if name else tr("未分类"), count) for name, count in categories]
        entries.append((TRASH, tr("回收站"), trashed))
        for key, label, count in entries:
            item = QListWidgetItem(f"{label}  ({count})" if count else label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            if key == TRASH or (key not in (ALL,) and not count):
                item.setForeground(Qt.GlobalColor.gray)
            self.addItem(item)
        self.blockSignals(False)
        self.select(keep if keep in [k for k, _l, _c in entries] else ALL, emit=False)

    def current(self) -> str:
        item = self.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ALL

    def select(self, key: str, *, emit: bool = True) -> None:
        for row in range(self.count()):
            if self.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.blockSignals(not emit)
                self.setCurrentRow(row)
                self.blockSignals(False)
                return

    def _changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.chosen.emit(str(current.data(Qt.ItemDataRole.UserRole)))
