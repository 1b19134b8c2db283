"""设置 → 客户SOP: the journey rules (when to remind, for whom, with which script) and the repurchase
cycles of the product categories."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.journey import JOURNEY_TRIGGERS
from services import settings_store
from services.custom_fields import list_fields
from services.journeys import (
    KEEP_DAYS,
    MAX_OFFSET,
    MIN_OFFSET,
    TRIGGER_LABELS,
    Condition,
    RuleInfo,
    RuleInput,
    default_script_category,
    delete_rule,
    list_rules,
    restore_default_rules,
    save_rule,
    script_choices,
    set_rule_enabled,
)
from services.layers import LOYALTY_TYPES
from services.repurchase import CycleInfo, delete_cycle, list_cycles, save_cycle
from services.stages import STAGES
from services.tags import GroupInfo, tag_tree
from ui.context import AppContext
from ui.customers.tag_picker import TagPickerDialog, tags_html
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

TAG_PARTS = (("tags_all", "有全部标签"), ("tags_any", "有任一标签"), ("tags_none", "没有标签"))


class TagsChoice(QWidget):
    """One tag condition: the chosen tags as chips and a button to change them."""

    def __init__(self, groups: list[GroupInfo], chosen: tuple[int, ...], title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups, self.chosen, self.title = groups, list(chosen), title
        self.chips = QLabel()
        self.chips.setTextFormat(Qt.TextFormat.RichText)
        self.chips.setWordWrap(True)
        self.button = QPushButton(tr("选择…"))
        self.button.clicked.connect(self.pick)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chips, 1)
        row.addWidget(self.button)
        self._show()

    def pick(self) -> None:
        dialog = TagPickerDialog(self.groups, self.chosen, self.title, parent=self)
        if dialog.exec():
            self.set_chosen(dialog.selected_ids())

    def set_chosen(self, tag_ids: list[int]) -> None:
        self.chosen = list(tag_ids)
        self._show()

    def _show(self) -> None:
        self.chips.setText(tags_html(self.groups, self.chosen) if self.chosen
                           else f'<span style="color:#888;">{tr("不限")}</span>')


class RuleDialog(FormDialog):
    """Add or edit one journey rule."""

    def __init__(self, ctx: AppContext, rule: RuleInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑客户SOP规则") if rule else tr("添加客户SOP规则"), parent)
        self.rule = rule
        self.setMinimumWidth(620)
        with ctx.session() as session:
            groups = tag_tree(session, with_counts=False)
            scripts = script_choices(session)
            date_fields = [f for f in list_fields(session) if f.kind == "date"]
        cond = rule.condition if rule else Condition()
        self.name = QLineEdit(rule.name if rule else "")
        self.name.setPlaceholderText(tr("如：T+3 使用指导"))
        self.trigger = QComboBox()
        for trigger in JOURNEY_TRIGGERS:
            if trigger != "custom_date" or date_fields:
                self.trigger.addItem(tr(TRIGGER_LABELS[trigger]), trigger)
        self.offset = QSpinBox()
        self.offset.setRange(MIN_OFFSET, MAX_OFFSET)
        self.offset.setSuffix(tr(" 天"))
        self.field = QComboBox()
        for spec in date_fields:
            self.field.addItem(spec.name, spec.id)
        self.when = QLabel()
        self.when.setObjectName("sectionHint")
        self.script = QComboBox()
        self.script.addItem("", None)
        for choice in scripts:
            self.script.addItem(f"【{tr(choice.category)}】{choice.title}", choice.id)
        self.tag_choices = {key: TagsChoice(groups, getattr(cond, key), tr(title)) for key, title in TAG_PARTS}
        self.stages = {stage: QCheckBox(tr(stage)) for stage in STAGES}
        self.loyalty = {kind: QCheckBox(tr(kind)) for kind in LOYALTY_TYPES}
        self.enabled = QCheckBox(tr("启用"))
        self.enabled.setChecked(rule.enabled if rule else True)

        self.add_field("name", tr("名称"), self.name)
        self.add_field("trigger", tr("从什么时候算"), self.trigger)
        self.add_field("custom_field_id", tr("日期字段"), self.field)
        self.add_field("offset_days", tr("第几天"), self.offset)
        self.form.addRow("", self.when)
        condition = QWidget()
        grid = QGridLayout(condition)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, (key, title) in enumerate(TAG_PARTS):
            grid.addWidget(QLabel(tr(title)), row, 0)
            grid.addWidget(self.tag_choices[key], row, 1)
        grid.addWidget(QLabel(tr("阶段")), 3, 0)
        grid.addWidget(_check_row(self.stages, cond.stages), 3, 1)
        grid.addWidget(QLabel(tr("忠诚类型")), 4, 0)
        grid.addWidget(_check_row(self.loyalty, cond.loyalty_types), 4, 1)
        grid.setColumnStretch(1, 1)
        self.add_field("condition", tr("适用客户"), condition)
        self.add_field("script_id", tr("话术"), self.script)
        self.form.addRow("", self.enabled)

        if rule is not None:
            self.trigger.setCurrentIndex(max(0, self.trigger.findData(rule.trigger)))
            self.offset.setValue(rule.offset_days)
            if rule.custom_field_id is not None:
                self.field.setCurrentIndex(max(0, self.field.findData(rule.custom_field_id)))
            self.script.setCurrentIndex(max(0, self.script.findData(rule.script_id)))
        self.trigger.currentIndexChanged.connect(self._trigger_changed)
        self.offset.valueChanged.connect(lambda _v: self._describe())
        self._trigger_changed()

    def _trigger_changed(self) -> None:
        trigger = self.trigger.currentData()
        self.field.parentWidget().setVisible(trigger == "custom_date")
        label = self.form.labelForField(self.field.parentWidget())
        if label is not None:
            label.setVisible(trigger == "custom_date")
        before_allowed = trigger in ("birthday", "custom_date")
        self.offset.setMinimum(MIN_OFFSET if before_allowed else (1 if trigger == "last_interaction" else 0))
        self.offset.setToolTip(tr("负数表示之前，如 -3 = 提前 3 天") if before_allowed else "")
        self._describe()

    def _describe(self) -> None:
        from services.journeys import describe_when

        trigger = self.trigger.currentData() or "added"
        self.when.setText(tr("在“今天”里提醒：{when}", when=describe_when(trigger, self.offset.value(),
                                                                       self.field.currentText())))
        self.script.setItemText(0, tr("自动：用“{category}”类的第一条话术",
                                      category=tr(default_script_category(trigger, self.offset.value()))))

    def rule_input(self) -> RuleInput:
        condition = Condition(
            tags_all=tuple(self.tag_choices["tags_all"].chosen), tags_any=tuple(self.tag_choices["tags_any"].chosen),
            tags_none=tuple(self.tag_choices["tags_none"].chosen),
            stages=tuple(s for s, box in self.stages.items() if box.isChecked()),
            loyalty_types=tuple(k for k, box in self.loyalty.items() if box.isChecked()))
        return RuleInput(self.name.text(), self.trigger.currentData(), self.offset.value(), condition,
                         self.script.currentData(), self.enabled.isChecked(), self.field.currentData())

    def save(self, session: Session) -> None:
        save_rule(session, self.rule_input(), self.rule.id if self.rule else None)


def _check_row(boxes: dict[str, QCheckBox], checked: tuple[str, ...]) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for key, box in boxes.items():
        box.setChecked(key in checked)
        layout.addWidget(box)
    layout.addStretch(1)
    return row


class CycleDialog(FormDialog):
    """Add or edit one repurchase cycle."""

    def __init__(self, ctx: AppContext, cycle: CycleInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑复购周期") if cycle else tr("添加复购周期"), parent)
        self.cycle = cycle
        self.category = QLineEdit(cycle.category if cycle else "")
        self.category.setPlaceholderText(tr("如：普洱"))
        self.keywords = QLineEdit(cycle.keywords_text if cycle else "")
        self.keywords.setPlaceholderText(tr("商品名里的词，用空格或逗号隔开，如：普洱 熟普 小青柑"))
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setSuffix(tr(" 天"))
        self.days.setValue(cycle.days if cycle else 60)
        self.add_field("category", tr("品类"), self.category)
        self.add_field("keywords", tr("关键词"), self.keywords)
        self.add_field("days", tr("多久复购一次"), self.days)

    def save(self, session: Session) -> None:
        save_cycle(session, self.category.text(), self.keywords.text(), self.days.value(),
                   self.cycle.id if self.cycle else None)


class JourneysSection(Section):
    """The rules table with add / edit / switch on-off / delete / restore defaults, the days undone
    reminders stay, and the repurchase cycles table."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rules: list[RuleInfo] = []
        self.cycles: list[CycleInfo] = []
        self.dialog: FormDialog | None = None

        self.add_button = QPushButton(tr("添加规则"))
        self.edit_button = QPushButton(tr("编辑"))
        self.toggle_button = QPushButton(tr("停用"))
        self.delete_button = danger_button(tr("删除"))
        self.restore_button = QPushButton(tr("恢复默认规则"))
        self.table = make_table([tr("启用"), tr("名称"), tr("什么时候提醒"), tr("适用客户"), tr("话术")])
        for column, width in enumerate((64, 160, 170, 260)):
            self.table.setColumnWidth(column, width)
        self.keep = QSpinBox()
        self.keep.setRange(int(KEEP_DAYS.minimum or 0), int(KEEP_DAYS.maximum or 90))
        self.keep.setSuffix(tr(" 天"))
        self.keep.setToolTip(tr(KEEP_DAYS.help))
        self.keep.valueChanged.connect(self._save_keep)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel(tr("没完成的提醒在“今天”里保留")))
        keep_row.addWidget(self.keep)
        keep_row.addStretch(1)

        self.add_cycle_button = QPushButton(tr("添加品类"))
        self.edit_cycle_button = QPushButton(tr("编辑"))
        self.delete_cycle_button = danger_button(tr("删除"))
        self.cycle_table = make_table([tr("品类"), tr("周期"), tr("关键词")])
        self.cycle_table.setColumnWidth(0, 160)
        self.cycle_table.setColumnWidth(1, 90)

        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("客户SOP"), tr(
            "按客户的添加日期、购买、互动和生日，在“今天”提醒你该联系谁、用哪条话术。"
            "默认规则来自《私域运营精细化》的用户旅程：T+0 欢迎、T+7 回访、T+21 复购提醒、30 天未互动唤醒。")))
        layout.addLayout(button_row(self.add_button, self.edit_button, self.toggle_button, self.delete_button,
                                    self.restore_button))
        layout.addWidget(self.table, 2)
        layout.addLayout(keep_row)
        layout.addSpacing(8)
        layout.addWidget(section_header(tr("复购周期"), tr(
            "购买记录的商品名里含有关键词，就算这个品类；最近一次购买满这些天、之后没再买这个品类，就在“今天”提醒复购。")))
        layout.addLayout(button_row(self.add_cycle_button, self.edit_cycle_button, self.delete_cycle_button))
        layout.addWidget(self.cycle_table, 2)

        self.add_button.clicked.connect(lambda: self.open_rule(None))
        self.edit_button.clicked.connect(lambda: self._with_rule(self.open_rule))
        self.toggle_button.clicked.connect(lambda: self._with_rule(self.toggle))
        self.delete_button.clicked.connect(lambda: self._with_rule(self.delete))
        self.restore_button.clicked.connect(self.restore_defaults)
        self.table.doubleClicked.connect(lambda _i: self._with_rule(self.open_rule))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_cycle_button.clicked.connect(lambda: self.open_cycle(None))
        self.edit_cycle_button.clicked.connect(lambda: self._with_cycle(self.open_cycle))
        self.delete_cycle_button.clicked.connect(lambda: self._with_cycle(self.delete_cycle))
        self.cycle_table.doubleClicked.connect(lambda _i: self._with_cycle(self.open_cycle))
        self.cycle_table.itemSelectionChanged.connect(self._update_buttons)
        self.watch(ctx.settings_changed, ctx.tags_changed)

    def load(self) -> None:
        with self.ctx.session() as session:
            self.rules = list_rules(session)
            self.cycles = list_cycles(session)
            names = {tag.id: tag.name for group in tag_tree(session, with_counts=False) for tag in group.tags}
            keep = settings_store.get(session, KEEP_DAYS)
        chosen = selected_keys(self.table)
        self.table.setRowCount(len(self.rules))
        for row, rule in enumerate(self.rules):
            self.table.setItem(row, 0, table_item("✓" if rule.enabled else "—", rule.id))
            self.table.setItem(row, 1, table_item(rule.name))
            self.table.setItem(row, 2, table_item(rule.when()))
            self.table.setItem(row, 3, table_item(rule.condition.describe(names)))
            self.table.setItem(row, 4, table_item(rule.script_title or tr("自动（{category}）",
                                                                          category=tr(rule.script_category))))
            if rule.id in chosen:
                self.table.selectRow(row)
        self.cycle_table.setRowCount(len(self.cycles))
        for row, cycle in enumerate(self.cycles):
            self.cycle_table.setItem(row, 0, table_item(cycle.category, cycle.id))
            self.cycle_table.setItem(row, 1, table_item(tr("{n} 天", n=cycle.days), number=True))
            self.cycle_table.setItem(row, 2, table_item(cycle.keywords_text))
        self.keep.blockSignals(True)
        self.keep.setValue(keep)
        self.keep.blockSignals(False)
        self._update_buttons()

    def selected_rule(self) -> RuleInfo | None:
        ids = selected_keys(self.table)
        return next((r for r in self.rules if ids and r.id == ids[0]), None)

    def selected_cycle(self) -> CycleInfo | None:
        ids = selected_keys(self.cycle_table)
        return next((c for c in self.cycles if ids and c.id == ids[0]), None)

    def _with_rule(self, action: object) -> None:
        rule = self.selected_rule()
        if rule is not None:
            action(rule)  # type: ignore[operator]

    def _with_cycle(self, action: object) -> None:
        cycle = self.selected_cycle()
        if cycle is not None:
            action(cycle)  # type: ignore[operator]

    def _update_buttons(self) -> None:
        rule = self.selected_rule()
        for button in (self.edit_button, self.toggle_button, self.delete_button):
            button.setEnabled(rule is not None)
        self.toggle_button.setText(tr("启用") if rule is not None and not rule.enabled else tr("停用"))
        cycle = self.selected_cycle()
        for button in (self.edit_cycle_button, self.delete_cycle_button):
            button.setEnabled(cycle is not None)

    def open_rule(self, rule: RuleInfo | None) -> RuleDialog:
        dialog = RuleDialog(self.ctx, rule, self)
        self.dialog = dialog
        open_dialog(dialog, self.ctx.settings_changed.emit)
        return dialog

    def open_cycle(self, cycle: CycleInfo | None) -> CycleDialog:
        dialog = CycleDialog(self.ctx, cycle, self)
        self.dialog = dialog
        open_dialog(dialog, self.ctx.settings_changed.emit)
        return dialog

    def _run(self, work: object) -> None:
        try:
            with self.ctx.session() as session:
                work(session)  # type: ignore[operator]
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.settings_changed.emit()

    def toggle(self, rule: RuleInfo) -> None:
        self._run(lambda s: set_rule_enabled(s, rule.id, not rule.enabled))

    def delete(self, rule: RuleInfo) -> None:
        if confirm(self, tr("删除规则"), tr("删除客户SOP规则“{name}”？\n\n已经完成的提醒仍记在客户的时间线上。",
                                         name=rule.name), tr("删除")):
            self._run(lambda s: delete_rule(s, rule.id))

    def restore_defaults(self) -> None:
        self._run(restore_default_rules)

    def delete_cycle(self, cycle: CycleInfo) -> None:
        if confirm(self, tr("删除复购周期"), tr("删除品类“{name}”的复购周期？", name=cycle.category), tr("删除")):
            self._run(lambda s: delete_cycle(s, cycle.id))

    def _save_keep(self, value: int) -> None:
        try:
            with self.ctx.session() as session:
                settings_store.save(session, {KEEP_DAYS: value})
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.settings_changed.emit()
