"""SOP模板: the list of templates and the editor — shape (每日时段 / 每周栏目 / 按天序列), steps with day,
time, title, ready text and materials. Saving a template that groups use offers to update their future
tasks (re-apply), showing how many would change first."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from models.groups import SOP_SHAPES
from services import sop
from services.errors import ValidationError
from services.sop import SHAPE_LABELS, WEEKDAYS, StepInput, TemplateInfo, TemplateInput
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.groups import common, materials
from ui.i18n import tr
from ui.widgets import FieldError

SHAPE_HINTS = {
    "daily": "每天同样的时段：如 7:30 早打卡、12:00 午分享、20:00 晚答疑",
    "weekly": "每周固定栏目：如 周一种草、周三会员日、周五裂变",
    "sequence": "按天数排的活动：如 7 天快闪群，第 1 天预热、第 3 天开团、第 7 天解散",
}


@dataclass
class EditStep:
    day: int
    time: str
    title: str
    body: str = ""
    material_ids: list[int] = field(default_factory=list)
    id: int | None = None


class TemplateEditor(QWidget):
    """Signals:
        saved(int): the template was saved (its id).
    """

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.template_id: int | None = None
        self.steps: list[EditStep] = []
        self.dirty = False
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("如：福利群日常"))
        self.shape = QComboBox()
        for shape in SOP_SHAPES:
            self.shape.addItem(tr(SHAPE_LABELS[shape]), shape)
        self.shape_hint = QLabel()
        self.shape_hint.setStyleSheet("color: #888;")
        self.days = QSpinBox()
        self.days.setRange(1, sop.MAX_SEQUENCE_DAYS)
        self.days.setSuffix(tr(" 天"))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(tr("这个模板适合什么群、要达到什么目的"))
        self.description.setFixedHeight(54)
        self.errors = {key: FieldError() for key in ("name", "shape", "days", "steps")}
        form = QFormLayout()
        form.addRow(tr("名称"), self._with(self.name, "name"))
        shape_row = QHBoxLayout()
        shape_row.addWidget(self.shape)
        shape_row.addWidget(self.days)
        shape_row.addWidget(self.shape_hint, 1)
        form.addRow(tr("类型"), shape_row)
        form.addRow("", self.errors["shape"])
        form.addRow("", self.errors["days"])
        form.addRow(tr("说明"), self.description)

        self.table = QTableWidget()
        common.prepare_table(self.table, [tr("哪天"), tr("时间"), tr("标题"), tr("文案"), tr("素材")])
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_step)
        self.step_day = QStackedWidget()
        self.every_day = QLabel(tr("每天"))
        self.weekday = QComboBox()
        for number, name in enumerate(WEEKDAYS, 1):
            self.weekday.addItem(tr(name), number)
        self.day_number = QSpinBox()
        self.day_number.setRange(1, sop.MAX_SEQUENCE_DAYS)
        self.day_number.setPrefix(tr("第 "))
        self.day_number.setSuffix(tr(" 天"))
        for widget in (self.every_day, self.weekday, self.day_number):
            self.step_day.addWidget(widget)
        self.step_time = QTimeEdit()
        self.step_time.setDisplayFormat("HH:mm")
        self.step_title = QLineEdit()
        self.step_title.setPlaceholderText(tr("如：午分享"))
        self.step_body = QPlainTextEdit()
        self.step_body.setPlaceholderText(tr("到点要发到群里的文字，复制即用"))
        self.step_materials = QPushButton(tr("素材…"))
        self.step_materials.clicked.connect(self._pick_materials)
        self.step_error = FieldError()
        when = QHBoxLayout()
        when.addWidget(self.step_day)
        when.addWidget(self.step_time)
        when.addWidget(self.step_title, 1)
        when.addWidget(self.step_materials)
        buttons = QHBoxLayout()
        self.add_step_button = QPushButton(tr("添加步骤"))
        self.add_step_button.clicked.connect(self.add_step)
        self.remove_step_button = QPushButton(tr("删除步骤"))
        self.remove_step_button.clicked.connect(self.remove_step)
        self.up_button, self.down_button = QPushButton(tr("上移")), QPushButton(tr("下移"))
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button.clicked.connect(lambda: self.move_step(1))
        for button in (self.add_step_button, self.remove_step_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("保存模板"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(tr("放弃修改"))
        self.revert_button.clicked.connect(lambda: self.load(self.template_id))
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("步骤（选中一行在下面修改）")))
        layout.addWidget(self.table, 2)
        layout.addWidget(self.errors["steps"])
        layout.addLayout(when)
        layout.addWidget(self.step_body, 1)
        layout.addWidget(self.step_error)
        layout.addLayout(buttons)
        save = QAction(self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.triggered.connect(self.save)
        self.addAction(save)
        self.shape.currentIndexChanged.connect(self._shape_changed)
        self.days.valueChanged.connect(lambda _v: self._touched())
        self.name.textEdited.connect(lambda _t: self._touched())
        self.description.textChanged.connect(self._touched)
        for signal in (self.weekday.currentIndexChanged, self.day_number.valueChanged, self.step_time.timeChanged,
                       self.step_title.textEdited, self.step_body.textChanged):
            signal.connect(self._step_edited)
        self.load(None)

    def _with(self, widget: QWidget, key: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.errors[key])
        return box

    # ---- loading ---------------------------------------------------------------------------------

    def load(self, template_id: int | None, *, info: TemplateInfo | None = None) -> None:
        """Show a template (None = a new, empty one)."""
        if info is None and template_id is not None:
            with self.ctx.session() as session:
                info = sop.get_template(session, template_id)
        self.template_id = template_id
        with common.blocked(self.name, self.shape, self.days, self.description):
            self._fill_fields(info)
        self._show_shape()
        self._fill_table(0)
        self._clear_errors()
        self.dirty = False
        self.revert_button.setEnabled(False)

    def _fill_fields(self, info: TemplateInfo | None) -> None:
        if info is None:
            self.name.clear()
            self.shape.setCurrentIndex(0)
            self.days.setValue(7)
            self.description.clear()
            self.steps = [EditStep(0, "09:00", "")]
        else:
            self.name.setText(info.name)
            self.shape.setCurrentIndex(SOP_SHAPES.index(info.shape))
            self.days.setValue(max(info.days, 1))
            self.description.setPlainText(info.description)
            self.steps = [EditStep(s.day, s.time, s.title, s.body, list(s.material_ids), s.id) for s in info.steps]

    def _show_shape(self) -> None:
        shape = self.shape.currentData()
        self.shape_hint.setText(tr(SHAPE_HINTS[shape]))
        self.days.setVisible(shape == "sequence")
        self.step_day.setCurrentIndex(SOP_SHAPES.index(shape))

    def _day_text(self, step: EditStep) -> str:
        return sop.day_label(self.shape.currentData(), step.day)

    def _cells(self, step: EditStep) -> list[str]:
        preview = step.body.replace("\n", " ")
        return [self._day_text(step), step.time, step.title or tr("（未填标题）"),
                preview[:60] + ("…" if len(preview) > 60 else ""),
                tr("{n} 个", n=len(step.material_ids)) if step.material_ids else ""]

    def _fill_table(self, select: int | None = None) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.steps))
        for row, step in enumerate(self.steps):
            common.set_row(self.table, row, self._cells(step))
        self.table.blockSignals(False)
        if select is not None and self.steps:
            common.select_row(self.table, min(select, len(self.steps) - 1))
        self._show_step()

    def _row(self) -> int | None:
        rows = common.selected_rows(self.table)
        return rows[0] if rows and rows[0] < len(self.steps) else None

    def _show_step(self) -> None:
        row = self._row()
        enabled = row is not None
        for widget in (self.step_day, self.step_time, self.step_title, self.step_body, self.step_materials,
                       self.remove_step_button, self.up_button, self.down_button):
            widget.setEnabled(enabled)
        if row is None:
            return
        with common.blocked(self.weekday, self.day_number, self.step_time, self.step_title, self.step_body):
            self._fill_step(self.steps[row])

    def _fill_step(self, step: EditStep) -> None:
        self.weekday.setCurrentIndex(min(max(step.day, 1), 7) - 1)
        self.day_number.setValue(max(step.day, 1))
        try:
            at = sop.parse_time(step.time)
            self.step_time.setTime(QTime(at.hour, at.minute))
        except ValueError:
            self.step_time.setTime(QTime(9, 0))
        self.step_title.setText(step.title)
        self.step_body.setPlainText(step.body)
        self.step_materials.setText(tr("素材（{n}）…", n=len(step.material_ids)) if step.material_ids else tr("素材…"))

    # ---- editing -----------------------------------------------------------------------------------

    def _touched(self) -> None:
        self.dirty = True
        self.revert_button.setEnabled(self.template_id is not None)

    def _shape_changed(self) -> None:
        shape = self.shape.currentData()
        for step in self.steps:
            if shape == "daily":
                step.day = 0
            elif shape == "weekly":
                step.day = step.day if 1 <= step.day <= 7 else 1
            else:
                step.day = max(step.day, 1)
        if shape == "sequence":
            self.days.setValue(max(self.days.value(), *(s.day for s in self.steps)) if self.steps else self.days.value())
        self._show_shape()
        self._fill_table(self._row())
        self._touched()

    def _step_edited(self) -> None:
        row = self._row()
        if row is None:
            return
        step, shape = self.steps[row], self.shape.currentData()
        step.day = 0 if shape == "daily" else self.weekday.currentData() if shape == "weekly" else self.day_number.value()
        step.time = self.step_time.time().toString("HH:mm")
        step.title = self.step_title.text()
        step.body = self.step_body.toPlainText()
        common.set_row(self.table, row, self._cells(step))
        self._touched()

    def add_step(self) -> None:
        last = self.steps[-1] if self.steps else EditStep(0, "09:00", "")
        day = {"daily": 0, "weekly": min(max(last.day, 1), 7)}.get(self.shape.currentData(), max(last.day, 1))
        self.steps.append(EditStep(day, last.time, ""))
        self._fill_table(len(self.steps) - 1)
        self.step_title.setFocus()
        self._touched()

    def remove_step(self) -> None:
        row = self._row()
        if row is not None:
            del self.steps[row]
            self._fill_table(row)
            self._touched()

    def move_step(self, by: int) -> None:
        row = self._row()
        if row is None or not 0 <= row + by < len(self.steps):
            return
        self.steps[row], self.steps[row + by] = self.steps[row + by], self.steps[row]
        self._fill_table(row + by)
        self._touched()

    def _pick_materials(self) -> None:
        row = self._row()
        if row is None:
            return
        chosen = materials.pick_materials(self.ctx, self, self.steps[row].material_ids)
        if chosen is not None:
            self.steps[row].material_ids = chosen
            self._step_edited()
            self._show_step()

    # ---- saving --------------------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for error in (*self.errors.values(), self.step_error):
            error.show_message("")

    def value(self) -> TemplateInput:
        steps = [StepInput(s.day, s.time, s.title, s.body, tuple(s.material_ids), s.id) for s in self.steps]
        shape = self.shape.currentData()
        return TemplateInput(self.name.text(), shape, steps, self.description.toPlainText(),
                             self.days.value() if shape == "sequence" else 0)

    def save(self) -> bool:
        self._clear_errors()
        try:
            with self.ctx.session() as session:
                before = sop.get_template(session, self.template_id).version if self.template_id else 0
                template_id = sop.save_template(session, self.value(), self.template_id)
                info = sop.get_template(session, template_id)
        except ValidationError as exc:
            step_messages = [m for k, m in exc.fields.items() if k.startswith("step")]
            for key, message in exc.fields.items():
                if key in self.errors:
                    self.errors[key].show_message(message)
            self.step_error.show_message("\n".join(step_messages))
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self.load(template_id, info=info)
        self.saved.emit(template_id)
        self.ctx.status_message.emit(tr("已保存模板“{name}”", name=info.name))
        if info.uses and info.version != before and before:
            self._offer_reapply(info)
        return True

    def _offer_reapply(self, info: TemplateInfo) -> None:
        with self.ctx.session() as session:
            counts = sop.preview_reapply_template(session, info.id)
        if not counts["added"] + counts["updated"] + counts["removed"]:
            return
        text = tr("“{name}”用在 {n} 个群里。要按修改后的模板更新这些群未来的任务吗？\n\n"
                  "将新增 {added} 个、更新 {updated} 个、删除 {removed} 个未来的待办任务；\n"
                  "已完成、已跳过或手动改过的 {kept} 个任务保持不变，过去的任务不动。",
                  name=info.name, n=info.uses, **counts)
        if confirm(self, tr("更新群里的任务"), text, tr("更新未来任务")):
            try:
                with self.ctx.session() as session:
                    sop.reapply_template(session, info.id)
            except Exception as exc:
                show_error(self, exc)
                return
            self.ctx.status_message.emit(tr("已更新 {n} 个群的未来任务", n=info.uses))
            self.saved.emit(info.id)


class TemplatesPanel(QWidget):
    """The template list (built-in first) and the editor.

    Signals:
        changed(): a template was saved, copied or deleted.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.templates: list[TemplateInfo] = []
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.currentRowChanged.connect(self._chosen)
        self.new_button = QPushButton(tr("新建模板"))
        self.new_button.clicked.connect(self.new_template)
        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.clicked.connect(self.copy_template)
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.clicked.connect(self.delete_template)
        self.editor = TemplateEditor(ctx)
        self.editor.saved.connect(self._saved)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for button in (self.new_button, self.copy_button, self.delete_button):
            row.addWidget(button)
        column.addLayout(row)
        column.addWidget(self.list, 1)
        hint = QLabel(tr("模板是可重复使用的群运营节奏；在群详情的“SOP”里应用到群，任务就会排进日历。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #888;")
        column.addWidget(hint)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 800])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        ctx.ui_state.restore_splitter("groups.templates", self.splitter)
        self.reload()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("groups.templates", self.splitter)

    def reload(self, select: int | None = None) -> None:
        with self.ctx.session() as session:
            self.templates = sop.list_templates(session)
        current = select if select is not None else self.editor.template_id
        self.list.blockSignals(True)
        self.list.clear()
        for info in self.templates:
            extras = [tr(SHAPE_LABELS[info.shape]), tr("{n} 步", n=len(info.steps))]
            if info.builtin:
                extras.append(tr("内置"))
            if info.uses:
                extras.append(tr("用在 {n} 个群", n=info.uses))
            item = QListWidgetItem(f"{info.name}\n{' · '.join(extras)}")
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [info.id for info in self.templates]
        if current in ids:
            self.list.setCurrentRow(ids.index(current))
        elif self.templates and self.editor.template_id is None and not self.editor.dirty:
            self.list.setCurrentRow(0)

    def _chosen(self, row: int) -> None:
        if row < 0 or row >= len(self.templates):
            return
        info = self.templates[row]
        if info.id == self.editor.template_id:
            return
        if self.editor.dirty and not confirm(self, tr("放弃修改"), tr("当前模板的修改还没保存，放弃这些修改？"), tr("放弃")):
            self.reload(self.editor.template_id)
            return
        self.editor.load(info.id, info=info)

    def new_template(self) -> None:
        if self.editor.dirty and not confirm(self, tr("放弃修改"), tr("当前模板的修改还没保存，放弃这些修改？"), tr("放弃")):
            return
        self.list.clearSelection()
        self.editor.load(None)
        self.editor.name.setFocus()

    def copy_template(self) -> None:
        if self.editor.template_id is None:
            return
        try:
            with self.ctx.session() as session:
                new_id = sop.duplicate_template(session, self.editor.template_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.editor.load(new_id)
        self._saved(new_id)

    def delete_template(self) -> None:
        info = next((i for i in self.templates if i.id == self.editor.template_id), None)
        if info is None or not confirm(self, tr("删除模板"), tr("删除模板“{name}”？删除后不能恢复。", name=info.name), tr("删除")):
            return
        try:
            with self.ctx.session() as session:
                sop.delete_template(session, info.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.editor.load(None)
        self.reload()
        self.changed.emit()

    def _saved(self, template_id: int) -> None:
        self.reload(template_id)
        self.changed.emit()
