"""The 对应列 step of the import wizard: each file column, a few of its values, and the field it
becomes (or 不导入). A field chosen for two columns is flagged; missing required fields are named."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.excel.wizard_pages import column_letter, hint_label
from ui.i18n import tr

UNMAPPED = ""


class MappingPage(QWidget):
    """One row per file column: its header, a few values, and the field it becomes.

    Signals:
        mapping_changed(): a column was mapped to another field.
    """

    mapping_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = hint_label(tr("为文件里的每一列选择它在客本里是什么。不需要的列选“不导入”。"
                                  "客本已按表头自动对好；同样表头的文件下次会记住你的选择。"))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("mappingTable")
        self.table.setHorizontalHeaderLabels([tr("文件中的列"), tr("示例内容"), tr("导入为")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(38)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(2, 230)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.combos: list[QComboBox] = []
        self.labels: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def load(self, headers: list[str], samples: list[str], labels: dict[str, str], required: set[str],
             mapping: dict[int, str]) -> None:
        self.labels = labels
        self.combos = []
        self.table.setRowCount(len(headers))
        for row, header in enumerate(headers):
            name = QTableWidgetItem(header or tr("（第 {n} 列，无表头）", n=row + 1))
            name.setToolTip(tr("第 {letter} 列", letter=column_letter(row)))
            self.table.setItem(row, 0, name)
            sample = QTableWidgetItem(samples[row] if row < len(samples) else "")
            sample.setForeground(QBrush(QColor("#757575")))
            sample.setToolTip(sample.text())
            self.table.setItem(row, 1, sample)
            combo = QComboBox()
            combo.addItem(tr("不导入"), UNMAPPED)
            for key, label in labels.items():
                combo.addItem(label + (" *" if key in required else ""), key)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(row, UNMAPPED))))
            combo.currentIndexChanged.connect(lambda _i: self._changed())
            combo.setToolTip(tr("“{header}”导入为…", header=header))
            self.combos.append(combo)
            self.table.setCellWidget(row, 2, combo)
        self._paint()

    def mapping(self) -> dict[int, str]:
        return {row: str(combo.currentData()) for row, combo in enumerate(self.combos) if combo.currentData()}

    def set_field(self, column: int, key: str) -> None:
        """Map one column (what choosing in its combo does)."""
        self.combos[column].setCurrentIndex(max(0, self.combos[column].findData(key)))

    def duplicates(self) -> dict[str, list[int]]:
        """Fields chosen for more than one column → those columns."""
        used: dict[str, list[int]] = {}
        for column, key in self.mapping().items():
            used.setdefault(key, []).append(column)
        return {key: columns for key, columns in used.items() if len(columns) > 1}

    def _changed(self) -> None:
        self._paint()
        self.mapping_changed.emit()

    def _paint(self) -> None:
        doubled = {c for columns in self.duplicates().values() for c in columns}
        for row, combo in enumerate(self.combos):
            combo.setProperty("doubled", row in doubled)
            combo.setStyleSheet("QComboBox { border: 2px solid #d32f2f; border-radius: 4px; }"
                                if row in doubled else "")
            item = self.table.item(row, 0)
            if item is not None:
                item.setForeground(QBrush(QColor("#9e9e9e")) if not combo.currentData() else QBrush())

    def show_status(self, missing: list[str]) -> bool:
        """Say what still needs a column (required fields) or is chosen twice; True when all is well."""
        headers = [item.text() if (item := self.table.item(r, 0)) else "" for r in range(self.table.rowCount())]
        lines = [tr("还没有对应的必填项：{fields}", fields="、".join(missing))] if missing else []
        for key, columns in self.duplicates().items():
            lines.append(tr("“{field}”对应了 {n} 列（{columns}），只能留一列", field=self.labels.get(key, key),
                            n=len(columns), columns="、".join(headers[c] for c in columns)))
        if lines:
            self.status.setStyleSheet("color: #d32f2f;")
            self.status.setText("\n".join(lines))
            return False
        count = len(self.mapping())
        self.status.setStyleSheet("color: #2e7d32;")
        self.status.setText(tr("将导入 {n} 列，{skip} 列不导入。带 * 的是必填项。", n=count,
                               skip=len(self.combos) - count))
        return True

