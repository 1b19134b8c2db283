"""Choosing materials from the 素材库 for a Moments post or a group SOP step.

    from ui.library.material_picker import MaterialPickerDialog

    dialog = MaterialPickerDialog(ctx, kinds=("image",), parent=self)   # kinds None = all kinds
    if dialog.exec() == QDialog.DialogCode.Accepted:                    # or dialog.open() + accepted
        for info in dialog.chosen():                                    # list[services.library.MaterialInfo]
            if info.kind == "image":
                path = material_file(ctx.store.data_dir.root, info)    # the file in the data folder, or None
            else:
                text = info.body                                        # a text's words / a link's address

Arguments (all but ctx optional):
    kinds       tuple of "text" / "image" / "link" to offer; None offers all three (with a kind filter).
    parent      the dialog's parent widget.
    multi       keyword, default True: several can be ticked; False = pick one (double-click takes it).
    record_use  keyword, default True: accepting counts one use of every chosen material
                (services.library.record_material_use), so the 素材库 shows what is really used.

The dialog has a search box (title, text, category, tags), a category filter, the list with thumbnails
and usage counts (most used first), and a preview of the current material. `chosen()` returns the
ticked materials in the order they were ticked; it is empty until the dialog is accepted with a choice.
Images stay where the 素材库 keeps them (copied into the data folder); callers that need their own copy
copy `material_file(...)`.

Signals:
    picked(list): the chosen MaterialInfo list, emitted on accept (before `accepted`).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from services.library import (
    KIND_LABELS,
    MaterialInfo,
    list_materials,
    material_categories,
    record_material_use,
)
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.library.common import ALL
from ui.library.thumbs import material_icon, material_pixmap

ICON = 48
PREVIEW = 260
LIMIT = 500


def material_line(info: MaterialInfo) -> str:
    """Two lines for a list: the title, then kind · category · uses · tags."""
    uses = tr("用过 {n} 次", n=info.use_count) if info.use_count else tr("还没用过")
    parts = [info.kind_label, tr(info.category) if info.category else tr("未分类"), uses]
    if info.tags:
        parts.append(" ".join("#" + word for word in info.tags))
    return f"{info.title}\n{' · '.join(parts)}"


def material_html(info: MaterialInfo) -> str:
    """The preview text: title, the meta line, then the words or the clickable address."""
    meta = html.escape(material_line(info).split("\n", 1)[1])
    if info.kind == "link":
        address = html.escape(info.body, quote=True)
        body = f'<a href="{address}">{address}</a>'
    else:
        body = html.escape(info.body).replace("\n", "<br>")
    return f'<b>{html.escape(info.title)}</b><br><span style="color:#888;">{meta}</span><br><br>{body}'


class MaterialPickerDialog(QDialog):
    """Search, tick and take materials (see the module docstring)."""

    picked = Signal(list)

    def __init__(self, ctx: AppContext, kinds: tuple[str, ...] | None = None, parent: QWidget | None = None, *,
                 multi: bool = True, record_use: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kinds = tuple(k for k in (kinds or tuple(KIND_LABELS)) if k in KIND_LABELS) or tuple(KIND_LABELS)
        self.multi = multi
        self.record_use = record_use
        self.materials: list[MaterialInfo] = []
        self._ticked: dict[int, MaterialInfo] = {}  # in ticking order
        self._chosen: list[MaterialInfo] = []
        only = "、".join(tr(KIND_LABELS[k]) for k in self.kinds) if len(self.kinds) < len(KIND_LABELS) else ""
        self.setWindowTitle(tr("从素材库选择") + (f"（{only}）" if only else ""))
        self.setMinimumSize(780, 520)

        self.search = QLineEdit()
        self.search.setObjectName("materialSearch")
        self.search.setPlaceholderText(tr("搜索素材：标题、内容、分类或标签"))
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.setObjectName("materialKind")
        self.kind.addItem(tr("全部类型"), ALL)
        for key in self.kinds:
            self.kind.addItem(tr(KIND_LABELS[key]), key)
        self.kind.setVisible(len(self.kinds) > 1)
        self.category = QComboBox()
        self.category.setObjectName("materialCategory")
        self.list = QListWidget()
        self.list.setObjectName("materialList")
        self.list.setIconSize(QSize(ICON, ICON))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection if multi
                                   else QAbstractItemView.SelectionMode.SingleSelection)
        self.empty = QLabel()
        self.empty.setObjectName("sectionHint")
        self.empty.setWordWrap(True)
        self.preview_picture = QLabel()
        self.preview_picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_picture.setMinimumHeight(120)
        self.preview_text = QTextBrowser()
        self.preview_text.setObjectName("materialPreview")
        self.preview_text.setOpenExternalLinks(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("sectionHint")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.kind)
        filters.addWidget(self.category)
        left_column.addLayout(filters)
        left_column.addWidget(self.list, 1)
        left_column.addWidget(self.empty)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.preview_picture)
        right_column.addWidget(self.preview_text, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([470, 300])
        splitter.setChildrenCollapsible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._fill_categories()
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.category.currentIndexChanged.connect(lambda _i: self.reload())
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.currentItemChanged.connect(lambda _c, _p: self._show_preview())
        self.list.itemDoubleClicked.connect(self._double_clicked)
        self.reload()
        self.search.setFocus()

    # ---- loading --------------------------------------------------------------------------------

    def _fill_categories(self) -> None:
        with self.ctx.session() as session:
            categories = [(name, count) for name, count in material_categories(session) if count]
        self.category.addItem(tr("全部分类"), ALL)
        for name, _count in categories:
            self.category.addItem(tr(name) if name else tr("未分类"), name)

    def reload(self) -> None:
        self._timer.stop()
        kind = self.kind.currentData()
        category = self.category.currentData()
        with self.ctx.session() as session:
            found = list_materials(session, self.search.text(), kind=None if kind == ALL else kind,
                                   category=None if category in (None, ALL) else category, limit=LIMIT)
        self.materials = [m for m in found if m.kind in self.kinds]
        root = self.ctx.store.data_dir.root
        self.list.blockSignals(True)
        self.list.clear()
        for info in self.materials:
            item = QListWidgetItem(material_icon(root, info, ICON), material_line(info))
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(info.body[:300] if info.kind != "image" else info.title)
            if self.multi:  # a tick shows what is chosen better than the theme's pale selection; only shown
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)  # a click on the row toggles
                item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if info.id in self._ticked:
                item.setSelected(True)
                if self.multi:
                    item.setCheckState(Qt.CheckState.Checked)
        if self.materials:  # the preview shows the first one; it is not ticked by that
            self.list.setCurrentRow(0, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.list.blockSignals(False)
        searching = bool(self.search.text().strip()) or category not in (None, ALL) or kind != ALL
        self.empty.setText("" if self.materials else tr("没有找到符合条件的素材。") if searching
                           else tr("素材库里还没有可用的素材：到“话术素材 → 素材库”里添加文字、图片或链接。"))
        self.empty.setVisible(not self.materials)
        self._show_preview()
        self._update_count()

    def _selection_changed(self) -> None:
        selected = {int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()}
        shown = {info.id: info for info in self.materials}
        for material_id in [m for m in self._ticked if m in shown and m not in selected]:
            del self._ticked[material_id]  # unticked here (ticks of rows filtered away are kept)
        if not self.multi:
            self._ticked = {}
        for material_id in selected:
            if material_id not in self._ticked:
                self._ticked[material_id] = shown[material_id]
        if self.multi:
            self.list.blockSignals(True)
            for row in range(self.list.count()):
                item = self.list.item(row)
                item.setCheckState(Qt.CheckState.Checked if item.isSelected() else Qt.CheckState.Unchecked)
            self.list.blockSignals(False)
        self._update_count()

    def _update_count(self) -> None:
        n = len(self._ticked)
        self.ok_button.setEnabled(n > 0)
        self.ok_button.setText(tr("使用所选（{n}）", n=n) if n else tr("使用所选"))
        self.count_label.setText(tr("已选 {n} 个，点一下选中或取消", n=n) if self.multi
                                 else tr("选一个素材，双击直接使用"))

    def _current(self) -> MaterialInfo | None:
        item = self.list.currentItem()
        if item is None:
            return None
        chosen = int(item.data(Qt.ItemDataRole.UserRole))
        return next((m for m in self.materials if m.id == chosen), None)

    def _show_preview(self) -> None:
        info = self._current()
        if info is None:
            self.preview_picture.clear()
            self.preview_picture.hide()
            self.preview_text.setPlainText("")
            return
        root = self.ctx.store.data_dir.root
        self.preview_picture.setVisible(info.kind == "image")
        if info.kind == "image":
            self.preview_picture.setPixmap(material_pixmap(root, info, PREVIEW))
        self.preview_text.setHtml(material_html(info))

    def _double_clicked(self, item: QListWidgetItem) -> None:
        item.setSelected(True)  # the double-click's two clicks toggled it off and on (or on and off)
        material_id = int(item.data(Qt.ItemDataRole.UserRole))
        if material_id not in self._ticked:
            info = next((m for m in self.materials if m.id == material_id), None)
            if info is not None:
                self._ticked[material_id] = info
        self.accept()

    # ---- result ---------------------------------------------------------------------------------

    def select_ids(self, ids: list[int]) -> None:
        """Tick these materials (those shown), e.g. the ones a post already has."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if int(item.data(Qt.ItemDataRole.UserRole)) in ids:
                item.setSelected(True)

    def accept(self) -> None:
        chosen = list(self._ticked.values())
        if not chosen:
            return
        if self.record_use:
            try:
                with self.ctx.session() as session:
                    for info in chosen:
                        record_material_use(session, info.id)
            except Exception as exc:  # a material deleted meanwhile: say so, let the seller choose again
                show_error(self, exc)
                self._ticked = {}
                self.reload()
                return
        self._chosen = chosen
        self.picked.emit(chosen)
        super().accept()

    def chosen(self) -> list[MaterialInfo]:
        return list(self._chosen)

