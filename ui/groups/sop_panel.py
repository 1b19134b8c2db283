"""A group's SOP: the templates applied to it (with progress), applying one from a start date (and end),
re-applying after the template changed, extending and removing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from services import group_tasks as gt
from services import sop
from services.errors import ValidationError
from services.sop import SHAPE_LABELS, TemplateInfo, UseInfo
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.groups import common
from ui.groups.common import date_edit, qdate
from ui.i18n import tr
from ui.widgets import FieldError

DEFAULT_WEEKS = {"daily": 4, "weekly": 8}  # how far a daily / weekly routine is laid by default


class ApplyDialog(QDialog):
    """应用模板: pick a template, a start date and an end date; the number of tasks shows as you go."""

    def __init__(self, ctx: AppContext, group_name: str, parent: QWidget | None = None,
                 template_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("应用SOP模板到「{name}」", name=group_name))
        self.setMinimumWidth(520)
        with ctx.session() as session:
            self.templates = sop.list_templates(session)
        self.template = QComboBox()
        for info in self.templates:
            self.template.addItem(f"{info.name}（{tr(SHAPE_LABELS[info.shape])}）", info.id)
        if template_id is not None:
            self.template.setCurrentIndex(max(self.template.findData(template_id), 0))
        self.starts_on = date_edit(date.today())
        self.ends_on = date_edit(date.today())
        self.open_end = QCheckBox(tr("到序列最后一天"))
        self.open_end.setChecked(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #888;")
        self.preview = QLabel()
        self.preview.setObjectName("applyPreview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("font-weight: bold;")
        self.error = FieldError()
        end_row = QHBoxLayout()
        end_row.addWidget(self.ends_on)
        end_row.addWidget(self.open_end)
        end_row.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("模板"), self.template)
        form.addRow("", self.description)
        form.addRow(tr("开始日期"), self.starts_on)
        form.addRow(tr("结束日期"), end_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("应用"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.starts_on.dateChanged.connect(self._update_preview)
        self.ends_on.dateChanged.connect(self._update_preview)
        self.open_end.toggled.connect(self._update_preview)
        self._template_changed()

    def chosen(self) -> TemplateInfo | None:
        return next((t for t in self.templates if t.id == self.template.currentData()), None)

    def _template_changed(self) -> None:
        info = self.chosen()
        if info is None:
            return
        self.description.setText(info.description)
        self.open_end.setVisible(info.shape == "sequence")
        start = qdate(self.starts_on)
        if info.shape == "sequence":
            self.ends_on.setDate(start + timedelta(days=max(info.days, 1) - 1))
        else:
            self.ends_on.setDate(start + timedelta(weeks=DEFAULT_WEEKS[info.shape], days=-1))
        self._update_preview()

    def window(self) -> tuple[date, date | None]:
        info = self.chosen()
        open_end = info is not None and info.shape == "sequence" and self.open_end.isChecked()
        self.ends_on.setEnabled(not open_end)
        return qdate(self.starts_on), None if open_end else qdate(self.ends_on)

    def _update_preview(self) -> None:
        info = self.chosen()
        starts_on, ends_on = self.window()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.error.show_message("")
        if info is None:
            return
        try:
            with self.ctx.session() as session:
                preview = sop.preview_apply(session, info.id, starts_on, ends_on)
        except ValidationError as exc:
            self.preview.setText("")
            self.error.show_message("；".join(exc.fields.values()))
            ok.setEnabled(False)
            return
        ok.setEnabled(preview.tasks > 0)
        if not preview.tasks:
            self.preview.setText(tr("这段时间里没有要排的任务"))
            return
        assert preview.first_due is not None and preview.last_due is not None
        self.preview.setText(tr("将排入 {n} 个任务：{first} 至 {last}", n=preview.tasks,
                                first=preview.first_due.strftime("%Y-%m-%d %H:%M"),
                                last=preview.last_due.strftime("%Y-%m-%d %H:%M")))


class ExtendDialog(QDialog):
    """延长: a new end date for a daily or weekly routine."""

    def __init__(self, use: UseInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("延长“{name}”", name=use.template_name))
        current = use.ends_on or date.today()
        self.ends_on = date_edit(current + timedelta(weeks=DEFAULT_WEEKS.get(use.shape, 4)))
        form = QFormLayout(self)
        form.addRow(tr("现在到"), QLabel(current.isoformat()))
        form.addRow(tr("延长到"), self.ends_on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("延长"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class SopPanel(QWidget):
    """Signals:
        changed(): tasks were laid, updated or removed.
        calendar_requested(int): 在日历中查看 was pressed (the group's id).
    """

    changed = Signal()
    calendar_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.group_id: int | None = None
        self.group_name = ""
        self.uses: list[UseInfo] = []
        self.apply_button = QPushButton(tr("应用模板…"))
        self.apply_button.clicked.connect(self.apply)
        self.reapply_button = QPushButton(tr("按新模板更新"))
        self.reapply_button.setToolTip(tr("模板改过之后，更新这个群未来的待办任务（完成、跳过或手动改过的不动）"))
        self.reapply_button.clicked.connect(self.reapply)
        self.extend_button = QPushButton(tr("延长…"))
        self.extend_button.clicked.connect(self.extend)
        self.remove_button = QPushButton(tr("移除"))
        self.remove_button.clicked.connect(self.remove)
        self.table = QTableWidget()
        common.prepare_table(self.table, [tr("模板"), tr("类型"), tr("开始"), tr("结束"), tr("进度"), tr("状态")])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel(tr("还没有应用SOP模板。点“应用模板”，选一个节奏（每日三段、每周栏目、7天快闪…）和开始日期，"
                               "任务就会排进日历，每条都带着可以直接复制的文案。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; padding: 16px;")
        self.upcoming_title = QLabel(tr("接下来 7 天的任务"))
        self.upcoming_title.setStyleSheet("font-weight: bold; margin-top: 8px;")
        self.calendar_button = QPushButton(tr("在日历中查看"))
        self.calendar_button.clicked.connect(
            lambda: self.group_id is not None and self.calendar_requested.emit(self.group_id))
        self.upcoming = QListWidget()
        self.upcoming.setObjectName("upcomingTasks")
        self.upcoming.setItemDelegate(common.ColorDelegate(self.upcoming))
        top = QHBoxLayout()
        for button in (self.apply_button, self.reapply_button, self.extend_button, self.remove_button):
            top.addWidget(button)
        top.addStretch(1)
        below = QHBoxLayout()
        below.addWidget(self.upcoming_title)
        below.addStretch(1)
        below.addWidget(self.calendar_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(below)
        layout.addWidget(self.upcoming, 2)
        self.set_group(None, "")

    def set_group(self, group_id: int | None, name: str) -> None:
        self.group_id, self.group_name = group_id, name
        self.reload()

    def reload(self) -> None:
        self.uses = []
        if self.group_id is not None:
            with self.ctx.session() as session:
                self.uses = sop.uses_of_group(session, self.group_id)
        self.table.setRowCount(len(self.uses))
        for row, use in enumerate(self.uses):
            state = tr("模板已修改，可更新") if use.outdated else tr("已完成") if not use.open else tr("进行中")
            common.set_row(self.table, row, [
                use.template_name, tr(SHAPE_LABELS[use.shape]), use.starts_on.isoformat(),
                use.ends_on.isoformat() if use.ends_on else "", tr("{done}/{total} 已完成", done=use.done, total=use.tasks),
                state], data=use.id, color=common.TODAY_COLOR if use.outdated else None)
        self.table.resizeColumnsToContents()
        self.table.setMaximumHeight(40 + 30 * max(len(self.uses), 1) + 10)
        self._fill_upcoming()
        self.table.setVisible(bool(self.uses))
        self.empty.setVisible(not self.uses)
        self.apply_button.setEnabled(self.group_id is not None)
        if self.uses:
            common.select_row(self.table, 0)
        self._update_buttons()

    def _fill_upcoming(self) -> None:
        self.upcoming.clear()
        tasks = []
        if self.group_id is not None:
            now = datetime.now()
            with self.ctx.session() as session:
                overdue = [t for t in gt.overdue_tasks(session, now) if t.group_id == self.group_id]
                coming = gt.tasks_between(session, date.today(), date.today() + timedelta(days=6),
                                          group_id=self.group_id, now=now)
            tasks = overdue + [t for t in coming if t.status == "open" and not t.overdue]
        for task in tasks[:60]:
            item = QListWidgetItem(f"{task.due_at:%m-%d %H:%M}  {task.title}" + (tr("（逾期）") if task.overdue else ""))
            if task.overdue:
                item.setForeground(QColor(common.OVERDUE_COLOR))
            item.setToolTip(task.body)
            self.upcoming.addItem(item)
        if not tasks:
            placeholder = QListWidgetItem(tr("接下来 7 天没有待办任务"))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.upcoming.addItem(placeholder)
        for widget in (self.upcoming, self.upcoming_title, self.calendar_button):
            widget.setVisible(self.group_id is not None)

    def selected(self) -> UseInfo | None:
        rows = common.selected_rows(self.table)
        return self.uses[rows[0]] if rows and rows[0] < len(self.uses) else None

    def _update_buttons(self) -> None:
        use = self.selected()
        self.reapply_button.setEnabled(use is not None)
        self.reapply_button.setText(tr("按新模板更新") if use is None or use.outdated else tr("重新应用"))
        self.extend_button.setEnabled(use is not None and use.shape != "sequence")
        self.remove_button.setEnabled(use is not None)

    def apply(self, template_id: int | None = None) -> None:
        if self.group_id is None:
            return
        dialog = ApplyDialog(self.ctx, self.group_name, self, template_id if isinstance(template_id, int) else None)
        if not common.run_dialog(dialog):
            return
        info = dialog.chosen()
        if info is None:
            return
        starts_on, ends_on = dialog.window()
        try:
            with self.ctx.session() as session:
                sop.apply_template(session, self.group_id, info.id, starts_on, ends_on)
                count = sop.preview_apply(session, info.id, starts_on, ends_on).tasks
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.status_message.emit(tr("已把“{name}”排进日历：{n} 个任务", name=info.name, n=count))
        self.reload()
        self.changed.emit()

    def reapply(self) -> None:
        use = self.selected()
        if use is None:
            return
        with self.ctx.session() as session:
            counts = sop.preview_reapply(session, use.id)
        if not counts["added"] + counts["updated"] + counts["removed"]:
            self.ctx.status_message.emit(tr("未来的任务已经和模板一致，不用更新"))
            with self.ctx.session() as session:
                sop.reapply(session, use.id)
            self.reload()
            return
        text = tr("按模板“{name}”现在的内容更新这个群未来的任务：\n\n新增 {added} 个、更新 {updated} 个、删除 {removed} 个待办任务；\n"
                  "已完成、已跳过或手动改过的 {kept} 个任务保持不变，过去的任务不动。", name=use.template_name, **counts)
        if confirm(self, tr("更新未来任务"), text, tr("更新")):
            self._run(lambda s: sop.reapply(s, use.id), tr("已更新未来任务"))

    def extend(self) -> None:
        use = self.selected()
        if use is None:
            return
        dialog = ExtendDialog(use, self)
        if common.run_dialog(dialog):
            ends_on = qdate(dialog.ends_on)
            self._run(lambda s: sop.reapply(s, use.id, ends_on=ends_on), tr("已延长到 {d}", d=ends_on))

    def remove(self) -> None:
        use = self.selected()
        if use is None or not confirm(self, tr("移除模板"), tr("从这个群移除“{name}”？\n\n未来还没做的任务会删掉；已完成、跳过或手动改过的任务留在日历上。",
                                                          name=use.template_name), tr("移除")):
            return
        self._run(lambda s: sop.remove_use(s, use.id), tr("已移除“{name}”", name=use.template_name))

    def _run(self, change: object, message: str) -> None:
        assert callable(change)
        try:
            with self.ctx.session() as session:
                change(session)
        except Exception as exc:
            show_error(self, exc)
            self.reload()
            return
        self.ctx.status_message.emit(message)
        self.reload()
        self.changed.emit()
