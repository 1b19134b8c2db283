"""Dialogs for one group task: add or edit (group, time, title, text, materials), done with a note, move."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import group_tasks as gt
from services.errors import ValidationError
from services.group_tasks import TaskView
from services.groups import list_groups
from ui.context import AppContext
from ui.errors import show_error
from ui.groups import materials
from ui.i18n import tr
from ui.widgets import FieldError


def datetime_edit(when: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(when.date(), when.time()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


def edit_value(edit: QDateTimeEdit) -> datetime:
    value = edit.dateTime().toPython()
    assert isinstance(value, datetime)
    return value.replace(second=0, microsecond=0)


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class TaskDialog(QDialog):
    """新任务 (task None; in `group_id` or a group chosen here) or 编辑任务. Saves itself on OK."""

    def __init__(self, ctx: AppContext, task: TaskView | None = None, group_id: int | None = None,
                 when: datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task = task
        self.saved_id: int | None = None
        self.setWindowTitle(tr("编辑任务") if task else tr("新任务"))
        self.setMinimumWidth(520)
        self.group = QComboBox()
        with ctx.session() as session:
            for row in list_groups(session, "active"):
                self.group.addItem(row.name, row.id)
        if task is not None:
            self.group.addItem(task.group_name, task.group_id)
            self.group.setCurrentIndex(self.group.count() - 1)
            self.group.setEnabled(False)
        elif group_id is not None:
            self.group.setCurrentIndex(max(self.group.findData(group_id), 0))
        start = task.due_at if task else when or (datetime.now() + timedelta(hours=1)).replace(minute=0, second=0,
                                                                                                microsecond=0)
        self.due = datetime_edit(start)
        self.title = QLineEdit(task.title if task else "")
        self.title.setPlaceholderText(tr("如：周五抽奖"))
        self.body = QPlainTextEdit(task.body if task else "")
        self.body.setPlaceholderText(tr("到点要发到群里的文字"))
        self.material_ids = list(task.material_ids) if task else []
        self.materials_button = QPushButton()
        self.materials_button.clicked.connect(self._pick)
        self._show_materials()
        self.errors = {key: FieldError() for key in ("group", "due_at", "title")}
        form = QFormLayout()
        for key, label, widget in (("group", tr("群"), self.group), ("due_at", tr("时间"), self.due),
                                   ("title", tr("标题"), self.title)):
            form.addRow(label, widget)
            form.addRow("", self.errors[key])
        form.addRow(tr("文案"), self.body)
        form.addRow(tr("素材"), self.materials_button)
        if task is not None and task.use_id is not None:
            note = QLabel(tr("改过的任务会保留你的修改：以后按模板更新时不会覆盖它。"))
            note.setStyleSheet("color: #888;")
            form.addRow("", note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, tr("保存")))
        self.title.setFocus()

    def _show_materials(self) -> None:
        self.materials_button.setText(tr("{n} 个素材…", n=len(self.material_ids)) if self.material_ids else tr("选择素材…"))

    def _pick(self) -> None:
        chosen = materials.pick_materials(self.ctx, self, self.material_ids)
        if chosen is not None:
            self.material_ids = chosen
            self._show_materials()

    def accept(self) -> None:
        for error in self.errors.values():
            error.show_message("")
        if self.group.currentData() is None:
            self.errors["group"].show_message(tr("还没有运营中的群：先新建一个群"))
            return
        try:
            with self.ctx.session() as session:
                if self.task is None:
                    self.saved_id = gt.add_task(session, self.group.currentData(), edit_value(self.due), self.title.text(),
                                                self.body.toPlainText(), self.material_ids)
                else:
                    gt.edit_task(session, self.task.id, title=self.title.text(), body=self.body.toPlainText(),
                                 due_at=edit_value(self.due), material_ids=self.material_ids)
                    self.saved_id = self.task.id
        except ValidationError as exc:
            for key, message in exc.fields.items():
                self.errors.get(key, self.errors["title"]).show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        super().accept()


class DoneDialog(QDialog):
    """完成: what came of it (optional), e.g. “发了红包，20人抢”."""

    def __init__(self, task: TaskView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("完成：{title}", title=task.title))
        self.setMinimumWidth(420)
        what = QLabel(f"{task.group_name} · {task.due_at:%m-%d %H:%M} · {task.title}")
        what.setWordWrap(True)
        self.note = QPlainTextEdit(task.done_note)
        self.note.setPlaceholderText(tr("效果如何（可不填）：如 发了红包，20 人抢；接龙 8 单"))
        self.note.setFixedHeight(90)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(self.note)
        layout.addWidget(_buttons(self, tr("完成")))
        self.note.setFocus()

    def text(self) -> str:
        return self.note.toPlainText().strip()


class MoveDialog(QDialog):
    """改时间: another day or time (the template will not move it back)."""

    def __init__(self, task: TaskView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("改时间：{title}", title=task.title))
        self.due = datetime_edit(task.due_at)
        form = QFormLayout(self)
        form.addRow(tr("原来"), QLabel(f"{task.due_at:%Y-%m-%d %H:%M}"))
        form.addRow(tr("改到"), self.due)
        form.addRow(_buttons(self, tr("确定")))

    def value(self) -> datetime:
        return edit_value(self.due)
