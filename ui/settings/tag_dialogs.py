"""The dialogs of the 标签 section: a tag group, a tag, merging one tag into another."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.tags import GROUP_COLORS, GroupInfo, TagInfo, merge_tags, save_group, save_tag
from ui.context import AppContext
from ui.errors import confirm
from ui.i18n import tr
from ui.settings.form import FormDialog, color_icon


class ColorPicker(QWidget):
    """A row of colour swatches, plus 其他颜色… for any colour (QColorDialog)."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.swatches = QButtonGroup(self)
        self.swatches.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for palette_color in GROUP_COLORS:
            row.addWidget(self._swatch(palette_color))
        self.custom = self._swatch("#ffffff")
        self.custom.hide()
        row.addWidget(self.custom)
        self.more = QPushButton(tr("其他颜色…"))
        self.more.clicked.connect(self._choose_other)
        row.addWidget(self.more)
        row.addStretch(1)
        self.set_color(color or GROUP_COLORS[0])

    def _swatch(self, color: str) -> QToolButton:
        swatch = QToolButton()
        swatch.setCheckable(True)
        swatch.setFixedSize(26, 26)
        self._paint(swatch, color)
        self.swatches.addButton(swatch)
        return swatch

    @staticmethod
    def _paint(swatch: QToolButton, color: str) -> None:
        swatch.setProperty("swatchColor", color)
        swatch.setToolTip(color)
        swatch.setStyleSheet(
            f"QToolButton {{ background-color: {color}; border: 2px solid {color}; border-radius: 13px; }}"
            f"QToolButton:checked {{ border: 3px solid palette(text); }}")

    def color(self) -> str:
        checked = self.swatches.checkedButton()
        return str(checked.property("swatchColor")) if checked else GROUP_COLORS[0]

    def set_color(self, color: str) -> None:
        for swatch in self.swatches.buttons():
            if swatch is not self.custom and str(swatch.property("swatchColor")).lower() == color.lower():
                swatch.setChecked(True)
                return
        self._paint(self.custom, color)
        self.custom.show()
        self.custom.setChecked(True)

    def _choose_other(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color()), self, tr("选择颜色"))
        if chosen.isValid():
            self.set_color(chosen.name())


class GroupDialog(FormDialog):
    """New tag group, or rename / recolour / switch single- and multi-choice of one."""

    refusal_field = "multi"

    def __init__(self, ctx: AppContext, group: GroupInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑标签组") if group else tr("新建标签组"), parent)
        self.setMinimumWidth(520)
        self.group = group
        self.name = QLineEdit(group.name if group else "")
        self.name.setPlaceholderText(tr("如：消费能力、兴趣、肤质"))
        self.single = QRadioButton(tr("单选：每位客户最多一个，如 高/中/低"))
        self.multi = QRadioButton(tr("多选：可以有好几个，如 瑜伽、烘焙、旅行"))
        (self.multi if group is None or group.multi else self.single).setChecked(True)
        choice = QWidget()
        column = QVBoxLayout(choice)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.single)
        column.addWidget(self.multi)
        self.colors = ColorPicker(group.color if group else "")
        self.add_field("name", tr("组名"), self.name)
        self.add_field("multi", tr("选择方式"), choice)
        self.add_field("color", tr("颜色"), self.colors)

    def save(self, session: Session) -> None:
        save_group(session, self.name.text(), self.multi.isChecked(), self.colors.color(),
                   group_id=self.group.id if self.group else None)


class TagDialog(FormDialog):
    """New tag in a group, or rename one (its own colour, if it has one, is kept)."""

    def __init__(self, ctx: AppContext, group: GroupInfo, tag: TagInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("重命名标签") if tag else tr("新建标签"), parent)
        self.group, self.tag = group, tag
        where = QLabel(group.name)
        where.setTextFormat(Qt.TextFormat.PlainText)
        self.name = QLineEdit(tag.name if tag else "")
        self.name.setPlaceholderText(tr("如：高"))
        self.form.addRow(tr("标签组"), where)
        self.add_field("name", tr("标签名"), self.name)

    def save(self, session: Session) -> None:
        # tag_tree reports a tag without its own colour in its group's colour: keep it following the group.
        own = self.tag.color if self.tag and self.tag.color.lower() != self.group.color.lower() else ""
        save_tag(session, self.group.id, self.name.text(), self.tag.id if self.tag else None, color=own)


class MergeDialog(FormDialog):
    """Merge a tag into another tag of any group: its customers get the target, then it is deleted."""

    def __init__(self, ctx: AppContext, source: TagInfo, groups: list[GroupInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("合并标签"), parent)
        self.setMinimumWidth(480)
        self.source = source
        self.moved = 0
        self.targets: dict[int, TagInfo] = {}
        self.target = QComboBox()
        for group in groups:
            for tag in group.tags:
                if tag.id != source.id:
                    self.targets[tag.id] = tag
                    self.target.addItem(color_icon(tag.color), tr("{group} / {tag}（{n} 位客户）",
                                        group=group.name, tag=tag.name, n=tag.customers), tag.id)
        same_group = [i for i in range(self.target.count())
                      if self.targets[int(self.target.itemData(i))].group_id == source.group_id]
        if same_group:
            self.target.setCurrentIndex(same_group[0])
        intro = QLabel(tr("把标签“{tag}”的 {n} 位客户都改为下面选的标签，然后删除“{tag}”。",
                          tag=source.name, n=source.customers))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.add_field("target", tr("合并到"), self.target)
        self.ok_button.setText(tr("合并"))
        self.ok_button.setEnabled(bool(self.targets))

    def chosen(self) -> TagInfo | None:
        data = self.target.currentData()
        return self.targets.get(int(data)) if data is not None else None

    def confirm_text(self, target: TagInfo) -> str:
        text = tr("把“{source}”合并到“{group} / {target}”？\n\n“{source}”的 {n} 位客户会改为“{target}”，"
                  "然后“{source}”被删除。", source=self.source.name, group=target.group_name,
                  target=target.name, n=self.source.customers)
        if not target.group_multi and target.group_id != self.source.group_id:
            text += tr("\n“{group}”是单选标签组：这些客户在该组原有的标签会换成“{target}”。",
                       group=target.group_name, target=target.name)
        return text

    def accept(self) -> None:
        target = self.chosen()
        if target is None:
            return
        if confirm(self, tr("合并标签"), self.confirm_text(target), tr("合并")):
            super().accept()

    def save(self, session: Session) -> None:
        target = self.chosen()
        assert target is not None
        self.moved = merge_tags(session, self.source.id, target.id)
