"""群日历: every group's tasks by day or week, filtered by group and WeChat account. Each task: copy its
text, open its materials, mark done with a note, skip, move, edit. Overdue tasks are red.

Keys on a day's list: Space or D 完成, C 复制文案, S 跳过, Enter 编辑, Delete 删除.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services import group_tasks as gt
from services.calendar_cn import day_info
from services.group_tasks import TaskView
from services.groups import list_groups
from services.sop import WEEKDAYS
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.groups import common, materials
from ui.groups.common import DONE_COLOR, OVERDUE_COLOR, TODAY_COLOR, copy_text
from ui.groups.task_dialogs import DoneDialog, MoveDialog, TaskDialog
from ui.i18n import tr


class DayList(QListWidget):
    """One day's tasks.

    Signals:
        key_action(str): "done", "copy", "skip", "edit" or "delete" pressed on the current task.
    """

    key_action = Signal(str)
    KEYS = {Qt.Key.Key_Space: "done", Qt.Key.Key_D: "done", Qt.Key.Key_C: "copy", Qt.Key.Key_S: "skip",
            Qt.Key.Key_Return: "edit", Qt.Key.Key_Enter: "edit", Qt.Key.Key_Delete: "delete"}

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.KEYS.get(Qt.Key(event.key()))
        if action and self.currentItem() is not None and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.key_action.emit(action)
            return
        super().keyPressEvent(event)


TASK_ROLE = Qt.ItemDataRole.UserRole + 1


class TaskDelegate(QStyledItemDelegate):
    """Paints a task as a small card: a bar in the group type's colour, time and title (red and bold when
    overdue, grey when done, struck through when skipped), the group's name under it, and in the day
    view a line of its text."""

    def __init__(self, detailed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detailed = detailed

    def _lines(self) -> int:
        return 3 if self.detailed else 2

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        task = index.data(TASK_ROLE)
        lines = self._lines() if task is not None else 1
        return QSize(80, lines * (metrics.height() + 2) + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        task: TaskView | None = index.data(TASK_ROLE)
        rect: QRect = option.rect.adjusted(2, 2, -2, -2)  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        if task is None:
            painter.setPen(QColor(DONE_COLOR))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, index.data(Qt.ItemDataRole.DisplayRole) or "")
            painter.restore()
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        background = QColor(211, 47, 47, 34) if task.overdue else QColor(127, 127, 127, 22)
        if selected:
            background = QColor(0, 150, 136, 70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setBrush(QColor(common.KIND_COLORS.get(task.group_kind, "#607d8b")))
        painter.drawRoundedRect(QRect(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        text_left = rect.left() + 10
        width = rect.width() - 14
        line = metrics.height() + 2
        font = QFont(option.font)  # type: ignore[attr-defined]
        title_color = QColor(OVERDUE_COLOR) if task.overdue else QColor(DONE_COLOR) if task.status != "open" \
            else option.palette.color(QPalette.ColorRole.Text)  # type: ignore[attr-defined]
        font.setBold(task.overdue)
        font.setStrikeOut(task.status == "skipped")
        painter.setFont(font)
        painter.setPen(title_color)
        mark = {"done": "✓ ", "skipped": ""}.get(task.status, "")
        first = f"{task.due_at:%H:%M} {mark}{task.title}"
        top = rect.top() + 4
        painter.drawText(QRect(text_left, top, width, line), Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(font).elidedText(first, Qt.TextElideMode.ElideRight, width))
        small = QFont(option.font)  # type: ignore[attr-defined]
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        painter.setPen(QColor(DONE_COLOR) if task.status != "open" else QColor("#888888"))
        state = tr("逾期") if task.overdue else "" if task.status == "open" else task.status_label
        second = task.group_name + (f" · {state}" if state else "")
        painter.drawText(QRect(text_left, top + line, width, line), Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(small).elidedText(second, Qt.TextElideMode.ElideRight, width))
        if self.detailed and task.body:
            preview = task.body.replace("\n", " ")
            painter.drawText(QRect(text_left, top + 2 * line, width, line), Qt.AlignmentFlag.AlignVCenter,
                             QFontMetrics(small).elidedText(preview, Qt.TextElideMode.ElideRight, width))
        painter.restore()


class DayColumn(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = date.today()
        self.header = QLabel()
        self.header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list = DayList()
        self.compact, self.full = TaskDelegate(False, self.list), TaskDelegate(True, self.list)
        self.list.setItemDelegate(self.compact)
        self.list.setUniformItemSizes(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSpacing(2)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.list, 1)

    def show_day(self, day: date, tasks: list[TaskView], detailed: bool) -> None:
        self.day = day
        info = day_info(day)
        marks = " ".join(info.marks())
        weekday = tr(WEEKDAYS[day.weekday()])
        title = f"{weekday} {day.month}/{day.day}" if not detailed else f"{day.isoformat()} {weekday}  {marks}"
        open_count = sum(1 for t in tasks if t.status == "open")
        self.header.setText(title + (f"（{open_count}）" if open_count else ""))
        today = day == date.today()
        self.header.setStyleSheet(f"font-weight: bold; padding: 4px; color: {TODAY_COLOR};" if today
                                  else "font-weight: bold; padding: 4px;")
        self.header.setToolTip(marks)
        self.list.setItemDelegate(self.full if detailed else self.compact)
        self.list.clear()
        for task in tasks:
            item = QListWidgetItem(self._text(task, detailed))
            item.setData(Qt.ItemDataRole.UserRole, task.id)
            item.setData(TASK_ROLE, task)
            item.setToolTip(f"{task.group_name} · {task.title}\n\n{task.body}" if task.body else task.title)
            self.list.addItem(item)
        if not tasks:
            empty = QListWidgetItem(tr("没有任务"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    @staticmethod
    def _text(task: TaskView, detailed: bool) -> str:
        mark = {"done": "✓ ", "skipped": tr("（跳过）")}.get(task.status, "")
        overdue = tr("（逾期）") if task.overdue else ""
        first = f"{task.due_at:%H:%M}  {mark}{task.title}{overdue}"
        if not detailed:
            return f"{first}\n{task.group_name}"
        preview = task.body.replace("\n", " ")
        preview = preview[:80] + ("…" if len(preview) > 80 else "")
        return f"{first}    {task.group_name}" + (f"\n{preview}" if preview else "")


class TaskPane(QWidget):
    """The chosen task: where, when, its text, and what to do with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: TaskView | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #2e7d32;")
        self.buttons: dict[str, QPushButton] = {}
        grid = QHBoxLayout()
        more = QHBoxLayout()
        for key, label, row in (("copy", tr("复制文案"), grid), ("materials", tr("打开素材"), grid),
                                ("done", tr("完成…"), grid), ("reopen", tr("重新打开"), grid),
                                ("skip", tr("跳过"), more), ("move", tr("改时间…"), more), ("edit", tr("编辑…"), more),
                                ("delete", tr("删除"), more)):
            button = QPushButton(label)
            self.buttons[key] = button
            row.addWidget(button)
        self.buttons["copy"].setToolTip("C")
        self.buttons["done"].setToolTip(tr("空格 或 D"))
        self.placeholder = QLabel(tr("选中日历里的一个任务：复制文案发到群里，做完点“完成”。"))
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #888; padding: 12px;")
        self.content = QWidget()
        box = QVBoxLayout(self.content)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addWidget(self.meta)
        box.addWidget(self.body, 1)
        box.addWidget(self.note)
        box.addLayout(grid)
        box.addLayout(more)
        layout = QVBoxLayout(self)
        layout.addWidget(self.content, 1)
        layout.addWidget(self.placeholder)
        layout.addStretch(0)
        self.show_task(None)

    def show_task(self, task: TaskView | None) -> None:
        self.task = task
        self.content.setVisible(task is not None)
        self.placeholder.setVisible(task is None)
        if task is None:
            return
        self.title.setText(task.title)
        status = (f'<span style="color:{OVERDUE_COLOR}; font-weight:bold;">{tr("逾期")}</span>' if task.overdue
                  else task.status_label)
        source = tr("模板：{name}", name=task.template_name) if task.template_name else tr("手动添加")
        edited = tr(" · 改过") if task.edited and task.use_id is not None else ""
        self.meta.setText(f"{common.chip(tr(task.group_kind), common.KIND_COLORS.get(task.group_kind, '#607d8b'))} "
                          f"{task.group_name} · {task.account_name or tr('未指定微信号')}<br>"
                          f"{task.due_at:%Y-%m-%d %H:%M} · {status} · {source}{edited}")
        self.body.setPlainText(task.body or tr("（这个任务没有准备文案）"))
        note = task.done_note if task.status != "open" else ""
        self.note.setText(tr("备注：{note}", note=note) if note else "")
        self.note.setVisible(bool(note))
        is_open = task.status == "open"
        self.buttons["copy"].setEnabled(bool(task.body))
        self.buttons["materials"].setEnabled(bool(task.material_ids))
        self.buttons["materials"].setText(tr("打开素材（{n}）", n=len(task.material_ids)) if task.material_ids
                                          else tr("没有素材"))
        for key in ("done", "skip"):
            self.buttons[key].setVisible(is_open)
        self.buttons["reopen"].setVisible(not is_open)


