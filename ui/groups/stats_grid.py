"""群日数据: a quick grid — one row per day, one column per number. Type and press Tab (right) or Enter
(down); paste a block copied from Excel at the current cell; Ctrl+S saves. 群人数 left empty is worked
out from the day before (+ 进群 − 退群). Bad cells turn red with the reason; nothing is saved until all
are right. Under the grid, the period's metrics."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import group_metrics as gm
from services.group_metrics import STAT_LABELS, DayStat
from services.groups import list_groups
from services.sop import WEEKDAYS
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.groups import common
from ui.groups.common import TODAY_COLOR
from ui.i18n import tr
from ui.widgets import FieldError

KEYS = list(STAT_LABELS)
BAD = QColor(211, 47, 47, 60)


def money_text(cents: int) -> str:
    """12800 → "128", 12850 → "128.50" (yuan, as typed back in)."""
    return str(cents // 100) if cents % 100 == 0 else f"{cents / 100:.2f}"


class StatsTable(QTableWidget):
    """Enter moves down (Tab moves right, as usual); Ctrl+V pastes a block from Excel.

    Signals:
        pasted(): cells were filled from the clipboard.
    """

    pasted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            row, column = self.currentRow(), self.currentColumn()
            if row + 1 < self.rowCount():
                self.setCurrentCell(row + 1, column)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != QAbstractItemView.State.EditingState:
            for item in self.selectedItems():
                item.setText("")
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Enter while typing: commit, then go down a row (Tab keeps going right)."""
        moving_down = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if moving_down else hint)
        if moving_down and self.currentRow() + 1 < self.rowCount():
            self.setCurrentCell(self.currentRow() + 1, self.currentColumn())

    def paste(self, text: str) -> int:
        """Fill cells from tab-separated text (what Excel copies), starting at the current cell."""
        lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        start_row, start_column = max(self.currentRow(), 0), max(self.currentColumn(), 0)
        filled = 0
        for r, line in enumerate(lines):
            for c, cell in enumerate(line.split("\t")):
                row, column = start_row + r, start_column + c
                if row < self.rowCount() and column < self.columnCount():
                    self.item(row, column).setText(cell.strip())
                    filled += 1
        if filled:
            self.pasted.emit()
        return filled


