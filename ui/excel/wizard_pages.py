"""The first steps of the import wizard: 选择文件 and 工作表和表头.

Pages only show things and say what the user did (signals); the wizard (ui.excel.import_wizard)
reads the file and talks to the engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.excel.columns import KIND_LABELS
from services.excel.values import cell_text
from ui.excel.preview_model import MarkedCellDelegate
from ui.i18n import tr
from ui.widgets import FieldError

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
FORMAT_NAMES = {"xlsx": "Excel 工作簿", "xlsm": "Excel 工作簿（含宏）", "xls": "Excel 97-2003 工作簿",
                "ods": "OpenDocument 表格", "csv": "CSV 文本文件"}
ENCODINGS = (("自动", None), ("UTF-8", "utf-8"), ("GBK", "gbk"))
DELIMITERS = (("自动", None), ("逗号 ,", ","), ("分号 ;", ";"), ("制表符", "\t"))
HEADER_BACKGROUND = QColor("#d7f0ec")


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHint")
    label.setWordWrap(True)
    return label


def ask_open_path(parent: QWidget | None) -> Path | None:
    from ui.excel.export_actions import documents_folder

    patterns = " ".join(f"*{s}" for s in SUFFIXES)
    name, _filter = QFileDialog.getOpenFileName(parent, tr("选择要导入的文件"), str(documents_folder()),
                                                tr("表格文件 ({patterns});;所有文件 (*)", patterns=patterns))
    return Path(name) if name else None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column names spreadsheet programs show."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---- 1. 选择文件 ---------------------------------------------------------------------------------

class FilePage(QWidget):
    """What to import and from which file; a file can be dropped anywhere on the page.

    Signals:
        file_chosen(object): a Path picked or dropped.
        options_changed(): the CSV encoding or delimiter was changed by hand.
        kind_changed(str): what is imported (customers, notes …).
        template_requested(str): the user asked for the template of this kind.
    """

    file_chosen = Signal(object)
    options_changed = Signal()
    kind_changed = Signal(str)
    template_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(tr(label), key)
        self.kind.currentIndexChanged.connect(lambda _i: self.kind_changed.emit(self.current_kind()))
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(tr("要导入的是")))
        kind_row.addWidget(self.kind)
        kind_row.addStretch(1)

        self.drop_zone = QFrame()
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setMinimumHeight(190)
        self.drop_zone.setMaximumHeight(320)
        self._style_zone(False)
        zone = QVBoxLayout(self.drop_zone)
        zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zone_title = QLabel(tr("把 Excel 或 CSV 文件拖到这里"))
        self.zone_title.setStyleSheet("font-size: 17px; font-weight: bold;")
        self.zone_detail = QLabel(tr("支持 .xlsx、.xlsm、.xls、.ods 和 .csv（WPS 表格保存的文件也可以）"))
        self.zone_detail.setObjectName("sectionHint")
        self.browse_button = QPushButton(tr("选择文件…"))
        self.browse_button.setMinimumWidth(160)
        self.browse_button.clicked.connect(self.browse)
        for widget in (self.zone_title, self.zone_detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
            widget.setMinimumWidth(560)
            zone.addWidget(widget)
        self.error = FieldError()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setMinimumWidth(560)
        zone.addWidget(self.error)
        zone.addSpacing(8)
        zone.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignCenter)
        self.tips = hint_label(tr("· 表格上方有标题行、空行都没关系，客本会自动找到表头。\n"
                                  "· 导入前可以预览每一行、修改有问题的格子；导入后也可以在“导入记录”里撤销。"))

        self.csv_options = QWidget()
        csv_row = QHBoxLayout(self.csv_options)
        csv_row.setContentsMargins(0, 0, 0, 0)
        self.encoding = QComboBox()
        for label, value in ENCODINGS:
            self.encoding.addItem(tr(label), value)
        self.delimiter = QComboBox()
        for label, value in DELIMITERS:
            self.delimiter.addItem(tr(label), value)
        for combo in (self.encoding, self.delimiter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumWidth(170)
        csv_row.addWidget(QLabel(tr("文字编码")))
        csv_row.addWidget(self.encoding)
        csv_row.addSpacing(16)
        csv_row.addWidget(QLabel(tr("分隔符")))
        csv_row.addWidget(self.delimiter)
        csv_row.addStretch(1)
        self.csv_note = hint_label(tr("中文显示成乱码时，把文字编码换成 GBK 或 UTF-8 试试。"))
        self.encoding.activated.connect(lambda _i: self.options_changed.emit())
        self.delimiter.activated.connect(lambda _i: self.options_changed.emit())
        self.csv_options.hide()
        self.csv_note.hide()

        self.template_link = QLabel()
        self.template_link.setObjectName("templateLink")
        self.template_link.linkActivated.connect(lambda _link: self.template_requested.emit(self.current_kind()))
        self.kind_changed.connect(lambda _k: self._update_template_link())
        self._update_template_link()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(kind_row)
        layout.addWidget(self.drop_zone, 1)
        layout.addWidget(self.csv_options)
        layout.addWidget(self.csv_note)
        layout.addWidget(self.tips)
        layout.addStretch(0)
        layout.addWidget(self.template_link)

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))

    def encoding_choice(self) -> str | None:
        value = self.encoding.currentData()
        return str(value) if value else None

    def delimiter_choice(self) -> str | None:
        value = self.delimiter.currentData()
        return str(value) if value else None

    def reset_options(self) -> None:
        self.encoding.setCurrentIndex(0)
        self.delimiter.setCurrentIndex(0)

    def _update_template_link(self) -> None:
        label = tr(KIND_LABELS.get(self.current_kind(), ""))
        self.template_link.setText(tr('还没有表格？<a href="template">下载{kind}导入模板</a>，按模板填好再导入。',
                                      kind=label))

    def _style_zone(self, hover: bool) -> None:
        color = "#26a69a" if hover else "rgba(128, 128, 128, 0.55)"
        background = "rgba(38, 166, 154, 0.08)" if hover else "transparent"
        self.drop_zone.setStyleSheet(f"QFrame#dropZone {{ border: 2px dashed {color}; border-radius: 10px;"
                                     f" background: {background}; }}")

    def browse(self) -> None:
        path = ask_open_path(self)
        if path is not None:
            self.file_chosen.emit(path)

    def show_file(self, path: Path, book: Any) -> None:
        """A file that could be read: name it, and say what it is."""
        self.error.show_message("")
        sheets = len(book.sheet_names)
        kind = tr(FORMAT_NAMES.get(book.format, book.format.upper()))
        if book.format == "csv":
            detail = tr("{kind} · 编码 {encoding}", kind=kind, encoding=(book.encoding or "").upper())
        else:
            detail = tr("{kind} · {n} 个工作表", kind=kind, n=sheets)
        self.zone_title.setText(path.name)
        self.zone_detail.setText(detail + "\n" + str(path.parent))
        self.browse_button.setText(tr("换一个文件…"))
        is_csv = book.format == "csv"
        self.csv_options.setVisible(is_csv)
        self.csv_note.setVisible(is_csv)
        if is_csv:
            self.encoding.setItemText(0, tr("自动（{e}）", e=(book.encoding or "?").upper()))
            shown = {",": tr("逗号"), ";": tr("分号"), "\t": tr("制表符")}.get(book.delimiter or "", book.delimiter or "?")
            self.delimiter.setItemText(0, tr("自动（{d}）", d=shown))

    def show_problem(self, path: Path, message: str) -> None:
        """A file that could not be read: the reader's message, on the page."""
        self.zone_title.setText(path.name)
        self.zone_detail.setText(str(path.parent))
        self.browse_button.setText(tr("换一个文件…"))
        self.csv_options.setVisible(path.suffix.lower() == ".csv")
        self.csv_note.setVisible(path.suffix.lower() == ".csv")
        self.error.show_message(message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_path(event) is not None:
            event.acceptProposedAction()
            self._style_zone(True)

    def dragLeaveEvent(self, event: Any) -> None:
        self._style_zone(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._style_zone(False)
        path = _dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.file_chosen.emit(path)


def _dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | None:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return files[0] if len(files) == 1 else None


# ---- 2. 工作表和表头 ------------------------------------------------------------------------------

class SheetPreviewModel(QAbstractTableModel):
    """The first rows of a sheet as the spreadsheet shows them: header row green and bold, the rows
    above it grey (they are not imported)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[list[str]] = []
        self.width = 0
        self.header_row = 1

    def set_rows(self, rows: list[list[Any]], header_row: int) -> None:
        self.beginResetModel()
        self.rows = [[cell_text(value) for value in row] for row in rows]
        self.width = max((len(r) for r in rows), default=0)
        self.header_row = header_row
        self.endResetModel()

    def set_header_row(self, header_row: int) -> None:
        self.header_row = header_row
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.width - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.width

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return column_letter(section) if orientation == Qt.Orientation.Horizontal else str(section + 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            cells = self.rows[row]
            return cells[column] if column < len(cells) else ""
        if row == self.header_row - 1:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(HEADER_BACKGROUND)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        elif row < self.header_row - 1 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#9e9e9e"))
        return None


class SheetPage(QWidget):
    """The sheet and the header row, with the first rows of the sheet to see them by.

    Signals:
        sheet_changed(str): another sheet was chosen.
        header_row_changed(int): the header row (1-based) was changed by hand.
    """

    sheet_changed = Signal(str)
    header_row_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = QComboBox()
        self.sheet.setMinimumWidth(180)
        self.sheet.activated.connect(lambda _i: self.sheet_changed.emit(self.sheet.currentText()))
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1)
        self.header_row.setMinimumWidth(100)
        self.header_row.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.header_row.valueChanged.connect(self._header_moved)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("工作表")))
        top.addWidget(self.sheet)
        top.addSpacing(24)
        top.addWidget(QLabel(tr("表头在第")))
        top.addWidget(self.header_row)
        top.addWidget(QLabel(tr("行")))
        top.addStretch(1)
        self.hint = hint_label()
        self.model = SheetPreviewModel(self)
        self.grid = QTableView()
        self.grid.setObjectName("sheetPreview")
        self.grid.setModel(self.model)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(False)
        self.grid.verticalHeader().setDefaultSectionSize(26)
        self.grid.horizontalHeader().setDefaultSectionSize(120)
        self.grid.setItemDelegate(MarkedCellDelegate(self.grid))
        self.grid.doubleClicked.connect(lambda index: self.header_row.setValue(index.row() + 1))
        self.empty_note = FieldError()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.empty_note)
        self._found = 0

    def set_sheets(self, names: list[str], current: str) -> None:
        self.sheet.clear()
        self.sheet.addItems(names)
        self.sheet.setCurrentText(current)
        self.sheet.setEnabled(len(names) > 1)

    def show_rows(self, rows: list[list[Any]], header_row: int) -> None:
        """The first rows of the sheet; `header_row` the one the reader found."""
        self._found = header_row
        header_row = max(1, header_row)
        self.model.set_rows(rows, header_row)
        for column in range(min(self.model.width, 40)):
            self.grid.resizeColumnToContents(column)
            self.grid.setColumnWidth(column, max(64, min(self.grid.columnWidth(column), 220)))
        self.empty_note.show_message("" if rows else tr("这个工作表是空的，换一个工作表或文件。"))
        self.header_row.blockSignals(True)
        self.header_row.setRange(1, max(1, len(rows)))
        self.header_row.setValue(header_row)
        self.header_row.blockSignals(False)
        self._show_header(header_row)

    def _header_moved(self, row: int) -> None:
        self.model.set_header_row(row)
        self._show_header(row)
        self.header_row_changed.emit(row)

    def _show_header(self, header_row: int) -> None:
        if not self.model.rows:
            self.hint.setText("")
            return
        found = tr("客本找到的表头在第 {n} 行。", n=self._found) if self._found else ""
        self.hint.setText(found + tr("表头（绿色）上面的行不会导入，下面的每一行是一条记录。"
                                     "不对的话改一下行号，或双击表头所在的那一行。"))
        self.grid.scrollTo(self.model.index(header_row - 1, 0))

    def can_go_on(self) -> bool:
        return bool(self.model.rows)