class CalendarView(QWidget):
    """Signals:
        changed(): a task was done, skipped, moved, edited, added or deleted.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.anchor = date.today()
        self.tasks: dict[int, TaskView] = {}
        self.selected_id: int | None = None
        self.day_button, self.week_button = QPushButton(), QPushButton()
        self.mode = QButtonGroup(self)
        for button, label in ((self.day_button, tr("日")), (self.week_button, tr("周"))):
            button.setText(label)
            button.setCheckable(True)
            self.mode.addButton(button)
        self.week_button.setChecked(True)
        self.mode.buttonToggled.connect(lambda _b, on: on and self.reload())
        self.prev_button, self.next_button = QToolButton(), QToolButton()
        self.prev_button.setText("◀")
        self.next_button.setText("▶")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button = QPushButton(tr("今天"))
        self.today_button.clicked.connect(lambda: self.go_to(date.today()))
        self.period = QLabel()
        self.period.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.group = QComboBox()
        self.account = QComboBox()
        self.group.currentIndexChanged.connect(lambda _i: self.reload())
        self.account.currentIndexChanged.connect(lambda _i: self.reload())
        self.show_done = QCheckBox(tr("显示已完成"))
        self.show_done.setChecked(True)
        self.show_done.toggled.connect(lambda _c: self.reload())
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #888;")
        self.new_button = QPushButton(tr("新任务"))
        self.new_button.clicked.connect(lambda: self.new_task())
        self.columns = [DayColumn() for _ in range(7)]
        for column in self.columns:
            column.list.currentItemChanged.connect(lambda item, _p: self._chosen(item))
            column.list.itemDoubleClicked.connect(lambda _i: self.act("edit"))
            column.list.key_action.connect(self.act)
            column.list.customContextMenuRequested.connect(lambda pos, c=column: self._menu(c, pos))
        self.board = QWidget()
        row = QHBoxLayout(self.board)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for column in self.columns:
            row.addWidget(column, 1)
        self.pane = TaskPane()
        for key, button in self.pane.buttons.items():
            button.clicked.connect(lambda _=False, k=key: self.act(k))
        self.splitter = QSplitter()
        self.splitter.addWidget(self.board)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([980, 300])
        self.splitter.setChildrenCollapsible(False)
        top = QHBoxLayout()
        for widget in (self.day_button, self.week_button, self.prev_button, self.today_button, self.next_button,
                       self.period):
            top.addWidget(widget)
        top.addStretch(1)
        for widget in (self.group, self.account, self.show_done, self.new_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        ctx.ui_state.restore_splitter("groups.calendar", self.splitter)
        self.refresh_filters()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("groups.calendar", self.splitter)

    def refresh_filters(self) -> None:
        with common.blocked(self.group, self.account):
            current = self.group.currentData()
            self.group.clear()
            self.group.addItem(tr("全部群"), None)
            with self.ctx.session() as session:
                for row in list_groups(session, "active"):
                    self.group.addItem(row.name, row.id)
            self.group.setCurrentIndex(max(self.group.findData(current), 0))
            common.fill_account_combo(self.ctx, self.account, everyone=tr("全部微信号"))
        self.reload()

    def days(self) -> list[date]:
        if self.day_button.isChecked():
            return [self.anchor]
        monday = self.anchor - timedelta(days=self.anchor.weekday())
        return [monday + timedelta(days=n) for n in range(7)]

    def step(self, by: int) -> None:
        self.go_to(self.anchor + timedelta(days=by if self.day_button.isChecked() else 7 * by))

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.reload()

    def show_group(self, group_id: int | None) -> None:
        """Show only this group's tasks (from the group list)."""
        index = self.group.findData(group_id)
        self.group.setCurrentIndex(max(index, 0))

    def reload(self) -> None:
        days = self.days()
        with self.ctx.session() as session:
            found = gt.tasks_between(session, days[0], days[-1], group_id=self.group.currentData(),
                                     account_id=self.account.currentData())
            overdue_before = gt.overdue_count(session, group_id=self.group.currentData())
        if not self.show_done.isChecked():
            found = [t for t in found if t.status == "open"]
        self.tasks = {t.id: t for t in found}
        detailed = len(days) == 1
        with common.blocked(*(column.list for column in self.columns)):  # filling is not choosing
            for index, column in enumerate(self.columns):
                column.setVisible(index < len(days))
                if index < len(days):
                    column.show_day(days[index], [t for t in found if t.due_at.date() == days[index]], detailed)
        first, last = days[0], days[-1]
        self.period.setText(f"{first:%Y-%m-%d}" if detailed else f"{first:%Y-%m-%d} — {last:%m-%d}")
        open_count = sum(1 for t in found if t.status == "open")
        done_count = sum(1 for t in found if t.status == "done")
        text = tr("这段时间 {n} 个任务：待办 {o}，已完成 {d}", n=len(found), o=open_count, d=done_count)
        if overdue_before:
            text += tr("　·　全部逾期 {n} 个", n=overdue_before)
        with self.ctx.session() as session:
            any_group = bool(list_groups(session, "active"))
        self.summary.setText(text if any_group else tr("还没有运营中的群：先在“群”里新建一个群，再给它应用SOP模板。"))
        self._select(self.selected_id)

    def _select(self, task_id: int | None) -> None:
        for column in self.columns:
            for row in range(column.list.count()):
                item = column.list.item(row)
                if task_id is not None and item.data(Qt.ItemDataRole.UserRole) == task_id:
                    with common.blocked(column.list):
                        column.list.setCurrentItem(item)
                    self.pane.show_task(self.tasks.get(task_id))
                    return
        self.selected_id = None
        self.pane.show_task(None)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        task_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.selected_id = task_id
        for column in self.columns:
            if column.list is not item.listWidget():
                column.list.blockSignals(True)
                column.list.setCurrentItem(None)
                column.list.clearSelection()
                column.list.blockSignals(False)
        self.pane.show_task(self.tasks.get(task_id))

    def _menu(self, column: DayColumn, pos: object) -> None:
        item = column.list.itemAt(pos)  # type: ignore[call-overload]
        menu = QMenu(self)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self._chosen(item)
            task = self.tasks.get(int(item.data(Qt.ItemDataRole.UserRole)))
            menu.addAction(tr("复制文案"), lambda: self.act("copy"))
            if task and task.status == "open":
                menu.addAction(tr("完成…"), lambda: self.act("done"))
                menu.addAction(tr("跳过"), lambda: self.act("skip"))
            else:
                menu.addAction(tr("重新打开"), lambda: self.act("reopen"))
            menu.addAction(tr("改时间…"), lambda: self.act("move"))
            menu.addAction(tr("编辑…"), lambda: self.act("edit"))
            menu.addAction(tr("删除"), lambda: self.act("delete"))
            menu.addSeparator()
        menu.addAction(tr("在这天新建任务…"), lambda: self.new_task(column.day))
        menu.exec(column.list.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

    # ---- actions -------------------------------------------------------------------------------------

    def new_task(self, day: date | None = None) -> None:
        when = datetime.combine(day, datetime.min.time()).replace(hour=10) if day else None
        dialog = TaskDialog(self.ctx, None, self.group.currentData(), when, self)
        if common.run_dialog(dialog):
            self.selected_id = dialog.saved_id
            self._changed(tr("已添加任务"))

    def act(self, key: str) -> None:
        task = self.tasks.get(self.selected_id) if self.selected_id is not None else None
        if task is None:
            return
        if key == "copy":
            copy_text(self.ctx, task.body or task.title, tr("“{title}”的文案", title=task.title))
        elif key == "materials":
            materials.open_materials(self.ctx, self, task.material_ids)
        elif key == "done" and task.status == "open":
            dialog = DoneDialog(task, self)
            if common.run_dialog(dialog):
                self._run(lambda s: gt.complete_task(s, task.id, dialog.text()), tr("已完成：{t}", t=task.title))
        elif key == "skip" and task.status == "open":
            self._run(lambda s: gt.skip_task(s, task.id), tr("已跳过：{t}", t=task.title))
        elif key == "reopen":
            self._run(lambda s: gt.reopen_task(s, task.id), tr("已重新打开：{t}", t=task.title))
        elif key == "move":
            move = MoveDialog(task, self)
            if common.run_dialog(move):
                when = move.value()
                self._run(lambda s: gt.move_task(s, task.id, when), tr("已改到 {when}", when=f"{when:%m-%d %H:%M}"))
        elif key == "edit":
            if common.run_dialog(TaskDialog(self.ctx, task, parent=self)):
                self._changed(tr("已保存任务"))
        elif key == "delete" and confirm(self, tr("删除任务"), tr("删除任务“{t}”（{when}）？", t=task.title,
                                                                    when=f"{task.due_at:%m-%d %H:%M}"), tr("删除")):
            self._run(lambda s: gt.delete_task(s, task.id), tr("已删除任务"))

    def _run(self, change: object, message: str) -> None:
        assert callable(change)
        try:
            with self.ctx.session() as session:
                change(session)
        except Exception as exc:
            show_error(self, exc)
        self._changed(message)

    def _changed(self, message: str) -> None:
        self.ctx.status_message.emit(message)
        self.reload()
        self.changed.emit()
