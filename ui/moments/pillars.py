"""管理内容支柱: add, rename, mark as 硬广 (counted in the weekly hard-sell share), recolour and delete the
pillars. Every change is saved at once; deleting asks first (its posts stay, without a pillar)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import moments as m
from services.moments import PillarRow
from ui.context import AppContext
from ui.customers.tag_picker import color_dot
from ui.errors import confirm
from ui.groups.common import blocked
from ui.i18n import tr
from ui.moments import common

NAME, HARD, COLOR, COUNT = range(4)


class PillarDialog(QDialog):
    """The pillars table; `changed` is True once anything was saved."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changed = False
        self.rows: list[PillarRow] = []
        self.setWindowTitle(tr("管理内容支柱"))
        self.setMinimumSize(520, 420)
        intro = QLabel(tr("内容支柱是朋友圈的几类内容（产品种草、用户口碑、专业知识、生活人设 …）。"
                          "勾选“硬广”的算作卖货内容：报表会提醒你每周卖货别发太多，免得被屏蔽。双击名称可以改名。"))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("名称"), tr("硬广"), tr("颜色"), tr("朋友圈条数")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (HARD, COLOR, COUNT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.add_button = QPushButton(tr("新增…"))
        self.add_button.clicked.connect(self.add)
        self.color_button = QPushButton(tr("换颜色…"))
        self.color_button.clicked.connect(lambda: self.choose_color(self.table.currentRow()))
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.clicked.connect(self.delete)
        buttons_row = QHBoxLayout()
        for button in (self.add_button, self.color_button, self.delete_button):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        close.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons_row)
        layout.addWidget(close)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        with self.ctx.session() as session:
            self.rows = m.list_pillars(session)
        with blocked(self.table):
            self.table.setRowCount(len(self.rows))
            for row, pillar in enumerate(self.rows):
                name = QTableWidgetItem(pillar.name)
                name.setData(Qt.ItemDataRole.UserRole, pillar.id)
                name.setIcon(color_dot(pillar.color))
                hard = QTableWidgetItem(tr("硬广"))
                hard.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
                hard.setCheckState(Qt.CheckState.Checked if pillar.hard_sell else Qt.CheckState.Unchecked)
                color = QTableWidgetItem(pillar.color)
                color.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                color.setIcon(color_dot(pillar.color, 16))
                color.setToolTip(tr("双击换颜色"))
                count = QTableWidgetItem(str(pillar.post_count))
                count.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                for column, item in enumerate((name, hard, color, count)):
                    self.table.setItem(row, column, item)
        if select_id is not None:
            row = next((n for n, p in enumerate(self.rows) if p.id == select_id), -1)
            if row >= 0:
                self.table.selectRow(row)

    def _double_clicked(self, row: int, column: int) -> None:
        if column == COLOR:
            self.choose_color(row)

    def _pillar(self, row: int) -> PillarRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _save(self, pillar: PillarRow, name: str, hard_sell: bool, color: str) -> None:
        if common.run_change(self, self.ctx, lambda s: m.update_pillar(s, pillar.id, name, hard_sell, color)):
            self.changed = True
        self.reload(pillar.id)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        pillar = self._pillar(item.row())
        if pillar is None:
            return
        if item.column() == NAME and item.text().strip() != pillar.name:
            self._save(pillar, item.text(), pillar.hard_sell, pillar.color)
        elif item.column() == HARD:
            hard = item.checkState() == Qt.CheckState.Checked
            if hard != pillar.hard_sell:
                self._save(pillar, pillar.name, hard, pillar.color)

    def set_hard_sell(self, row: int, hard: bool) -> None:
        item = self.table.item(row, HARD)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if hard else Qt.CheckState.Unchecked)

    def rename(self, row: int, name: str) -> None:
        item = self.table.item(row, NAME)
        if item is not None:
            item.setText(name)

    def choose_color(self, row: int, color: str | None = None) -> None:
        pillar = self._pillar(row)
        if pillar is None:
            return
        if color is None:
            chosen = QColorDialog.getColor(QColor(pillar.color), self, tr("“{name}”的颜色", name=pillar.name))
            if not chosen.isValid():
                return
            color = chosen.name()
        self._save(pillar, pillar.name, pillar.hard_sell, color)

    def add(self, name: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self, tr("新增内容支柱"), tr("名称（如：门店日常、客户见证）"))
            if not ok:
                return
        created = common.run_change(self, self.ctx, lambda s: m.create_pillar(s, name or ""))
        if isinstance(created, int) and not isinstance(created, bool):
            self.changed = True
            self.reload(created)

    def delete(self) -> None:
        pillar = self._pillar(self.table.currentRow())
        if pillar is None:
            return
        used = tr("\n\n用到它的 {n} 条朋友圈会保留，变成“未分类”。", n=pillar.post_count) if pillar.post_count else ""
        if not confirm(self, tr("删除内容支柱"), tr("删除内容支柱“{name}”？", name=pillar.name) + used, tr("删除")):
            return
        if common.run_change(self, self.ctx, lambda s: m.delete_pillar(s, pillar.id)):
            self.changed = True
        self.reload()
