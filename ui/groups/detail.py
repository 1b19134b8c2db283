"""One group: its header (type, account, status, life stage), its texts with one-click copy, its members
and the SOP templates applied to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services import groups as g
from services.group_metrics import STAGE_HINTS
from ui.context import AppContext
from ui.groups.common import KIND_COLORS, STAGE_COLORS, chip, copy_text
from ui.groups.group_form import TEXT_FIELDS
from ui.groups.members import MembersPanel
from ui.groups.sop_panel import SopPanel
from ui.i18n import tr

TEXT_LABELS = {key: label for key, label, _hint in TEXT_FIELDS}


class TextBlock(QFrame):
    """A titled text with a 复制 button (copies exactly what is shown)."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = title
        self.text = ""
        self.setObjectName("textBlock")
        self.setStyleSheet("QFrame#textBlock { border: 1px solid rgba(127,127,127,60); border-radius: 6px; }")
        heading = QLabel(title)
        heading.setStyleSheet("font-weight: bold;")
        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.setToolTip(tr("复制{what}，到微信里粘贴", what=title))
        self.copy_button.clicked.connect(self.copy)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.body)

    def set_text(self, text: str) -> None:
        self.text = text
        self.body.setText(text or tr("（未填写，点上方“编辑”补上）"))
        self.body.setStyleSheet("" if text else "color: #999;")
        self.copy_button.setEnabled(bool(text))

    def copy(self) -> None:
        copy_text(self.ctx, self.text, self.title)


class GroupDetail(QWidget):
    """Signals:
        edit_requested(int), archive_requested(int, bool), delete_requested(int), restore_requested(int):
            the header's buttons, handled by the page.
        calendar_requested(int): show this group's tasks on the calendar.
        changed(): members or tasks changed here.
    """

    edit_requested = Signal(int)
    archive_requested = Signal(int, bool)
    delete_requested = Signal(int)
    restore_requested = Signal(int)
    changed = Signal()
    calendar_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.group_id: int | None = None
        self.archived = False
        self.trashed = False
        self.name = QLabel()
        self.name.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chips = QLabel()
        self.chips.setTextFormat(Qt.TextFormat.RichText)
        self.meta = QLabel()
        self.meta.setStyleSheet("color: #888;")
        self.meta.setWordWrap(True)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        self.archive_button = QPushButton(tr("归档"))
        self.archive_button.clicked.connect(
            lambda: self.group_id is not None and self.archive_requested.emit(self.group_id, not self.archived))
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.clicked.connect(
            lambda: self._emit(self.restore_requested if self.trashed else self.delete_requested))
        self.blocks = {key: TextBlock(ctx, tr(label)) for key, label in TEXT_LABELS.items()}
        self.replies = QVBoxLayout()
        texts = QWidget()
        column = QVBoxLayout(texts)
        for block in self.blocks.values():
            column.addWidget(block)
        replies_title = QLabel(tr("自动回复"))
        replies_title.setStyleSheet("font-weight: bold; margin-top: 6px;")
        column.addWidget(replies_title)
        column.addLayout(self.replies)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(texts)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.members = MembersPanel(ctx)
        self.members.changed.connect(self._changed)
        self.sop = SopPanel(ctx)
        self.sop.changed.connect(self._changed)
        self.sop.calendar_requested.connect(self.calendar_requested.emit)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, tr("资料"))
        self.tabs.addTab(self.members, tr("成员"))
        self.tabs.addTab(self.sop, tr("SOP"))
        header = QHBoxLayout()
        header.addWidget(self.name)
        header.addWidget(self.chips)
        header.addStretch(1)
        for button in (self.edit_button, self.archive_button, self.delete_button):
            header.addWidget(button)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(header)
        body.addWidget(self.meta)
        body.addWidget(self.tabs, 1)
        self.placeholder = QLabel(tr("选一个群，看它的资料、成员和SOP"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #888; font-size: 14px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.placeholder, 1)
        self.show_group(None)

    def _emit(self, signal: object) -> None:
        if self.group_id is not None:
            signal.emit(self.group_id)  # type: ignore[attr-defined]

    def _changed(self) -> None:
        self.show_group(self.group_id, keep_tab=True)
        self.changed.emit()

    def show_group(self, group_id: int | None, *, keep_tab: bool = True) -> None:
        self.group_id = group_id
        self.body.setVisible(group_id is not None)
        self.placeholder.setVisible(group_id is None)
        if group_id is None:
            self.members.set_group(None)
            self.sop.set_group(None, "")
            return
        with self.ctx.session() as session:
            summary = g.group_summary(session, group_id)
        if summary is None:
            self.show_group(None)
            return
        data, stage, self.trashed = summary.data, summary.stage, summary.trashed
        self.archived = data.status == "archived"
        self.name.setText(data.name)
        parts = [chip(tr(data.kind), KIND_COLORS.get(data.kind, "#607d8b"))]
        if self.trashed:
            parts.append(chip(tr("回收站"), "#757575"))
        elif self.archived:
            parts.append(chip(tr("已归档"), "#757575"))
        else:
            parts.append(chip(tr(stage), STAGE_COLORS.get(stage, "#607d8b")))
        self.chips.setText(" ".join(parts))
        self.chips.setToolTip(tr(STAGE_HINTS.get(stage, "")))
        account_name = summary.account_name or tr("未指定微信号")
        created = data.created_on.isoformat() if data.created_on else "—"
        self.meta.setText(tr("{account} · 建群 {created} · 客本里的成员 {n} 人 · {hint}", account=account_name,
                             created=created, n=summary.members, hint=tr(STAGE_HINTS.get(stage, ""))))
        for key, block in self.blocks.items():
            block.set_text(getattr(data, key))
        self._fill_replies(data.auto_replies)
        self.archive_button.setText(tr("取消归档") if self.archived else tr("归档"))
        self.archive_button.setVisible(not self.trashed)
        self.edit_button.setEnabled(not self.trashed)
        self.delete_button.setText(tr("恢复") if self.trashed else tr("删除"))
        self.members.set_group(None if self.trashed else group_id)
        self.sop.set_group(None if self.trashed else group_id, data.name)
        if not keep_tab:
            self.tabs.setCurrentIndex(0)

    def _fill_replies(self, replies: list[tuple[str, str]]) -> None:
        while self.replies.count():
            item = self.replies.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        if not replies:
            hint = QLabel(tr("（还没有自动回复：把群里常被问的问题和回答写进去，复制即用）"))
            hint.setStyleSheet("color: #999;")
            self.replies.addWidget(hint)
        for question, answer in replies:
            block = TextBlock(self.ctx, question)
            block.set_text(answer)
            self.replies.addWidget(block)
