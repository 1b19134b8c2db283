"""The filter bar above the customer list: search, tags (all / any / none), stage, 会员等级, layers, fields, smart
lists."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import custom_fields, smart_lists, tags
from services.customer_query import NO_LEVEL, CustomerFilter, FieldCondition
from services.stages import STAGES
from services.tiers import level_choices
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.layers.widgets import LayerFilterButton

TAG_MODES = ("", "all", "any", "none")


def _mode_labels() -> dict[str, str]:
    return {"": tr("—"), "all": tr("必须有"), "any": tr("有其一"), "none": tr("排除")}


class TagFilterDialog(QDialog):
    """Every tag with a condition: 必须有 (all of) / 有其一 (any of) / 排除 (none of)."""

    def __init__(self, ctx: AppContext, flt: CustomerFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("按标签筛选"))
        self.resize(460, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("“必须有”的标签要全部具备；“有其一”的标签至少有一个；“排除”的标签一个都不能有。")))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("标签"), tr("条件")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tree)
        self.combos: dict[int, QComboBox] = {}
        current = {**{t: "all" for t in flt.tags_all}, **{t: "any" for t in flt.tags_any},
                   **{t: "none" for t in flt.tags_none}}
        labels = _mode_labels()
        with ctx.session() as session:
            tree = tags.tag_tree(session)
        for group in tree:
            parent_item = QTreeWidgetItem([group.name + ("" if group.multi else tr("（单选）"))])
            self.tree.addTopLevelItem(parent_item)
            for tag in group.tags:
                item = QTreeWidgetItem([f"{tag.name}  ({tag.customers})"])
                parent_item.addChild(item)
                combo = QComboBox()
                for mode in TAG_MODES:
                    combo.addItem(labels[mode], mode)
                combo.setCurrentIndex(TAG_MODES.index(current.get(tag.id, "")))
                self.tree.setItemWidget(item, 1, combo)
                self.combos[tag.id] = combo
            parent_item.setExpanded(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        clear = buttons.addButton(tr("清除全部"), QDialogButtonBox.ButtonRole.ResetRole)
        clear.clicked.connect(lambda: [c.setCurrentIndex(0) for c in self.combos.values()])
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_mode(self, tag_id: int, mode: str) -> None:
        self.combos[tag_id].setCurrentIndex(TAG_MODES.index(mode))

    def apply_to(self, flt: CustomerFilter) -> CustomerFilter:
        chosen = {mode: [tid for tid, c in self.combos.items() if c.currentData() == mode] for mode in TAG_MODES}
        return replace(flt, tags_all=chosen["all"], tags_any=chosen["any"], tags_none=chosen["none"])


class FieldFilterDialog(QDialog):
    """Conditions on the seller's custom fields: 等于 / 包含 / 已填 / 未填."""

    OPS = ("eq", "contains", "filled", "empty")

    def __init__(self, ctx: AppContext, flt: CustomerFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("按自定义字段筛选"))
        self.resize(520, 360)
        with ctx.session() as session:
            self.fields = custom_fields.list_fields(session)
        layout = QVBoxLayout(self)
        if not self.fields:
            layout.addWidget(QLabel(tr("还没有自定义字段：在“设置 → 自定义字段”里添加，如 肤质、茶叶偏好。")))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("字段"), tr("条件"), tr("值")])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row_buttons = QHBoxLayout()
        add = QPushButton(tr("添加条件"))
        add.setEnabled(bool(self.fields))
        add.clicked.connect(lambda: self.add_condition(FieldCondition(self.fields[0].id, "eq", "")))
        remove = QPushButton(tr("删除所选条件"))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)
        for cond in flt.fields:
            self.add_condition(cond)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def add_condition(self, cond: FieldCondition) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        field_combo = QComboBox()
        for spec in self.fields:
            field_combo.addItem(spec.name, spec.id)
        field_combo.setCurrentIndex(max(0, field_combo.findData(cond.field_id)))
        op_combo = QComboBox()
        for op, label in zip(self.OPS, (tr("等于"), tr("包含"), tr("已填写"), tr("未填写")), strict=True):
            op_combo.addItem(label, op)
        op_combo.setCurrentIndex(max(0, op_combo.findData(cond.op)))
        value = QLineEdit(cond.value)
        self.table.setCellWidget(row, 0, field_combo)
        self.table.setCellWidget(row, 1, op_combo)
        self.table.setCellWidget(row, 2, value)

    def conditions(self) -> list[FieldCondition]:
        found = []
        for row in range(self.table.rowCount()):
            field_combo, op_combo, value = (self.table.cellWidget(row, c) for c in range(3))
            assert isinstance(field_combo, QComboBox) and isinstance(op_combo, QComboBox)
            assert isinstance(value, QLineEdit)
            found.append(FieldCondition(int(field_combo.currentData()), str(op_combo.currentData()),
                                        value.text().strip()))
        return found


