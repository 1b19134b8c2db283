"""素材 for SOP steps and group tasks: tick them from the 素材库 when writing a step, and open them when
the task is due — copy a text, open an image (or its folder), open or copy a link."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from services.group_materials import MaterialRef, find_materials, material_refs
from ui.context import AppContext
from ui.groups import common
from ui.i18n import tr


class PickMaterialsDialog(QDialog):
    """Tick the materials to send with a step or task (search by title, text, category)."""

    def __init__(self, ctx: AppContext, chosen: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen = list(chosen)
        self.setWindowTitle(tr("选择素材"))
        self.setMinimumSize(520, 480)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索素材：标题、文字、分类"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.empty = QLabel(tr("素材库里还没有素材：在“素材话术”页面添加图片、链接和文字后，就能在这里挑选。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; padding: 12px;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.list.itemChanged.connect(self._ticked)
        self.reload()

    def reload(self) -> None:
        with self.ctx.session() as session:
            found = find_materials(session, self.search.text())
            # keep the chosen ones listed even when the search leaves them out
            extra = [m for m in material_refs(session, self.chosen) if m.id not in {f.id for f in found}]
        with common.blocked(self.list):
            self.list.clear()
            for material in [*extra, *found]:
                preview = material.body.replace("\n", " ")[:40]
                item = QListWidgetItem(f"[{material.kind_label}] {material.title}" + (f"　{preview}" if preview else ""))
                item.setData(Qt.ItemDataRole.UserRole, material.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if material.id in self.chosen else Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self.empty.setVisible(not found and not extra and not self.search.text().strip())

    def _ticked(self, item: QListWidgetItem) -> None:
        material_id = int(item.data(Qt.ItemDataRole.UserRole))
        if item.checkState() == Qt.CheckState.Checked and material_id not in self.chosen:
            self.chosen.append(material_id)
        elif item.checkState() != Qt.CheckState.Checked and material_id in self.chosen:
            self.chosen.remove(material_id)


def pick_materials(ctx: AppContext, parent: QWidget | None, chosen: list[int]) -> list[int] | None:
    """The materials to attach, in the order ticked (None when cancelled)."""
    dialog = PickMaterialsDialog(ctx, chosen, parent)
    return dialog.chosen if common.run_dialog(dialog) else None


class MaterialsDialog(QDialog):
    """A task's materials, each with what to do with it."""

    def __init__(self, ctx: AppContext, materials: list[MaterialRef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("素材"))
        self.setMinimumSize(520, 360)
        column = QVBoxLayout()
        for material in materials:
            column.addWidget(self._card(material))
        if not materials:
            column.addWidget(QLabel(tr("这些素材已经从素材库删除了。")))
        column.addStretch(1)
        body = QWidget()
        body.setLayout(column)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(close)

    def _card(self, material: MaterialRef) -> QFrame:
        card = QFrame()
        card.setObjectName("materialCard")
        card.setStyleSheet("QFrame#materialCard { border: 1px solid rgba(127,127,127,60); border-radius: 6px; }")
        title = QLabel(f"[{material.kind_label}] {material.title}")
        title.setStyleSheet("font-weight: bold;")
        text = QLabel(material.body if material.kind != "image" else material.path)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        actions.addStretch(1)
        root = self.ctx.store.data_dir.root
        if material.kind == "image":
            file = material.file_in(root)
            for label, target in ((tr("打开图片"), file), (tr("打开所在文件夹"), file.parent if file else None)):
                button = QPushButton(label)
                button.setEnabled(target is not None and target.exists())
                button.clicked.connect(lambda _=False, t=target: QDesktopServices.openUrl(QUrl.fromLocalFile(str(t))))
                actions.addWidget(button)
        else:
            copy = QPushButton(tr("复制"))
            copy.clicked.connect(lambda: common.copy_text(self.ctx, material.body, material.title))
            actions.addWidget(copy)
        if material.kind == "link":
            visit = QPushButton(tr("打开链接"))
            visit.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(material.body)))
            actions.addWidget(visit)
        box = QVBoxLayout(card)
        box.addWidget(title)
        box.addWidget(text)
        box.addLayout(actions)
        return card


def open_materials(ctx: AppContext, parent: QWidget | None, ids: tuple[int, ...] | list[int]) -> None:
    """Show a task's materials: copy texts, open images and links."""
    with ctx.session() as session:
        found = material_refs(session, list(ids))
    common.run_dialog(MaterialsDialog(ctx, found, parent))
