"""The visibility rule of a post, as WeChat has it: 公开 / 部分可见 (only these tags) / 不给谁看 (everyone
but these tags) / 私密, with KeBen's tags chosen in the tag picker and a live count of the customers it
reaches ("可见约 N 位客户（共 M 位）", counted off the GUI thread: one SQL count, even at 100,000).

"不给已购客户看" sets 不给谁看 to the tags that mean "already bought" (已购, 已购买, 老客 …) in one click;
without such a tag it explains how to make one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models.moments import VISIBILITIES
from services import moments as m
from services.tags import GroupInfo, tag_tree
from ui.background import run_in_background
from ui.context import AppContext
from ui.customers.tag_picker import TagPickerDialog, tags_html
from ui.i18n import tr
from ui.moments import common
from ui.widgets import FieldError

BOUGHT_TAG_NAMES = ("已购", "已购买", "已买", "买过", "已成交", "老客", "老客户", "复购")
HINTS = {
    "public": "所有微信好友都能看到",
    "only_tags": "只有打了这些标签的好友能看到",
    "except_tags": "打了这些标签的好友看不到，其他人都能看到",
    "private": "只有自己能看到（可以先发私密，确认没问题再改公开）",
}


def bought_tags(groups: list[GroupInfo]) -> list[int]:
    """Tags whose name says the customer already bought."""
    return [tag.id for group in groups for tag in group.tags
            if tag.name in BOUGHT_TAG_NAMES or tag.name.startswith("已购")]


class VisibilityBox(QWidget):
    """Signals:
        changed(): the rule or its tags changed.
        reach_counted(int, int): the customers the rule reaches, of all customers.
    """

    changed = Signal()
    reach_counted = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tag_ids: list[int] = []
        self.groups: list[GroupInfo] = []
        self._generation = 0
        self.reached: tuple[int, int] | None = None
        self.radios: dict[str, QRadioButton] = {}
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for key in VISIBILITIES:
            radio = QRadioButton(tr(common.VISIBILITY_LABELS[key]))
            radio.setToolTip(tr(HINTS[key]))
            self.radios[key] = radio
            self.group.addButton(radio)
            row.addWidget(radio)
        row.addStretch(1)
        self.radios["public"].setChecked(True)
        self.tags_label = QLabel()
        self.tags_label.setTextFormat(Qt.TextFormat.RichText)
        self.tags_label.setWordWrap(True)
        self.pick_button = QPushButton(tr("选择标签…"))
        self.pick_button.clicked.connect(self.pick_tags)
        self.bought_button = QPushButton(tr("不给已购客户看"))
        self.bought_button.setToolTip(tr("一键设为“不给谁看”已购标签：促销、新品不打扰已经买过的老客"))
        self.bought_button.clicked.connect(self.hide_from_buyers)
        tags_row = QHBoxLayout()
        tags_row.setContentsMargins(0, 0, 0, 0)
        tags_row.addWidget(self.tags_label, 1)
        tags_row.addWidget(self.pick_button)
        tags_row.addWidget(self.bought_button)
        self.reach = QLabel()
        self.reach.setObjectName("reachLabel")
        self.reach.setStyleSheet("font-weight: bold;")
        self.error = FieldError()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(tags_row)
        layout.addWidget(self.reach)
        layout.addWidget(self.error)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.count_reach)
        self.reload_tags()
        for radio in self.radios.values():
            radio.toggled.connect(self._toggled)
        self._rule_changed()

    def reload_tags(self) -> None:
        with self.ctx.session() as session:
            self.groups = tag_tree(session, with_counts=False)

    # ---- the rule ----------------------------------------------------------------------------------

    def visibility(self) -> str:
        return next((key for key, radio in self.radios.items() if radio.isChecked()), "public")

    def set_rule(self, visibility: str, tag_ids: list[int] | tuple[int, ...]) -> None:
        self.tag_ids = list(tag_ids)
        radio = self.radios.get(visibility, self.radios["public"])
        if radio.isChecked():
            self._rule_changed()
        else:
            radio.setChecked(True)

    def rule_tag_ids(self) -> tuple[int, ...]:
        """The tags the rule uses (none for 公开 and 私密)."""
        return tuple(self.tag_ids) if self.visibility() in ("only_tags", "except_tags") else ()

    def _toggled(self, on: bool) -> None:
        if on:
            self._rule_changed()

    def _rule_changed(self) -> None:
        uses_tags = self.visibility() in ("only_tags", "except_tags")
        self.pick_button.setEnabled(uses_tags)
        self.tags_label.setEnabled(uses_tags)
        if uses_tags:
            self.tags_label.setText(tags_html(self.groups, self.tag_ids) if self.tag_ids
                                    else f'<span style="color:#d32f2f;">{tr("还没选标签：点“选择标签…”")}</span>')
        else:
            self.tags_label.setText(f'<span style="color:#888;">{tr(HINTS[self.visibility()])}</span>')
        self.error.show_message("")
        self.reach.setText(tr("正在计算可见人数…"))
        self._timer.start()
        self.changed.emit()

    def pick_tags(self) -> None:
        self.reload_tags()
        title = tr("部分可见：只给这些标签的客户看") if self.visibility() == "only_tags" \
            else tr("不给谁看：这些标签的客户看不到")
        dialog = TagPickerDialog(self.groups, self.tag_ids, title, parent=self)
        if common.run_dialog(dialog):
            self.tag_ids = dialog.selected_ids()
            self._rule_changed()

    def hide_from_buyers(self) -> None:
        self.reload_tags()
        found = bought_tags(self.groups)
        if not found:
            QMessageBox.information(
                self, tr("还没有“已购”标签"),
                tr("客本的“阶段”（已购、复购 …）是自动算的，微信里没有，所以不能直接用来设置可见范围。\n\n"
                   "做法：在 设置 → 标签 里新建一个“已购”标签；到客户页按阶段筛出买过的客户，全选后批量打上“已购”；"
                   "微信里也给他们打上同名标签。之后这个按钮就能一键设好“不给谁看：已购”。"))
            return
        self.set_rule("except_tags", found)

    # ---- how many it reaches -----------------------------------------------------------------------

    def count_reach(self) -> None:
        self._generation += 1
        generation, visibility, tag_ids, store = self._generation, self.visibility(), self.rule_tag_ids(), \
            self.ctx.store

        def work(_progress: object) -> tuple[int, int]:
            with store.db.session() as session:
                return m.reach(session, visibility, tag_ids), m.reach(session, "public", ())

        run_in_background(self, work, lambda counts: self._show_reach(generation, counts), quiet=True)

    def _show_reach(self, generation: int, counts: tuple[int, int]) -> None:
        if generation != self._generation:
            return
        reached, total = counts
        self.reached = counts
        visibility = self.visibility()
        if visibility == "private":
            text = tr("私密：只有自己可见（共 {m} 位客户）", m=f"{total:,}")
        elif visibility == "only_tags" and not self.tag_ids:
            text = tr("选好标签后显示可见人数（共 {m} 位客户）", m=f"{total:,}")
        else:
            text = tr("可见约 {n} 位客户（共 {m} 位）", n=f"{reached:,}", m=f"{total:,}")
        self.reach.setText(text)
        self.reach.setToolTip(tr("按客本里客户的标签估算；微信里的标签要和这里一致才准"))
        self.reach_counted.emit(reached, total)