class FilterBar(QWidget):
    """Signals:
        filter_changed(object): the new CustomerFilter.
    """

    filter_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = CustomerFilter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText(tr("搜索 姓名 / 备注名 / 微信号 / 手机 / 拼音 / 笔记"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self._text_changed)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.tags_button = QPushButton(tr("标签筛选"))
        self.tags_button.clicked.connect(self.edit_tags)
        self.fields_button = QPushButton(tr("字段筛选"))
        self.fields_button.clicked.connect(self.edit_fields)
        self.stage = QComboBox()
        self.stage.addItem(tr("全部阶段"), "")
        for stage in STAGES:
            self.stage.addItem(stage, stage)
        self.stage.currentIndexChanged.connect(lambda _i: self._set(replace(self.filter, stage=self.stage.currentData())))
        self.level = QComboBox()  # 会员等级: shown once there are levels to choose from
        self.level.setObjectName("levelFilter")
        self.level.setToolTip(tr("按会员等级筛选"))
        self.level.currentIndexChanged.connect(
            lambda _i: self._set(replace(self.filter, member_level=self.level.currentData() or "")))
        self.layers_button = LayerFilterButton(self)  # RFM 分群 / 忠诚类型
        self.filter_changed.connect(self.layers_button.show_filter)
        self.smart = QComboBox()
        self.smart.setMinimumWidth(140)
        self.smart.activated.connect(self._smart_chosen)
        self.save_button = QPushButton(tr("保存筛选"))
        self.save_button.setToolTip(tr("把当前的搜索和筛选保存为智能列表"))
        self.save_button.clicked.connect(self.save_smart_list)
        self.clear_button = QPushButton(tr("清除筛选"))
        self.clear_button.clicked.connect(lambda: self.set_filter(CustomerFilter()))
        for widget in (self.search, self.tags_button, self.fields_button, self.stage, self.level, self.layers_button,
                       self.smart, self.save_button, self.clear_button):
            layout.addWidget(widget)
        layout.setStretch(0, 1)
        self.reload_smart_lists()
        self.reload_levels()
        ctx.customers_changed.connect(lambda ids: None if ids else self.reload_levels())  # tiers edited, imports …

    def set_filter(self, flt: CustomerFilter) -> None:
        """Show `flt` in the widgets and announce it."""
        self.search.blockSignals(True)
        self.search.setText(flt.text)
        self.search.blockSignals(False)
        self.stage.blockSignals(True)
        self.stage.setCurrentIndex(max(0, self.stage.findData(flt.stage)))
        self.stage.blockSignals(False)
        self._show_level(flt.member_level)
        self._set(flt)

    def reload_levels(self) -> None:
        """The 会员等级 to choose from (services.tiers.level_choices); hidden while there are none."""
        with self.ctx.session() as session:
            levels = level_choices(session)
        self.level.blockSignals(True)
        self.level.clear()
        self.level.addItem(tr("全部等级"), "")
        for name in levels:
            self.level.addItem(name, name)
        self.level.addItem(tr(NO_LEVEL), NO_LEVEL)
        self.level.blockSignals(False)
        self._show_level(self.filter.member_level)
        self.level.setVisible(bool(levels) or bool(self.filter.member_level))

    def _show_level(self, level: str) -> None:
        if level and self.level.findData(level) < 0:  # a smart list naming a level gone since
            self.level.addItem(level, level)
        self.level.blockSignals(True)
        self.level.setCurrentIndex(max(0, self.level.findData(level)))
        self.level.blockSignals(False)
        if level:
            self.level.setVisible(True)

    def _set(self, flt: CustomerFilter) -> None:
        self.filter = flt
        tag_count = len(flt.tags_all) + len(flt.tags_any) + len(flt.tags_none)
        self.tags_button.setText(tr("标签筛选 ({n})", n=tag_count) if tag_count else tr("标签筛选"))
        self.fields_button.setText(tr("字段筛选 ({n})", n=len(flt.fields)) if flt.fields else tr("字段筛选"))
        self.clear_button.setEnabled(not flt.is_empty)
        self.filter_changed.emit(flt)

    def _text_changed(self) -> None:
        self._set(replace(self.filter, text=self.search.text()))

    def edit_tags(self) -> None:
        dialog = TagFilterDialog(self.ctx, self.filter, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._set(dialog.apply_to(self.filter))

    def edit_fields(self) -> None:
        dialog = FieldFilterDialog(self.ctx, self.filter, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._set(replace(self.filter, fields=dialog.conditions()))

    def reload_smart_lists(self) -> None:
        with self.ctx.session() as session:
            lists = smart_lists.list_smart_lists(session)
        self.smart.clear()
        self.smart.addItem(tr("智能列表…"), None)
        for list_id, name, flt in lists:
            self.smart.addItem(name, (list_id, flt))
        if lists:
            self.smart.addItem(tr("删除当前智能列表…"), "delete")
        self._lists = lists

    def _smart_chosen(self, index: int) -> None:
        data = self.smart.itemData(index)
        if data == "delete":
            self._delete_smart_list()
        elif data is not None:
            self.set_filter(data[1])
            return
        self.smart.setCurrentIndex(0)

    def _delete_smart_list(self) -> None:
        names = [name for _id, name, _f in self._lists]
        name, ok = QInputDialog.getItem(self, tr("删除智能列表"), tr("删除哪一个？"), names, 0, False)
        if ok:
            with self.ctx.session() as session:
                smart_lists.delete_smart_list(session, self._lists[names.index(name)][0])
            self.reload_smart_lists()

    def save_smart_list(self, name: str | None = None) -> None:
        if not name:
            name, ok = QInputDialog.getText(self, tr("保存为智能列表"), tr("名称（如“高消费未复购”）："))
            if not ok:
                return
        try:
            with self.ctx.session() as session:
                smart_lists.save_smart_list(session, name, self.filter)
        except Exception as exc:  # a ValidationError is shown as its message
            show_error(self, exc)
            return
        self.reload_smart_lists()
        index = self.smart.findText(name.strip(), Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self.smart.setCurrentIndex(index)
