"""The 素材 tab: categories on the left; the searchable list (kind and tag filters, thumbnails, usage
counts) in the middle; the chosen material on the right with 复制 (its words, its address or the picture
itself — counted as a use), 打开链接 / 打开图片, 编辑 and 删除. The 回收站 entry lists deleted materials
to restore. Image files dropped onto the tab start a new image material. An empty library explains itself.

Signals:
    changed(): materials were added, edited, used, deleted or restored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services import library as lib
from services.errors import NotFoundError
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.library.common import ALL, TRASH, CategoryList, open_dialog, set_column_widths
from ui.library.material_editor import MaterialDialog, image_files
from ui.library.material_picker import material_html
from ui.library.thumbs import material_icon, material_pixmap
from ui.widgets import EmptyState

COLUMNS = ("标题", "分类", "标签", "使用次数", "更新时间")  # the kind shows in the thumbnail
ICON = 40
PREVIEW = 300


def day_text(value: object) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else ""


class MaterialsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[lib.MaterialInfo] = []
        self.dialog: QDialog | None = None  # the editor on screen (tests drive it)
        self.setAcceptDrops(True)
        self.categories = CategoryList()
        self.categories.setObjectName("materialCategories")
        self.search = QLineEdit()
        self.search.setObjectName("materialSearch")
        self.search.setPlaceholderText(tr("搜索素材：标题、内容、分类或标签  Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.setObjectName("materialKind")
        self.kind.addItem(tr("全部类型"), ALL)
        for key, label in lib.KIND_LABELS.items():
            self.kind.addItem(tr(label), key)
        self.tag = QComboBox()
        self.tag.setObjectName("materialTag")
        self.tag.setMinimumContentsLength(6)
        self.new_button = QPushButton(tr("添加素材"))
        self.new_button.setToolTip("Ctrl+N")
        new_menu = QMenu(self)
        for key, label in (("text", "文字素材…"), ("image", "图片素材…"), ("link", "链接素材…")):
            new_menu.addAction(tr(label), lambda k=key: self.new_material(k))
        self.new_button.setMenu(new_menu)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("materialTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setIconSize(QSize(ICON, ICON))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ICON + 8)
        self.table.setWordWrap(False)
        self.table.setToolTip(tr("双击或回车：复制"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        set_column_widths(self.table, {1: 80, 2: 120, 3: 70, 4: 100})
        self.none_found = QLabel()
        self.none_found.setObjectName("sectionHint")
        self.none_found.setWordWrap(True)
        self.none_found.hide()

        # the chosen material
        self.picture = QLabel()
        self.picture.setObjectName("materialPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_body = QTextBrowser()
        self.detail_body.setObjectName("materialBody")
        self.detail_body.setOpenLinks(False)
        self.detail_body.anchorClicked.connect(lambda _url: self.open_material())
        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.setObjectName("copyMaterial")
        self.copy_button.setToolTip(tr("文字和链接复制文字，图片复制图片本身，去微信里粘贴（回车）"))
        self.copy_button.clicked.connect(self.copy_material)
        self.open_button = QPushButton(tr("打开链接"))
        self.open_button.clicked.connect(self.open_material)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(self.edit_material)
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.setToolTip("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.restore_button = QPushButton(tr("恢复"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton(tr("彻底删除"))
        self.purge_button.clicked.connect(self.purge_selected)
        detail = QWidget()
        detail_column = QVBoxLayout(detail)
        detail_column.setContentsMargins(8, 0, 0, 0)
        detail_column.addWidget(self.picture)
        detail_column.addWidget(self.detail_body, 1)
        detail_column.addStretch(0)
        first = QHBoxLayout()
        first.addWidget(self.copy_button, 2)
        first.addWidget(self.open_button, 1)
        second = QHBoxLayout()
        for button in (self.edit_button, self.delete_button, self.restore_button, self.purge_button):
            second.addWidget(button)
        detail_column.addLayout(first)
        detail_column.addLayout(second)

        middle = QWidget()
        middle_column = QVBoxLayout(middle)
        middle_column.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.kind)
        tools.addWidget(self.tag)
        tools.addWidget(self.new_button)
        middle_column.addLayout(tools)
        middle_column.addWidget(self.none_found)
        middle_column.addWidget(self.table, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.categories)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([150, 700, 380])
        self.splitter.setChildrenCollapsible(False)

        self.empty = EmptyState(
            tr("素材库还是空的"),
            tr("把常发的文案、产品图、公众号文章链接存在这里，按分类和标签找得到。\n"
               "复制一下就能去微信里粘贴；写朋友圈和社群SOP时也能直接选用。\n也可以把图片文件直接拖进来。"))
        self.empty.setAcceptDrops(False)
        for key, label in (("text", "添加文字素材"), ("image", "添加图片素材"), ("link", "添加链接素材")):
            self.empty.add_button(tr(label)).clicked.connect(lambda _=False, k=key: self.new_material(k))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.stack)

        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.tag.currentIndexChanged.connect(lambda _i: self.reload())
        self.categories.chosen.connect(lambda _key: self.reload())
        self.table.itemSelectionChanged.connect(self._show_current)
        self.table.itemDoubleClicked.connect(lambda _item: self.activate_current())
        ctx.ui_state.restore_splitter("library.materials", self.splitter)
        ctx.ui_state.restore_header("library.materials", header)

    # ---- loading --------------------------------------------------------------------------------

    def in_trash(self) -> bool:
        return self.categories.current() == TRASH

    def _fill_tags(self, tags: list[tuple[str, int]]) -> None:
        keep = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(tr("全部标签"), ALL)
        for word, count in tags:
            self.tag.addItem(f"#{word}  ({count})", word)
        index = self.tag.findData(keep)
        self.tag.setCurrentIndex(index if index >= 0 else 0)
        self.tag.blockSignals(False)

    def reload(self) -> None:
        self._timer.stop()
        keep = set(self.selected_ids())
        kind = self.kind.currentData()
        with self.ctx.session() as session:
            categories = lib.material_categories(session)
            trashed = lib.list_trashed_materials(session)
            total = sum(count for _name, count in categories)
            self.categories.fill(categories, total, len(trashed))
            self._fill_tags(lib.material_tags(session))
            category, tag = self.categories.current(), self.tag.currentData()
            if category == TRASH:
                query = self.search.text().strip()
                self.rows = [m for m in trashed if (kind == ALL or m.kind == kind) and (
                    not query or any(query in field for field in (m.title, m.body, m.category, " ".join(m.tags))))]
            else:
                self.rows = lib.list_materials(session, self.search.text(), None if kind == ALL else kind,
                                               None if category == ALL else category, None if tag == ALL else tag)
        self.stack.setCurrentWidget(self.empty if total == 0 and not trashed else self.splitter)
        self._fill_table(keep)
        query = self.search.text().strip()
        filtered = kind != ALL or self.tag.currentData() != ALL
        self.none_found.setText(tr("没有找到包含“{q}”的素材", q=query) if query else
                                tr("回收站是空的：删除的素材会先放在这里。") if self.in_trash() else
                                tr("没有符合筛选条件的素材。") if filtered else
                                tr("这个分类还没有素材，按 添加素材（Ctrl+N）或把图片拖进来。"))
        self.none_found.setVisible(not self.rows)
        self._show_current()

    def _fill_table(self, keep: set[int]) -> None:
        root = self.ctx.store.data_dir.root
        trash = self.in_trash()
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.rows))
        for row, info in enumerate(self.rows):
            cells = (info.title, tr(info.category) if info.category else tr("未分类"),
                     " ".join("#" + w for w in info.tags), str(info.use_count),
                     day_text(info.deleted_at if trash else info.updated_at))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setIcon(material_icon(root, info, ICON))
                    item.setToolTip(f"{info.kind_label} · {info.title}\n{info.body[:300]}".strip())
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if info.id in keep:
                self.table.selectRow(row)
        self.table.setHorizontalHeaderItem(4, QTableWidgetItem(tr("删除时间") if trash else tr("更新时间")))
        if not self.table.selectedItems() and self.rows:
            self.table.selectRow(0)
        self.table.blockSignals(False)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[r].id for r in rows if r < len(self.rows)]

    def current(self) -> lib.MaterialInfo | None:
        ids = self.selected_ids()
        return next((m for m in self.rows if ids and m.id == ids[0]), None)

    def _show_current(self) -> None:
        info, trash = self.current(), self.in_trash()
        for button in (self.copy_button, self.open_button, self.edit_button, self.delete_button):
            button.setVisible(not trash)
            button.setEnabled(info is not None)
        for button in (self.restore_button, self.purge_button):
            button.setVisible(trash)
            button.setEnabled(info is not None)
        if info is None:
            self.picture.hide()
            self.detail_body.setHtml(f'<span style="color:#888;">{tr("没有选中素材")}</span>')
            return
        self.open_button.setVisible(not trash and info.kind in ("link", "image"))
        self.open_button.setText(tr("打开链接") if info.kind == "link" else tr("打开图片"))
        self.copy_button.setText(tr("复制图片") if info.kind == "image" else tr("复制链接") if info.kind == "link"
                                 else tr("复制文字"))
        self.picture.setVisible(info.kind == "image")
        self.detail_body.setMaximumHeight(180 if info.kind == "image" else 16777215)  # the picture gets the room
        if info.kind == "image":
            self.picture.setPixmap(material_pixmap(self.ctx.store.data_dir.root, info, PREVIEW))
        self.detail_body.setHtml(f'<div style="font-size:14px; line-height:150%;">{material_html(info)}</div>')

    def _category_names(self) -> list[str]:
        with self.ctx.session() as session:
            return [name for name, _count in lib.material_categories(session) if name]

    def _tag_words(self) -> list[str]:
        with self.ctx.session() as session:
            return [word for word, _count in lib.material_tags(session)]

    # ---- actions --------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_material(self, kind: str = "text", image: Path | None = None) -> MaterialDialog:
        category = self.categories.current()
        dialog = MaterialDialog(self.ctx, self._category_names(), self._tag_words(), kind=kind, image=image,
                                category="" if category in (ALL, TRASH) else category, parent=self)
        self.dialog = open_dialog(dialog, lambda: self._saved(dialog.saved_id))
        return dialog

    def edit_material(self) -> MaterialDialog | None:
        info = self.current()
        if info is None:
            return None
        dialog = MaterialDialog(self.ctx, self._category_names(), self._tag_words(), info, parent=self)
        self.dialog = open_dialog(dialog, lambda: self._saved(dialog.saved_id))
        return dialog

    def _saved(self, material_id: int | None) -> None:
        if self.in_trash():
            self.categories.select(ALL, emit=False)
        self.reload()
        if material_id is not None:
            self.select_material(material_id)
        self.changed.emit()

    def select_material(self, material_id: int) -> None:
        for row, info in enumerate(self.rows):
            if info.id == material_id:
                self.table.selectRow(row)
                return
        self.categories.select(ALL, emit=False)  # not among those shown: clear the filters
        for box in (self.kind, self.tag):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()
        for row, info in enumerate(self.rows):
            if info.id == material_id:
                self.table.selectRow(row)

    def activate_current(self) -> None:
        """Enter / double-click: copy it (restore it in the 回收站)."""
        if self.in_trash():
            self.restore_selected()
        else:
            self.copy_material()

    def copy_material(self) -> None:
        """A text's words or a link's address as text, an image as a picture; counts a use."""
        info = self.current()
        if info is None:
            return
        clipboard = QGuiApplication.clipboard()
        if info.kind == "image":
            path = lib.material_file(self.ctx.store.data_dir.root, info)
            image = QImage(str(path)) if path is not None else QImage()
            if image.isNull():
                show_error(self, NotFoundError(tr("图片文件不见了：{path}\n请编辑这个素材，重新选择图片。",
                                                      path=info.path)))
                return
            clipboard.setImage(image)
            message = tr("已复制图片“{title}”，去微信里粘贴", title=info.title)
        else:
            clipboard.setText(info.body)
            message = tr("已复制“{title}”，去微信里粘贴", title=info.title)
        try:
            with self.ctx.session() as session:
                lib.record_material_use(session, info.id)
        except Exception as exc:  # on the clipboard all the same
            show_error(self, exc)
        self.reload()
        self.select_material(info.id)
        self.ctx.status_message.emit(message)
        self.changed.emit()

    def open_material(self) -> None:
        """A link in the browser, an image in the system's picture viewer."""
        info = self.current()
        if info is None or info.kind == "text":
            return
        if info.kind == "link":
            QDesktopServices.openUrl(QUrl(info.body))
            return
        path = lib.material_file(self.ctx.store.data_dir.root, info)
        if path is None:
            show_error(self, NotFoundError(tr("图片文件不见了：{path}", path=info.path)))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def delete_selected(self) -> None:
        if self.in_trash():
            self.purge_selected()
            return
        ids = self.selected_ids()
        if not ids:
            return
        names = "、".join([m.title for m in self.rows if m.id in ids][:3])
        text = tr("把“{names}”{more}移到回收站吗？\n\n在左侧“回收站”里随时可以恢复。", names=names,
                  more=tr(" 等 {n} 个", n=len(ids)) if len(ids) > 3 else "")
        if not confirm(self, tr("删除素材"), text, tr("移到回收站")):
            return
        self._run(lambda session: lib.trash_materials(session, ids), tr("已移到回收站：{n} 个素材", n=len(ids)))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._run(lambda session: lib.restore_materials(session, ids), tr("已恢复 {n} 个素材", n=len(ids)))

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        root = self.ctx.store.data_dir.root
        if ids and confirm(self, tr("彻底删除"), tr("将永久删除选中的 {n} 个素材（连同复制进来的图片），无法恢复。", n=len(ids)),
                           tr("彻底删除")):
            self._run(lambda session: lib.purge_materials(session, root, ids), tr("已彻底删除 {n} 个素材", n=len(ids)))

    def _run(self, action: Callable[[Session], object], message: str) -> None:
        try:
            with self.ctx.session() as session:
                action(session)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self.ctx.status_message.emit(message)
        self.changed.emit()

    # ---- dropping image files -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if image_files(list(event.mimeData().urls())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = image_files(list(event.mimeData().urls()))
        if files:
            event.acceptProposedAction()
            self.new_material("image", files[0])

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("library.materials", self.splitter)
        self.ctx.ui_state.save_header("library.materials", self.table.horizontalHeader())
