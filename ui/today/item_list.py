"""The grouped list of Today: a header per group with its count, the items under it, overdue in red.

Each group shows its first `SHOWN` items and a "显示全部" row for the rest, so that every group is in
view at once (and a large store's thousands of items do not take seconds to build). A group the
seller opened in full stays open across refreshes.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from services.today import TodayGroup, TodayItem, TodayList
from ui.customers.tag_picker import color_dot
from ui.i18n import tr

SHOWN = 6  # per group at first: every group is in view; "显示全部" opens the rest
OVERDUE = QColor("#d32f2f")
MUTED = QColor("#888888")
KIND_COLORS = {"follow_up": "#26a69a", "journey": "#5c6bc0", "birthday": "#ec407a", "repurchase": "#ef6c00",
               "tier_up": "#b8860b", "post": "#7cb342", "group_task": "#8d6e63",
               "care": "#d81b60", "like": "#29b6f6"}
ROLE = Qt.ItemDataRole.UserRole


class ColoredTextDelegate(QStyledItemDelegate):
    """Draws an item's text in its ForegroundRole colour: the theme's style sheet (qt-material) sets a
    text colour for every item, which would otherwise win over red for "overdue"."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if not isinstance(brush, QBrush):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        painter.save()
        painter.setPen(brush.color())
        painter.setFont(opt.font)
        painter.drawText(rect, int(opt.displayAlignment) | int(Qt.AlignmentFlag.AlignVCenter),
                         opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


class TodayTree(QTreeWidget):
    """The items of one day, by group.

    Signals:
        open_requested(object): Enter / double-click on an item (the TodayItem).
        done_requested(object): Space or D.
        snooze_requested(object, QPoint): S — where to show the snooze menu.
        copy_requested(object): C — copy the item's script.
    """

    open_requested = Signal(object)
    done_requested = Signal(object)
    snooze_requested = Signal(object, QPoint)
    copy_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayList")
        self.setStyleSheet("QTreeView#todayList::item { min-height: 24px; padding: 1px 4px; }")  # denser than
        # qt-material's 36 px rows: more of the day's groups in view at once
        self.setItemDelegate(ColoredTextDelegate(self))
        self.setColumnCount(4)
        self.setHeaderLabels([tr("客户"), tr("事项"), tr("说明"), tr("日期")])
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 190)
        self.setColumnWidth(1, 210)
        self.setColumnWidth(3, 100)
        self.itemActivated.connect(self._activated)
        self.groups: tuple[TodayGroup, ...] = ()
        self.opened_in_full: set[str] = set()
        self.icons = {kind: color_dot(color, 10) for kind, color in KIND_COLORS.items()}

    def show_list(self, result: TodayList, keep_key: str | None = None) -> None:
        """Fill the tree; keep the selection on `keep_key`, or on the row that took its place."""
        expanded = {self.topLevelItem(i).data(0, ROLE): self.topLevelItem(i).isExpanded()
                    for i in range(self.topLevelItemCount())}
        old_row = self._row_of_current()
        self.clear()
        self.groups = result.groups
        bold = QFont(self.font())
        bold.setBold(True)
        for group in result.groups:
            head = QTreeWidgetItem([f"{group.title}（{len(group.items)}）"])
            head.setData(0, ROLE, group.key)
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if group.key == "overdue":
                head.setForeground(0, QBrush(OVERDUE))
            self.addTopLevelItem(head)
            head.setFirstColumnSpanned(True)
            limit = len(group.items) if group.key in self.opened_in_full else SHOWN
            self._add_items(head, group.items[:limit])
            if len(group.items) > limit:
                more = QTreeWidgetItem([tr("还有 {n} 项… 双击或按 Enter 显示全部", n=len(group.items) - limit)])
                more.setData(0, ROLE, f"more:{group.key}")
                more.setForeground(0, QBrush(MUTED))
                head.addChild(more)
                more.setFirstColumnSpanned(True)  # (only once it is in the tree)
            head.setExpanded(expanded.get(group.key, True))
        self._reselect(keep_key, old_row)

    def _add_items(self, head: QTreeWidgetItem, items: tuple[TodayItem, ...] | list[TodayItem]) -> None:
        rows = []
        for item in items:
            row = QTreeWidgetItem([item.customer_name or "", item.title, item.detail, item.due.isoformat()])
            row.setIcon(0, self.icons.get(item.kind, QIcon()))
            row.setData(0, ROLE, item)
            row.setToolTip(2, item.detail)
            row.setToolTip(1, item.title)
            if item.overdue:
                row.setForeground(3, QBrush(OVERDUE))
                row.setForeground(2, QBrush(OVERDUE))
            rows.append(row)
        head.addChildren(rows)

    def _row_of_current(self) -> tuple[int, int] | None:
        current = self.currentItem()
        parent = current.parent() if current is not None else None
        if current is None or parent is None:
            return None
        return self.indexOfTopLevelItem(parent), parent.indexOfChild(current)

    def _reselect(self, keep_key: str | None, old_row: tuple[int, int] | None) -> None:
        if keep_key:
            for row in self.item_rows():
                item = row.data(0, ROLE)
                if item.key == keep_key:
                    self.setCurrentItem(row)
                    return
        if old_row is not None and self.topLevelItemCount():
            group = self.topLevelItem(min(old_row[0], self.topLevelItemCount() - 1))
            if group.childCount():
                self.setCurrentItem(group.child(min(old_row[1], group.childCount() - 1)))
                return
        self.select_first()

    def select_first(self) -> None:
        rows = self.item_rows()
        if rows:
            self.setCurrentItem(rows[0])

    def item_rows(self) -> list[QTreeWidgetItem]:
        rows = []
        for g in range(self.topLevelItemCount()):
            group = self.topLevelItem(g)
            rows += [group.child(c) for c in range(group.childCount())
                     if isinstance(group.child(c).data(0, ROLE), TodayItem)]
        return rows

    def current_item(self) -> TodayItem | None:
        row = self.currentItem()
        item = row.data(0, ROLE) if row is not None else None
        return item if isinstance(item, TodayItem) else None

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        data = row.data(0, ROLE)
        if isinstance(data, TodayItem):
            self.open_requested.emit(data)
        elif isinstance(data, str) and data.startswith("more:"):
            self._show_all(row, data.split(":", 1)[1])

    def _show_all(self, more: QTreeWidgetItem, key: str) -> None:
        group = next((g for g in self.groups if g.key == key), None)
        head = more.parent()
        if group is None or head is None:
            return
        head.removeChild(more)
        self._add_items(head, group.items[head.childCount():])
        self.opened_in_full.add(key)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.current_item()
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._activated(self.currentItem(), 0)
        elif item is not None and key in (Qt.Key.Key_Space, Qt.Key.Key_D):
            self.done_requested.emit(item)
        elif item is not None and key == Qt.Key.Key_S:
            rect = self.visualItemRect(self.currentItem())
            self.snooze_requested.emit(item, self.viewport().mapToGlobal(rect.bottomLeft()))
        elif item is not None and key == Qt.Key.Key_C and not event.modifiers():
            self.copy_requested.emit(item)
        else:
            super().keyPressEvent(event)  # arrows move; double-click activates
