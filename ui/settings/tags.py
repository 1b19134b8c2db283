"""标签: tag groups and their tags — add, rename, switch single/multi, merge, delete."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.tags import GroupInfo, TagInfo, delete_group, delete_tag, tag_tree
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.settings.form import (
    FormDialog,
    Section,
    button_row,
    color_icon,
    danger_button,
    open_dialog,
    section_header,
)
from ui.settings.tag_dialogs import GroupDialog, MergeDialog, TagDialog
from ui.widgets import EmptyState

GROUP, TAG = "group", "tag"
KEY_ROLE = Qt.ItemDataRole.UserRole


class TagsSection(Section):
    """Tag groups with their tags in a tree: colour chip, single/multi, customers per tag."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.groups: dict[int, GroupInfo] = {}
        self.tags: dict[int, TagInfo] = {}
        self.dialog: FormDialog | None = None

        self.add_group_button = QPushButton(tr("新建标签组"))
        self.add_tag_button = QPushButton(tr("新建标签"))
        self.edit_button = QPushButton(tr("编辑"))
        self.merge_button = QPushButton(tr("合并到…"))
        self.delete_button = danger_button(tr("删除"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("标签"), tr("选择方式"), tr("客户数")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 140)
        header.resizeSection(2, 100)
        self.empty = EmptyState(
            tr("还没有标签组"),
            tr("点“新建标签组”开始建立你的标签体系，例如 消费能力：高/中/低。\n"
               "单选组里每位客户最多一个标签，多选组（如 兴趣）可以有好几个。"))
        empty_add = self.empty.add_button(tr("新建标签组"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("标签"), tr(
            "按标签组整理客户，例如 消费能力、兴趣、肤质。双击可编辑，右键有更多操作；"
            "删除或合并标签时，客户都会保留。")))
        layout.addLayout(button_row(self.add_group_button, self.add_tag_button, self.edit_button,
                                    self.merge_button, self.delete_button))
        layout.addWidget(self.stack, 1)

        self.add_group_button.clicked.connect(lambda: self.open_group_editor(None))
        empty_add.clicked.connect(lambda: self.open_group_editor(None))
        self.add_tag_button.clicked.connect(self.add_tag)
        self.edit_button.clicked.connect(self.edit_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.tree.itemDoubleClicked.connect(lambda _item, _column: self.edit_selected())
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.watch(ctx.tags_changed, ctx.customers_changed)

    # ---- showing ---------------------------------------------------------------------------------

    def load(self) -> None:
        keep = self.selected_key()
        with self.ctx.session() as session:
            tree = tag_tree(session)
        self.groups = {group.id: group for group in tree}
        self.tags = {tag.id: tag for group in tree for tag in group.tags}
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for group in tree:
            kind = tr("多选") if group.multi else tr("单选")
            group_item = QTreeWidgetItem([group.name, tr("{kind} · {n} 个标签", kind=kind, n=len(group.tags)), ""])
            group_item.setData(0, KEY_ROLE, (GROUP, group.id))
            group_item.setIcon(0, color_icon(group.color, 16))
            group_item.setFont(0, bold)
            for tag in group.tags:
                tag_item = QTreeWidgetItem([tag.name, "", str(tag.customers)])
                tag_item.setData(0, KEY_ROLE, (TAG, tag.id))
                tag_item.setIcon(0, color_icon(tag.color))
                tag_item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                tag_item.setToolTip(0, tr("{n} 位客户有这个标签", n=tag.customers))
                group_item.addChild(tag_item)
            self.tree.addTopLevelItem(group_item)
        self.tree.expandAll()
        if keep is not None:
            self.select(*keep)
        self.stack.setCurrentWidget(self.tree if tree else self.empty)
        for button in (self.add_tag_button, self.edit_button, self.merge_button, self.delete_button):
            button.setVisible(bool(tree))
        self._update_buttons()

    def item(self, kind: str, key: int) -> QTreeWidgetItem | None:
        for top in range(self.tree.topLevelItemCount()):
            group_item = self.tree.topLevelItem(top)
            for item in (group_item, *(group_item.child(i) for i in range(group_item.childCount()))):
                if item.data(0, KEY_ROLE) == (kind, key):
                    return item
        return None

    def select(self, kind: str, key: int) -> None:
        item = self.item(kind, key)
        if item is not None:
            self.tree.setCurrentItem(item)

    def selected_key(self) -> tuple[str, int] | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        kind, key = items[0].data(0, KEY_ROLE)
        return str(kind), int(key)

    def selected_group(self) -> GroupInfo | None:
        """The selected group, or the group of the selected tag."""
        key = self.selected_key()
        if key is None:
            return None
        kind, ident = key
        group_id = ident if kind == GROUP else self.tags[ident].group_id
        return self.groups.get(group_id)

    def selected_tag(self) -> TagInfo | None:
        key = self.selected_key()
        return self.tags.get(key[1]) if key and key[0] == TAG else None

    def _update_buttons(self) -> None:
        key = self.selected_key()
        self.add_tag_button.setEnabled(key is not None)
        self.edit_button.setEnabled(key is not None)
        self.delete_button.setEnabled(key is not None)
        self.merge_button.setEnabled(key is not None and key[0] == TAG and len(self.tags) > 1)
        self.edit_button.setText(tr("重命名") if key and key[0] == TAG else tr("编辑"))

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is not None:
            self.tree.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(tr("新建标签组"), lambda: self.open_group_editor(None))
        if item is not None:
            tag = self.selected_tag()
            menu.addAction(tr("新建标签"), self.add_tag)
            menu.addAction(tr("重命名") if tag else tr("编辑标签组"), self.edit_selected)
            if tag is not None:
                merge = menu.addAction(tr("合并到…"), self.merge_selected)
                merge.setEnabled(self.merge_button.isEnabled())
            menu.addSeparator()
            menu.addAction(tr("删除"), self.delete_selected)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # ---- editing ---------------------------------------------------------------------------------

    def _open(self, dialog: FormDialog, *, customers_too: bool = False) -> FormDialog:
        def saved() -> None:
            self.ctx.tags_changed.emit()
            if customers_too:
                self.ctx.customers_changed.emit([])

        self.dialog = dialog
        open_dialog(dialog, saved)
        return dialog

    def open_group_editor(self, group: GroupInfo | None) -> FormDialog:
        return self._open(GroupDialog(self.ctx, group, self))

    def open_tag_editor(self, group: GroupInfo, tag: TagInfo | None = None) -> FormDialog:
        return self._open(TagDialog(self.ctx, group, tag, self))

    def add_tag(self) -> None:
        group = self.selected_group()
        if group is not None:
            self.open_tag_editor(group)

    def edit_selected(self) -> None:
        tag, group = self.selected_tag(), self.selected_group()
        if tag is not None and group is not None:
            self.open_tag_editor(group, tag)
        elif group is not None:
            self.open_group_editor(group)

    def merge_selected(self) -> None:
        tag = self.selected_tag()
        if tag is not None:
            self._open(MergeDialog(self.ctx, tag, list(self.groups.values()), self), customers_too=True)

    def delete_selected(self) -> None:
        tag, group = self.selected_tag(), self.selected_group()
        if tag is not None:
            text = tr("删除标签“{name}”？", name=tag.name)
            if tag.customers:
                text += tr("\n\n有这个标签的 {n} 位客户都会保留，只是去掉这个标签。", n=tag.customers)
            if confirm(self, tr("删除标签"), text, tr("删除")):
                self._delete(lambda session: delete_tag(session, tag.id))
        elif group is not None:
            text = tr("删除标签组“{name}”和它的 {k} 个标签？\n\n客户都会保留，只是去掉这些标签。",
                      name=group.name, k=len(group.tags))
            if confirm(self, tr("删除标签组"), text, tr("删除")):
                self._delete(lambda session: delete_group(session, group.id))

    def _delete(self, action: Callable[[Session], None]) -> None:
        try:
            with self.ctx.session() as session:
                action(session)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.tags_changed.emit()
        self.ctx.customers_changed.emit([])  # their rows lose the tag
