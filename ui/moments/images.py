"""A post's images (at most 9, like WeChat): thumbnails in order, added with a file dialog or by dropping
files, reordered by dragging (or ◀ ▶), removed with Delete. Each entry is either a path relative to the
data folder (an image already copied in) or a file chosen now (copied in when the post is saved)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImageReader, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.moments import MAX_IMAGES
from services import moments as m
from ui.i18n import tr
from ui.moments import common

THUMB = 96
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".heic")


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()


class ImageList(QListWidget):
    """Signals:
        files_dropped(list): image files dropped from outside.
        remove_pressed(): Delete on the chosen image.
    """

    files_dropped = Signal(list)
    remove_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 14, THUMB + 26))
        self.setMovement(QListView.Movement.Static)  # dropping reorders the entries, not their pixels
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setMinimumHeight(THUMB + 40)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if event.source() is self:
            super().dropEvent(event)
            return
        if event.mimeData().hasUrls():
            files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
            event.acceptProposedAction()
            self.files_dropped.emit(files)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentItem() is not None:
            self.remove_pressed.emit()
            return
        super().keyPressEvent(event)


class ImageStrip(QWidget):
    """Signals:
        changed(): an image was added, removed or moved.
    """

    changed = Signal()

    def __init__(self, data_root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_root = data_root
        self.list = ImageList()
        self.list.files_dropped.connect(self.add_files)
        self.list.remove_pressed.connect(self.remove_current)
        self._renumber_soon = QTimer(self, singleShot=True, interval=0)  # after a drag has moved an image
        self._renumber_soon.timeout.connect(self._moved)
        model = self.list.model()
        for signal in (model.rowsMoved, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: self._renumber_soon.start())
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.add_button = QPushButton(tr("添加图片…"))
        self.add_button.clicked.connect(self.choose_files)
        self.left_button = QPushButton("◀")
        self.left_button.setToolTip(tr("往前移"))
        self.left_button.clicked.connect(lambda: self.move_current(-1))
        self.right_button = QPushButton("▶")
        self.right_button.setToolTip(tr("往后移"))
        self.right_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button = QPushButton(tr("移除"))
        self.remove_button.setToolTip("Delete")
        self.remove_button.clicked.connect(self.remove_current)
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #888;")
        self.hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.left_button, self.right_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # ---- contents ----------------------------------------------------------------------------------

    def set_images(self, images: list[str]) -> None:
        """The post's stored images (paths relative to the data folder)."""
        self.list.clear()
        for rel in images:
            self._add(rel, m.image_file(self.data_root, rel))
        self._renumber()

    def images(self) -> list[str]:
        """In order: stored relative paths as they were, new files as absolute paths (set_images copies
        those in)."""
        return [str(self.list.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.list.count())]

    def add_files(self, files: list[Path]) -> int:
        """Add image files (others are skipped, and the total stays at 9); returns how many were added."""
        room = MAX_IMAGES - self.list.count()
        images = [f for f in files if is_image(f)]
        skipped = len(files) - len(images)
        added = images[:max(room, 0)]
        for path in added:
            self._add(str(path.resolve()), path)
        self._renumber()
        notes = []
        if skipped:
            notes.append(tr("{n} 个不是图片，没有加入", n=skipped))
        if len(images) > len(added):
            notes.append(tr("一条朋友圈最多 {max} 张图，多出的 {n} 张没有加入", max=MAX_IMAGES, n=len(images) - len(added)))
        if notes:
            self.hint.setText("；".join(notes))
            self.hint.setStyleSheet("color: #d32f2f;")
        if added:
            self.changed.emit()
        return len(added)

    def choose_files(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in IMAGE_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(self, tr("选择图片（最多 {n} 张）", n=MAX_IMAGES), "",
                                                tr("图片") + f" ({patterns})")
        if files:
            self.add_files([Path(f) for f in files])

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._renumber()
            self.changed.emit()

    def move_current(self, by: int) -> None:
        row = self.list.currentRow()
        target = row + by
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._renumber()
        self.changed.emit()

    # ---- inside ------------------------------------------------------------------------------------

    def _moved(self) -> None:
        numbers = [self.list.item(row).text() for row in range(self.list.count())]
        if numbers != [str(row + 1) for row in range(self.list.count())]:  # reordered by dragging
            self._renumber()
            self.changed.emit()

    def _add(self, value: str, file: Path) -> None:
        item = QListWidgetItem(common.thumbnail_icon(file, THUMB), "")
        item.setData(Qt.ItemDataRole.UserRole, value)
        size = QImageReader(str(file)).size()
        detail = f"{size.width()}×{size.height()}" if size.isValid() else tr("找不到这张图片")
        item.setToolTip(f"{file.name}\n{detail}")
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)  # drop between images, not onto one
        self.list.addItem(item)

    def _renumber(self) -> None:
        for row in range(self.list.count()):
            self.list.item(row).setText(str(row + 1))
        count = self.list.count()
        if count:
            self.hint.setText(tr("{n}/{max} 张 · 拖动调整顺序，第 1 张是封面", n=count, max=MAX_IMAGES))
        else:
            self.hint.setText(tr("还没有图片：点“添加图片”，或把图片文件拖进来（最多 {max} 张）", max=MAX_IMAGES))
        self.hint.setStyleSheet("color: #888;")
        self.add_button.setEnabled(count < MAX_IMAGES)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        self.remove_button.setEnabled(row >= 0)
        self.left_button.setEnabled(row > 0)
        self.right_button.setEnabled(0 <= row < self.list.count() - 1)
