"""Adding or editing a material: its kind (文字 / 图片 / 链接), title, category, tags, and the content —
the words, the web address, or a picture chosen with 选择图片… or dropped onto the dialog (the service
copies it into the data folder when saved)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from services.errors import ValidationError
from services.library import (
    KIND_LABELS,
    MaterialInfo,
    MaterialInput,
    create_material,
    material_file,
    update_material,
)
from services.library_materials import IMAGE_SIGNATURES
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.library.thumbs import image_thumbnail
from ui.widgets import FieldError

PICTURE = 220


def image_files(urls: list[object]) -> list[Path]:
    """The local image files among dropped URLs."""
    paths = []
    for url in urls:
        local = url.toLocalFile() if hasattr(url, "toLocalFile") else ""
        if local and Path(local).suffix.lower() in IMAGE_SIGNATURES:
            paths.append(Path(local))
    return paths


class MaterialDialog(QDialog):
    """New or edited material; 保存 goes through services.library (errors shown under their field).

    `image` starts a new image material with that file (a file dropped onto the 素材库)."""

    def __init__(self, ctx: AppContext, categories: list[str], tags: list[str], material: MaterialInfo | None = None,
                 *, kind: str = "text", category: str = "", image: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.material_id = material.id if material is not None else None
        self.saved_id: int | None = None
        self.image: Path | None = image
        self.current_image: Path | None = material_file(ctx.store.data_dir.root, material) if material else None
        self.setWindowTitle(tr("编辑素材") if material is not None else tr("添加素材"))
        self.setMinimumSize(600, 560)
        self.setAcceptDrops(True)
        kind = material.kind if material is not None else ("image" if image is not None else kind)

        self.kind_buttons: dict[str, QRadioButton] = {}
        self.kind_group = QButtonGroup(self)
        kinds = QHBoxLayout()
        for key, label in KIND_LABELS.items():
            button = QRadioButton(tr(label))
            button.setChecked(key == kind)
            self.kind_group.addButton(button)
            self.kind_buttons[key] = button
            kinds.addWidget(button)
            button.toggled.connect(lambda _on: self._kind_changed())
        kinds.addStretch(1)
        self.title = QLineEdit(material.title if material else "")
        self.title.setPlaceholderText(tr("不填就用内容的开头、网址或图片文件名"))
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(categories)
        self.category.setCurrentText(material.category if material else category)
        self.category.lineEdit().setPlaceholderText(tr("选一个，或输入新的分类（可不填）"))
        self.tags = QLineEdit(" ".join(material.tags) if material else "")
        self.tags.setPlaceholderText(tr("用空格或逗号隔开，如：新品 普洱 送礼"))
        completer = QCompleter(tags, self.tags)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags.setCompleter(completer)
        self.body = QPlainTextEdit(material.body if material and material.kind != "link" else "")
        self.body.setMinimumHeight(120)
        self.link = QLineEdit(material.body if material and material.kind == "link" else "")
        self.link.setObjectName("materialLink")
        self.link.setPlaceholderText("https://mp.weixin.qq.com/s/…")
        self.picture = QLabel()
        self.picture.setObjectName("materialPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(PICTURE + 16, PICTURE + 16)
        self.picture.setStyleSheet("border: 2px dashed #bdbdbd; border-radius: 6px; color: #888;")
        self.picture.setWordWrap(True)
        self.choose_button = QPushButton(tr("选择图片…"))
        self.choose_button.clicked.connect(self.choose_image)
        self.errors = {key: FieldError() for key in ("kind", "title", "category", "tags", "body", "image")}

        self.body_label = QLabel()
        self.picture_box = QWidget()
        picture_column = QVBoxLayout(self.picture_box)
        picture_column.setContentsMargins(0, 0, 0, 0)
        picture_row = QHBoxLayout()
        picture_row.addWidget(self.picture, 1)
        side = QVBoxLayout()
        side.addWidget(self.choose_button)
        hint = QLabel(tr("也可以把图片文件直接拖到这个窗口里。\n保存时图片会复制到客本的数据文件夹，原图移走也不影响。"))
        hint.setObjectName("sectionHint")
        hint.setWordWrap(True)
        side.addWidget(hint)
        side.addStretch(1)
        picture_row.addLayout(side, 1)
        picture_column.addLayout(picture_row)
        picture_column.addWidget(self.errors["image"])

        form = QFormLayout()
        form.addRow(tr("类型"), self._with_error(kinds, "kind"))
        form.addRow(tr("标题"), self._with_error(self.title, "title"))
        form.addRow(tr("分类"), self._with_error(self.category, "category"))
        form.addRow(tr("标签"), self._with_error(self.tags, "tags"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.picture_box)
        layout.addWidget(self.body_label)
        layout.addWidget(self.link)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.errors["body"])
        layout.addWidget(buttons)
        self._kind_changed()
        self._show_picture()

    def _with_error(self, content: QWidget | QHBoxLayout, key: str) -> QWidget:
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(content, QWidget):
            column.addWidget(content)
        else:
            column.addLayout(content)
        column.addWidget(self.errors[key])
        return cell

    # ---- kind and picture -------------------------------------------------------------------------

    def kind(self) -> str:
        return next((key for key, button in self.kind_buttons.items() if button.isChecked()), "text")

    def set_kind(self, kind: str) -> None:
        self.kind_buttons[kind].setChecked(True)

    def _kind_changed(self) -> None:
        kind = self.kind()
        self.picture_box.setVisible(kind == "image")
        self.link.setVisible(kind == "link")
        self.body.setVisible(kind != "link")
        self.body_label.setText(tr("网址") if kind == "link" else tr("说明（可不填，例如配图文案）") if kind == "image"
                                else tr("内容"))
        self.body.setPlaceholderText(tr("配这张图时常发的文字，复制图片时不会带上") if kind == "image"
                                     else tr("常发的文案、产品介绍、回答客户的常见问题……"))
        self.body.setMinimumHeight(60 if kind == "image" else 120)

    def choose_image(self) -> None:
        start = str(self.image.parent) if self.image is not None else str(Path.home())
        patterns = " ".join(f"*{suffix}" for suffix in IMAGE_SIGNATURES)
        name, _filter = QFileDialog.getOpenFileName(self, tr("选择图片"), start, tr("图片") + f" ({patterns})")
        if name:
            self.set_image(Path(name))

    def set_image(self, path: Path) -> None:
        self.image = path
        self.set_kind("image")
        self.errors["image"].show_message("")
        self._show_picture()

    def _show_picture(self) -> None:
        path = self.image or self.current_image
        pixmap = image_thumbnail(path, PICTURE) if path is not None else None
        if pixmap is not None:
            self.picture.setPixmap(pixmap)
            self.picture.setToolTip(str(path))
        else:
            self.picture.clear()
            self.picture.setText(tr("图片打不开") if path is not None else tr("把图片拖到这里\n或点“选择图片…”"))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if image_files(list(event.mimeData().urls())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = image_files(list(event.mimeData().urls()))
        if files:
            self.set_image(files[0])
            event.acceptProposedAction()

    # ---- saving -----------------------------------------------------------------------------------

    def value(self) -> MaterialInput:
        kind = self.kind()
        body = self.link.text() if kind == "link" else self.body.toPlainText()
        return MaterialInput(kind, self.title.text(), self.category.currentText(), body, self.tags.text(),
                             self.image if kind == "image" else None)

    def accept(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        root = self.ctx.store.data_dir.root
        try:
            with self.ctx.session() as session:
                if self.material_id is None:
                    self.saved_id = create_material(session, root, self.value())
                else:
                    update_material(session, root, self.material_id, self.value())
                    self.saved_id = self.material_id
        except ValidationError as exc:
            for key, message in exc.fields.items():
                self.errors.get(key, self.errors["body"]).show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        super().accept()