class StatsGrid(QWidget):
    """Signals:
        saved(int): a group's stats were saved (its id).
    """

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loading = False
        self.dirty = False
        self.group = QComboBox()
        self.group.currentIndexChanged.connect(lambda _i: self._group_changed())
        self.days = QSpinBox()
        self.days.setRange(7, 120)
        self.days.setValue(14)
        self.days.setPrefix(tr("最近 "))
        self.days.setSuffix(tr(" 天"))
        self.days.valueChanged.connect(lambda _v: self._group_changed())
        self.save_button = QPushButton(tr("保存"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(tr("放弃修改"))
        self.revert_button.clicked.connect(self.load)
        hint = QLabel(tr("Tab 向右、回车向下；可以从 Excel 复制一块粘贴进来；群人数空着会按前一天人数 + 进群 − 退群自动算。"))
        hint.setStyleSheet("color: #888;")
        hint.setWordWrap(True)
        self.table = StatsTable()
        self.table.setObjectName("statsGrid")
        self.table.setColumnCount(len(KEYS))
        self.table.setHorizontalHeaderLabels([tr(STAT_LABELS[k]) for k in KEYS])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        self.error = FieldError()
        self.metrics = QLabel()
        self.metrics.setObjectName("gridMetrics")
        self.metrics.setWordWrap(True)
        self.metrics.setTextFormat(Qt.TextFormat.RichText)
        self.empty = QLabel(tr("还没有群：先在“群”里新建一个群，再来记每天的数据。"))
        self.empty.setStyleSheet("color: #888; padding: 16px;")
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("群")))
        top.addWidget(self.group, 1)
        top.addWidget(self.days)
        top.addStretch(1)
        top.addWidget(self.revert_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.metrics)
        layout.addWidget(self.empty)
        save = QAction(self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.triggered.connect(self.save)
        self.addAction(save)
        self.refresh_groups()

    def refresh_groups(self, select: int | None = None) -> None:
        current = select if select is not None else self.group.currentData()
        with common.blocked(self.group):
            self.group.clear()
            with self.ctx.session() as session:
                for row in list_groups(session, "active"):
                    self.group.addItem(f"{row.name}（{tr(row.kind)}）", row.id)
            self.group.setCurrentIndex(max(self.group.findData(current), 0))
        has = self.group.count() > 0
        for widget in (self.table, self.save_button, self.revert_button, self.days, self.group, self.metrics):
            widget.setVisible(has)
        self.empty.setVisible(not has)
        self.load()

    def show_group(self, group_id: int) -> None:
        index = self.group.findData(group_id)
        if index >= 0:
            self.group.setCurrentIndex(index)

    def _group_changed(self) -> None:
        if self.dirty and not confirm(self, tr("放弃修改"), tr("刚才录入的数据还没保存，放弃吗？"), tr("放弃")):
            return
        self.load()

    def period(self) -> list[date]:
        today = date.today()
        return [today - timedelta(days=n) for n in reversed(range(self.days.value()))]

    def load(self) -> None:
        group_id = self.group.currentData()
        days = self.period()
        stats: dict[date, DayStat] = {}
        if group_id is not None:
            with self.ctx.session() as session:
                stats = {s.day: s for s in gm.stats_between(session, group_id, days[0], days[-1])}
        self.loading = True
        self.table.setRowCount(len(days))
        self.table.setVerticalHeaderLabels([f"{d:%m-%d} {tr(WEEKDAYS[d.weekday()])}" for d in days])
        for row, day in enumerate(days):
            stat = stats.get(day)
            for column, key in enumerate(KEYS):
                value = getattr(stat, key) if stat else None
                text = "" if value is None or stat is None else money_text(value) if key in gm.MONEY_FIELDS \
                    else str(value)
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            header = self.table.verticalHeaderItem(row)
            if header is not None and day == date.today():
                header.setForeground(QColor(TODAY_COLOR))
        self.loading = False
        self.dirty = False
        self.revert_button.setEnabled(False)
        self.error.show_message("")
        self.table.setCurrentCell(len(days) - 1, 0)
        self.table.scrollToBottom()
        self._show_metrics(list(stats.values()))

    def _edited(self, item: QTableWidgetItem) -> None:
        if self.loading:
            return
        self.dirty = True
        self.revert_button.setEnabled(True)
        item.setBackground(QBrush())
        item.setToolTip("")

    def rows(self) -> tuple[list[DayStat], list[str]]:
        """The grid as DayStats, and the problems (“11-24 进群：…”), cells marked red."""
        stats, problems = [], []
        with common.blocked(self.table):  # marking a cell is not an edit
            for row, day in enumerate(self.period()):
                stats.append(self._row(row, day, problems))
        self.table.viewport().update()
        return stats, problems

    def _row(self, row: int, day: date, problems: list[str]) -> DayStat:
        """One day's cells read, the bad ones marked red with the reason."""
        values: dict[str, int | None] = {}
        for column, key in enumerate(KEYS):
            item = self.table.item(row, column)
            try:
                values[key] = gm.parse_stat_cell(key, item.text() if item else "")
            except ValueError as exc:
                problems.append(f"{day:%m-%d} {exc}")
                if item is not None:
                    item.setBackground(QBrush(BAD))
                    item.setToolTip(str(exc))
        return DayStat(day, **values)  # type: ignore[arg-type]

    def save(self) -> bool:
        group_id = self.group.currentData()
        if group_id is None:
            return False
        stats, problems = self.rows()
        if problems:
            shown = "\n".join(problems[:5]) + (tr("\n…还有 {n} 处", n=len(problems) - 5) if len(problems) > 5 else "")
            self.error.show_message(tr("有 {n} 处填得不对，改好后再保存：\n{list}", n=len(problems), list=shown))
            return False
        try:
            with self.ctx.session() as session:
                count = gm.save_stats(session, group_id, stats)
        except Exception as exc:
            show_error(self, exc)
            return False
        self.load()
        self.ctx.status_message.emit(tr("已保存 {n} 天的群数据", n=count))
        self.saved.emit(group_id)
        return True

    def _show_metrics(self, stats: list[DayStat]) -> None:
        metrics = gm.metrics_of(gm.totals_of(stats))
        parts = [f"{tr(gm.METRIC_LABELS[k])} <b>{gm.format_metric(k, getattr(metrics, k))}</b>" for k in gm.METRIC_KEYS]
        self.metrics.setText(tr("这 {n} 天：", n=self.days.value()) + "　".join(parts))
        self.metrics.setToolTip("\n".join(f"{tr(gm.METRIC_LABELS[k])} = {tr(gm.METRIC_HINTS[k])}" for k in gm.METRIC_KEYS))
