"""The 预览 step of the import wizard: every row of the file, its cells editable, problems marked.

Made for 100,000 rows: the model holds the rows as the reader gave them (plain lists), one action
code per row and the problems of the rows that have any; "show only problems" is a list of row
positions, not a proxy. A cell edited in place is re-checked by the engine (one row), through the
`recheck` function the page hands in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.excel.engine import CheckedRow, RowProblem
from services.excel.values import cell_text
from ui.i18n import tr

Index = QModelIndex | QPersistentModelIndex
Recheck = Callable[[int, list[Any]], CheckedRow]  # (sheet row number, cells) → the row checked again

ERROR_BACKGROUND = QColor("#fde8e8")
ERROR_TEXT = QColor("#c62828")
ACTION_COLORS = {"create": QColor("#2e7d32"), "update": QColor("#1565c0"), "merge": QColor("#6a1b9a"),
                 "skip": QColor("#757575"), "error": ERROR_TEXT}


class MarkedCellDelegate(QStyledItemDelegate):
    """Paints a cell's own background and text colour (the theme's style sheet would override them)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        background = _brush(index.data(Qt.ItemDataRole.BackgroundRole))
        foreground = _brush(index.data(Qt.ItemDataRole.ForegroundRole))
        if background is None and foreground is None:
            super().paint(painter, option, index)
            return
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        widget = plain.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # the selection and hover only
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        rect = plain.rect
        selected = bool(plain.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if background is not None and not selected:
            painter.fillRect(rect, background)
        font = index.data(Qt.ItemDataRole.FontRole)
        if isinstance(font, QFont):
            painter.setFont(font)
        painter.setPen(foreground.color() if foreground is not None else QColor("#555555"))
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        inner = rect.adjusted(6, 0, -4, 0)
        shown = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(inner, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)
        painter.restore()


def _brush(value: object) -> QBrush | None:
    return value if isinstance(value, QBrush) and value.style() != Qt.BrushStyle.NoBrush else None


def action_label(action: str) -> str:
    return {"create": tr("新增"), "update": tr("更新"), "merge": tr("合并"), "skip": tr("跳过"),
            "error": tr("有问题")}[action]


class PreviewModel(QAbstractTableModel):
    """Column 0 is 操作; then one column per file column that is imported.

    Signals:
        counts_changed(): an edit, a removal or the duplicate policy changed what would happen.
    """

    counts_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.columns: list[int] = []  # file column index of each shown column after 操作
        self.field_names: dict[int, str] = {}  # file column → the field it is imported as
        self.row_numbers: list[int] = []
        self.cells: list[list[Any]] = []
        self.actions: list[str] = []  # "create" / "update" / "merge" / "error", per row
        self.problems: dict[int, list[RowProblem]] = {}  # row position → its problems
        self.removed: set[int] = set()
        self.visible: list[int] = []  # row positions shown, in file order
        self.only_problems = False
        self.policy = "update"
        self.recheck: Recheck | None = None
        self._column_of_header: dict[str, int] = {}

    # ---- loading -------------------------------------------------------------------------------

    def load(self, headers: list[str], mapping: dict[int, str], field_names: dict[str, str],
             row_numbers: list[int], cells: list[list[Any]], checked: list[CheckedRow],
             removed: set[int] | None = None) -> None:
        """Show these rows as checked; `removed`: rows the user had taken out (same rows, new mapping)."""
        self.beginResetModel()
        self.headers = headers
        self.columns = sorted(i for i, key in mapping.items() if key)
        self.field_names = {i: field_names.get(mapping[i], mapping[i]) for i in self.columns}
        self._column_of_header = {}
        for shown, column in enumerate(self.columns, start=1):
            self._column_of_header.setdefault(headers[column] if column < len(headers) else "", shown)
        self.row_numbers, self.cells = row_numbers, cells
        self.actions = [item.action for item in checked]
        self.problems = {position: item.problems for position, item in enumerate(checked) if item.problems}
        self.removed = set(removed or ())
        self._rebuild_visible()
        self.endResetModel()
        self.counts_changed.emit()

    def _rebuild_visible(self) -> None:
        removed, actions = self.removed, self.actions
        if self.only_problems:
            self.visible = [p for p in self.problems if p not in removed]
            self.visible.sort()
        else:
            self.visible = [p for p in range(len(actions)) if p not in removed]

    # ---- what the page asks ----------------------------------------------------------------------

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self.only_problems = only
        self._rebuild_visible()
        self.endResetModel()

    def set_policy(self, policy: str) -> None:
        self.policy = policy
        if self.visible:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.visible) - 1, 0))
        self.counts_changed.emit()

    def shown_action(self, position: int) -> str:
        """What the import will do with this row under the chosen duplicate policy."""
        action = self.actions[position]
        if action == "update":
            return {"update": "update", "skip": "skip", "add": "create"}[self.policy]
        return action

    def counts(self) -> Counter[str]:
        removed = self.removed
        return Counter(self.shown_action(p) for p in range(len(self.actions)) if p not in removed)

    def remove_rows(self, rows: list[int]) -> int:
        """Remove these shown rows from the import (they stay in the file)."""
        positions = {self.visible[r] for r in rows if 0 <= r < len(self.visible)}
        if not positions:
            return 0
        self.beginResetModel()
        self.removed |= positions
        self._rebuild_visible()
        self.endResetModel()
        self.counts_changed.emit()
        return len(positions)

    def rows_to_import(self) -> list[tuple[int, list[Any]]]:
        removed = self.removed
        return [(self.row_numbers[p], self.cells[p]) for p in range(len(self.cells)) if p not in removed]

    def position(self, row: int) -> int:
        return self.visible[row]

    def problems_of(self, row: int) -> list[RowProblem]:
        return self.problems.get(self.visible[row], [])

    def _problem_at(self, position: int, column: int) -> str:
        messages = [p.message for p in self.problems.get(position, [])
                    if self._column_of_header.get(p.column, 0) == column]
        return "\n".join(messages)

    # ---- Qt model interface ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.visible):
                return str(self.row_numbers[self.visible[section]])
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("文件中的行号")
            return None
        if section == 0:
            return tr("操作") if role == Qt.ItemDataRole.DisplayRole else None
        column = self.columns[section - 1] if section - 1 < len(self.columns) else -1
        if role == Qt.ItemDataRole.DisplayRole:
            header = self.headers[column] if 0 <= column < len(self.headers) else ""
            return header or tr("（第 {n} 列）", n=column + 1)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr("导入为：{field}", field=self.field_names.get(column, ""))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() > 0 else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.visible):
            return None
        position = self.visible[index.row()]
        if index.column() == 0:
            return self._action_data(position, role)
        column = self.columns[index.column() - 1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            cells = self.cells[position]
            return cell_text(cells[column]) if column < len(cells) else ""
        if position not in self.problems:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(ERROR_BACKGROUND) if self._problem_at(position, index.column()) else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ERROR_TEXT) if self._problem_at(position, index.column()) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._problem_at(position, index.column()) or None
        return None

    def _action_data(self, position: int, role: int) -> Any:
        action = self.shown_action(position)
        if role == Qt.ItemDataRole.DisplayRole:
            return action_label(action)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ACTION_COLORS[action])
        if role == Qt.ItemDataRole.FontRole and action == "error":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = self.problems.get(position, [])
            if problems:
                return "\n".join(f"{p.column}：{p.message}" for p in problems)
            return {"create": tr("会新增一条记录"), "update": tr("与已有的记录相同：会更新它"),
                    "merge": tr("和文件里前面的一行是同一条记录：合并到一起"),
                    "skip": tr("与已有的记录相同：跳过")}[action]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        position = self.visible[index.row()]
        column = self.columns[index.column() - 1]
        text = str(value if value is not None else "")
        cells = list(self.cells[position])
        if cell_text(cells[column] if column < len(cells) else None) == text.strip():
            return False
        cells += [None] * (column + 1 - len(cells))
        cells[column] = text
        self.cells[position] = cells
        if self.recheck is not None:
            self._apply_check(position, self.recheck(self.row_numbers[position], cells))
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.columns)))
        self.counts_changed.emit()
        return True

    def _apply_check(self, position: int, checked: CheckedRow) -> None:
        action = checked.action
        if action in ("create", "update") and self.actions[position] == "merge":
            action = "merge"  # a row checked alone cannot see the earlier row it repeats
        self.actions[position] = action
        if checked.problems:
            self.problems[position] = checked.problems
        else:
            self.problems.pop(position, None)


