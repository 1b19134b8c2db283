"""Picking tags: every tag group with its coloured tags; single-choice groups behave like radio buttons."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from services.tags import GroupInfo, TagInfo, tag_tree
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import tag_chip_html

COLUMNS = 3


def color_dot(color: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(0, 0, size, size)
    painter.end()
    return QIcon(pixmap)


def tags_html(groups: list[GroupInfo], chosen: list[int], auto: Mapping[int, str] | None = None) -> str:
    """A customer's tags as coloured chips, each group's name in front of its chips; tags in `auto`
    (given by an 自动标签 rule) carry a small "自动"."""
    wanted = set(chosen)
    auto = auto or {}
    mark = f'<sup style="color:#888;">{html.escape(tr("自动"))}</sup>'  # after the chip of an automatic tag
    parts = []
    for group in groups:
        chips = " ".join(tag_chip_html(tag.name, tag.color) + (mark if tag.id in auto else "")
                         for tag in group.tags if tag.id in wanted)
        if chips:
            parts.append(f'<span style="color:#888;">{html.escape(group.name)}</span> {chips}')
    return ("&nbsp;&nbsp;&nbsp;".join(parts) if parts
            else f'<span style="color:#888;">{tr("还没有标签")}</span>')


class TagPickerDialog(QDialog):
    """Check tags by group. With `one=True` exactly one tag is picked (for bulk tag / untag)."""

    def __init__(self, groups: list[GroupInfo], selected: list[int], title: str, *, one: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumSize(520, 460)
        self.one = one
        self.boxes: dict[int, QAbstractButton] = {}
        self._tags: dict[int, TagInfo] = {}
        self._group_boxes: list[tuple[QGroupBox, list[QAbstractButton]]] = []
        self._exclusive = QButtonGroup(self)  # used only when one=True
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("筛选标签…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        body = QWidget()
        self._body_layout = QVBoxLayout(body)
        for group in groups:
            self._add_group(group, set(selected))
        if not any(group.tags for group in groups):
            empty = QLabel(tr("还没有标签。请先到 设置 → 标签 里添加标签组和标签。"))
            empty.setWordWrap(True)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._body_layout.addWidget(empty)
        self._body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.summary = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self._update_summary()

    def _add_group(self, group: GroupInfo, selected: set[int]) -> None:
        if not group.tags:
            return
        kind = tr("多选") if group.multi else tr("单选")
        name = group.name.replace("&", "&&")
        box = QGroupBox(f"{name}（{kind}）" if not self.one else name)
        box.setProperty("group_name", group.name)
        grid = QGridLayout(box)
        buttons: list[QAbstractButton] = []
        for index, tag in enumerate(group.tags):
            label = tag.name.replace("&", "&&")  # a literal &, not a keyboard mnemonic
            button: QAbstractButton = QRadioButton(label) if self.one else QCheckBox(label)
            button.setIcon(color_dot(tag.color))
            button.setChecked(tag.id in selected and not self.one)
            button.setProperty("tag_id", tag.id)
            if self.one:
                self._exclusive.addButton(button)
            elif not group.multi:
                button.toggled.connect(lambda on, b=button, g=buttons: self._only_one(on, b, g))
            button.toggled.connect(lambda _on: self._update_summary())
            grid.addWidget(button, index // COLUMNS, index % COLUMNS)
            buttons.append(button)
            self.boxes[tag.id] = button
            self._tags[tag.id] = tag
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        self._group_boxes.append((box, buttons))
        self._body_layout.addWidget(box)

    @staticmethod
    def _only_one(on: bool, chosen: QAbstractButton, siblings: list[QAbstractButton]) -> None:
        """A single-choice group: checking one tag unchecks the others."""
        if on:
            for button in siblings:
                if button is not chosen and button.isChecked():
                    button.setChecked(False)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for box, buttons in self._group_boxes:
            group_hit = needle in str(box.property("group_name")).lower()
            any_shown = False
            for button in buttons:
                name = self._tags[int(button.property("tag_id"))].name
                shown = not needle or group_hit or needle in name.lower()
                button.setVisible(shown)
                any_shown = any_shown or shown
            box.setVisible(any_shown)

    def _update_summary(self) -> None:
        chosen = self.selected_ids()
        if self.one:
            self.ok_button.setEnabled(bool(chosen))
            self.summary.setText(tr("已选：{name}", name=self._tags[chosen[0]].name) if chosen
                                 else tr("选一个标签"))
        else:
            self.summary.setText(tr("已选 {n} 个标签", n=len(chosen)))

    def selected_ids(self) -> list[int]:
        return [tag_id for tag_id, button in self.boxes.items() if button.isChecked()]


def _groups(ctx: AppContext) -> list[GroupInfo]:
    with ctx.session() as session:
        return tag_tree(session, with_counts=False)


def pick_tags(ctx: AppContext, parent: QWidget | None, selected: list[int], title: str) -> list[int] | None:
    """The customer's tags after editing, or None when cancelled."""
    dialog = TagPickerDialog(_groups(ctx), selected, title, parent=parent)
    return dialog.selected_ids() if dialog.exec() == QDialog.DialogCode.Accepted else None


def choose_tag(ctx: AppContext, parent: QWidget | None, title: str) -> int | None:
    """One tag (e.g. to add to or take off many customers), or None when cancelled."""
    dialog = TagPickerDialog(_groups(ctx), [], title, one=True, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    chosen = dialog.selected_ids()
    return chosen[0] if chosen else None
