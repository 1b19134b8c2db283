"""关于客本: the version, where the data lives, and the licences of every library shipped inside KeBen.

    AboutDialog(data_folder, parent).exec()     # the main window's 帮助 → 关于客本 (F1)

Everything shown comes from resources.app_info (name, version, the library list), so the dialog,
the installers and `keben --version` agree. The licence texts are the libraries' own (their
*.dist-info folders travel in the bundle), else the copies under resources/licenses.
"""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resources import app_info, icon_file
from ui.i18n import tr

COLUMNS = ("组件", "版本", "许可证")


def app_icon() -> QIcon:
    """KeBen's icon in every size it ships (the window, the taskbar, the dialog)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addFile(str(icon_file(size)))
    return icon


class AboutDialog(QDialog):
    def __init__(self, data_folder: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(tr("关于客本"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(720, 560)
        self.data_folder = str(data_folder)
        self.libraries = app_info.bundled_libraries()

        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self._data_row())
        notice = QLabel(tr("客本使用并随附下列开源组件，它们按各自的许可证发布。Qt 与 PySide6 以独立的共享库形式随附，"
                           "你可以用兼容的版本替换它们。Qt 自带的第三方组件（ICU、HarfBuzz、FreeType 等）的许可证见 "
                           "<a href=\"{url}\">{url}</a>。", url=app_info.QT_THIRD_PARTY_URL))
        notice.setWordWrap(True)
        notice.setOpenExternalLinks(True)
        notice.setObjectName("sectionHint")
        layout.addWidget(notice)

        self.table = self._library_table()
        self.licence = QPlainTextEdit()
        self.licence.setObjectName("licenceText")
        self.licence.setReadOnly(True)
        self.licence.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.licence)
        split.setSizes([260, 200])
        layout.addWidget(split, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_licence(row))
        self.table.setCurrentCell(0, 0)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(QPixmap(str(icon_file(64))))
        row.addWidget(logo)
        self.title = QLabel(f"<h2>{app_info.DISPLAY_NAME} {app_info.APP_NAME}</h2>"
                            + tr("版本 {version} · {what}", version=app_info.VERSION, what=app_info.DESCRIPTION)
                            + "<br>" + tr("Python {python} · Qt {qt}", python=platform.python_version(),
                                          qt=qVersion()))
        self.title.setObjectName("aboutTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.title, 1)
        return row

    def _data_row(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.data_label = QLabel(tr("数据文件夹：{path}", path=self.data_folder))
        self.data_label.setObjectName("aboutDataFolder")
        self.data_label.setWordWrap(True)
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.data_label, 1)
        folder = Path(self.data_folder)
        if folder.is_dir():  # not for a database server URL
            open_button = QPushButton(tr("打开文件夹"))
            open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
            row.addWidget(open_button)
        return box

    def _library_table(self) -> QTableWidget:
        table = QTableWidget(len(self.libraries), len(COLUMNS))
        table.setObjectName("aboutLibraries")
        table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, library in enumerate(self.libraries):
            for column, text in enumerate((library.name, app_info.library_version(library) or "—", library.licence)):
                item = QTableWidgetItem(text)
                item.setToolTip(library.url)
                table.setItem(row, column, item)
        return table

    def _show_licence(self, row: int) -> None:
        if not 0 <= row < len(self.libraries):
            return
        library = self.libraries[row]
        text = app_info.licence_text(library)
        if not text:
            text = tr("{name}：{licence}\n{url}", name=library.name, licence=library.licence, url=library.url)
        self.licence.setPlainText(text)