# ---- the page ----------------------------------------------------------------------------------

POLICY_LABELS = (("update", "更新已有的记录"), ("skip", "跳过，不导入这一行"), ("add", "仍然新增一条"))
MATCH_RULES = {
    "customers": "按 微信号 → 手机 → 备注名 匹配已有的客户（同名但微信号或手机不同的，算作两个人）。",
    "notes": "同一位客户、内容相同的笔记算作已有的记录。",
    "purchases": "同一位客户、同一天、同样商品和金额的购买记录算作已有的记录。",
    "follow-ups": "同一位客户、同一天、同样事由的跟进算作已有的记录。",
    "referrals": "同一位被介绍人的转介绍算作已有的记录。",
    "groups": "同名的群算作已有的记录。",
    "group-members": "同一个群里的同一位客户算作已有的记录。",
    "group-stats": "同一个群同一天的数据算作已有的记录。",
    "scripts": "分类和标题都相同的话术算作已有的记录。",
    "materials": "类型和标题都相同的素材算作已有的记录。",
    "care": "同一位客户、同一天、同样类型的关怀算作已有的记录。",
    "products": "名称相同（不分大小写）的商品算作已有的记录。",
    "points": "同一位客户、同一天、同样积分和原因的记录算作已有的记录。",
}


class PreviewPage(QWidget):
    """The rows with what will happen to each, the problems filter, and the duplicate policy."""

    def __init__(self, model: PreviewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.counts = QLabel()
        self.counts.setObjectName("previewCounts")
        self.counts.setStyleSheet("font-size: 15px;")
        self.only_problems = QCheckBox(tr("只看有问题的行"))
        self.only_problems.toggled.connect(model.set_only_problems)
        self.remove_button = QPushButton(tr("不导入选中的行"))
        self.remove_button.setToolTip(tr("从这次导入中去掉选中的行（Delete 键），文件本身不变"))
        self.remove_button.clicked.connect(self.remove_selected)
        edit_hint = QLabel(tr("双击单元格可以直接修改"))
        edit_hint.setObjectName("sectionHint")
        tools = QHBoxLayout()
        tools.addWidget(self.only_problems)
        tools.addSpacing(12)
        tools.addWidget(edit_hint)
        tools.addStretch(1)
        tools.addWidget(self.remove_button)

        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(model)
        self.table.setItemDelegate(MarkedCellDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.table.horizontalHeader().setStretchLastSection(True)
        remove = QAction(self.table)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.table.addAction(remove)

        self.row_problems = QLabel()
        self.row_problems.setObjectName("rowProblems")
        self.row_problems.setWordWrap(True)
        self.table.selectionModel().currentChanged.connect(lambda current, _previous: self.show_row(current.row()))
        model.modelReset.connect(lambda: self.show_row(-1))

        self.policy_box = QGroupBox(tr("遇到客本里已有的记录时"))
        policy_layout = QVBoxLayout(self.policy_box)
        choices = QHBoxLayout()
        self.policy = QButtonGroup(self)
        self.policy_buttons: dict[str, QRadioButton] = {}
        for key, label in POLICY_LABELS:
            button = QRadioButton(tr(label))
            self.policy.addButton(button)
            self.policy_buttons[key] = button
            choices.addWidget(button)
            button.toggled.connect(partial(self._policy_toggled, key))
        choices.addStretch(1)
        self.policy_buttons["update"].setChecked(True)
        self.match_rule = QLabel()
        self.match_rule.setObjectName("sectionHint")
        self.match_rule.setWordWrap(True)
        policy_layout.addLayout(choices)
        policy_layout.addWidget(self.match_rule)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.counts)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.row_problems)
        layout.addWidget(self.policy_box)
        model.counts_changed.connect(self.show_counts)
        model.counts_changed.connect(lambda: self.show_row(self.table.currentIndex().row()))
        model.modelReset.connect(self._fit_columns)

    def _policy_toggled(self, key: str, on: bool) -> None:
        if on:
            self.model.set_policy(key)

    def set_kind(self, kind: str) -> None:
        self.match_rule.setText(tr(MATCH_RULES.get(kind, "")))
        noun = tr("已有客户") if kind == "customers" else tr("已有的记录")
        self.policy_buttons["update"].setText(tr("更新{noun}", noun=noun))

    def policy_choice(self) -> str:
        return next(key for key, button in self.policy_buttons.items() if button.isChecked())

    def set_policy(self, policy: str) -> None:
        self.policy_buttons[policy].setChecked(True)

    def show_counts(self) -> None:
        counts = self.model.counts()
        total = sum(counts.values())
        parts = [tr("将新增 {n}", n=f"{counts['create']:,}"), tr("更新 {n}", n=f"{counts['update']:,}")]
        if counts["merge"]:
            parts.append(tr("合并 {n}", n=f"{counts['merge']:,}"))
        if counts["skip"]:
            parts.append(tr("跳过 {n}", n=f"{counts['skip']:,}"))
        problems = tr("有问题 {n}", n=f"{counts['error']:,}")
        if counts["error"]:
            problems = f'<span style="color:#c62828; font-weight:bold;">{problems}</span>'
        removed = tr("（已去掉 {n} 行）", n=f"{len(self.model.removed):,}") if self.model.removed else ""
        self.counts.setText(tr("共 {total} 行：", total=f"{total:,}") + " · ".join([*parts, problems]) + removed)
        self.only_problems.setText(tr("只看有问题的行（{n}）", n=f"{counts['error']:,}"))
        self.counts.setToolTip(tr("有问题的行不会导入；改好单元格后会立即重新检查。"))

    def show_row(self, row: int) -> None:
        """Under the table: what is wrong with the current row (the keyboard user's tooltip)."""
        problems = self.model.problems_of(row) if 0 <= row < self.model.rowCount() else []
        if problems:
            number = self.model.row_numbers[self.model.position(row)]
            self.row_problems.setStyleSheet("color: #c62828;")
            self.row_problems.setText(tr("第 {n} 行：", n=number) + "；".join(f"{p.column}：{p.message}" for p in problems))
        else:
            self.row_problems.setStyleSheet("")
            self.row_problems.setText(tr("红色的格子有问题：点一下这一行可以看到原因，改好后会立即重新检查。")
                                      if self.model.problems else "")
        self.row_problems.setVisible(bool(self.row_problems.text()))

    def _fit_columns(self) -> None:
        self.table.setColumnWidth(0, 72)
        for column in range(1, self.model.columnCount()):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, max(80, min(self.table.columnWidth(column), 220)))

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedIndexes()})
        self.model.remove_rows(rows)
