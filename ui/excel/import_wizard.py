"""The import wizard: 选择文件 → 工作表和表头 → 对应列 → 预览 → 导入 (with a summary and undo).

The file is read, checked and imported off the GUI thread (ui.background), each time in its own
session; pages only show and ask. Tests drive it as a user would, with `set_file(path)` in place of
the file dialog.

    wizard = open_import_wizard(ctx, parent, kind="customers")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from services.errors import UserError
from services.excel.columns import KINDS
from services.excel.engine import (
    CheckedRow,
    ImportOptions,
    check_rows,
    field_labels,
    missing_required,
    remember_mapping,
    suggest_mapping,
)
from services.excel.reader import Spreadsheet, best_sheet, find_header_row, open_spreadsheet
from services.excel.values import cell_text, is_blank
from ui.background import BackgroundOp, Progress, run_in_background
from ui.context import AppContext
from ui.errors import show_error
from ui.excel.mapping_page import MappingPage
from ui.excel.preview_model import PreviewModel, PreviewPage
from ui.excel.run_page import RunPage
from ui.excel.wizard_pages import FilePage, SheetPage
from ui.i18n import tr

STEPS = ("选择文件", "工作表和表头", "对应列", "预览", "导入")
FILE, SHEET, MAPPING, PREVIEW, RUN = range(5)
PROGRESS_EVERY = 1000
CUSTOMER_REFS = {"customer_name", "customer_wechat_id", "customer_phone"}


class _Stopped(Exception):
    """The user cancelled reading or checking the file."""


class ImportWizard(QDialog):
    """The five steps in one window; Alt+← / Alt+→ (or 上一步 / 下一步) move between them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, kind: str = "customers") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("从 Excel 导入"))
        self.setObjectName("importWizard")
        self.book: Spreadsheet | None = None
        self.path: Path | None = None
        self.kind = kind
        self.sheet = ""
        self.header_row = 1
        self.headers: list[str] = []
        self.row_numbers: list[int] = []
        self.cells: list[list[Any]] = []
        self.mapping: dict[int, str] = {}
        self.busy: BackgroundOp | None = None
        self._table_key: tuple[Any, ...] | None = None
        self._checked_key: tuple[Any, ...] | None = None
        self._sheet_key: tuple[Any, ...] | None = None

        self.file_page = FilePage()
        self.sheet_page = SheetPage()
        self.mapping_page = MappingPage()
        self.model = PreviewModel(self)
        self.model.recheck = self._recheck
        self.preview_page = PreviewPage(self.model)
        self.run_page = RunPage(ctx)
        self.stack = QStackedWidget()
        for page in (self.file_page, self.sheet_page, self.mapping_page, self.preview_page, self.run_page):
            self.stack.addWidget(page)
        self.step_labels = [QLabel(f"{number}  {tr(title)}") for number, title in enumerate(STEPS, 1)]
        steps = QHBoxLayout()
        steps.setSpacing(6)
        for number, label in enumerate(self.step_labels):
            if number:
                arrow = QLabel("›")
                arrow.setStyleSheet("color: #9e9e9e; font-size: 16px;")
                steps.addWidget(arrow)
            steps.addWidget(label)
        steps.addStretch(1)
        self.back_button = QPushButton(tr("上一步(&B)"))
        self.next_button = QPushButton(tr("下一步(&N)"))
        self.close_button = QPushButton(tr("取消"))
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.close_button.clicked.connect(self._close_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            button.setMinimumWidth(96)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.addLayout(steps)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Alt+Right"), self, self.go_next)
        QShortcut(QKeySequence("Alt+Left"), self, self.go_back)

        self.file_page.set_kind(kind)
        self.file_page.file_chosen.connect(self.set_file)
        self.file_page.options_changed.connect(self._reopen)
        self.file_page.kind_changed.connect(self._kind_changed)
        self.file_page.template_requested.connect(self._save_template)
        self.sheet_page.sheet_changed.connect(self._sheet_changed)
        self.sheet_page.header_row_changed.connect(self._header_row_changed)
        self.mapping_page.mapping_changed.connect(self._update_buttons)
        self.model.counts_changed.connect(self._update_buttons)
        self.run_page.state_changed.connect(self._update_buttons)
        self.preview_page.set_kind(kind)
        if not ctx.ui_state.restore_geometry("import_wizard", self):
            self.resize(1000, 680)
        self.show_step(FILE)

    # ---- steps ---------------------------------------------------------------------------------

    def step(self) -> int:
        return self.stack.currentIndex()

    def show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        for number, label in enumerate(self.step_labels):
            style = ("font-weight: bold; color: #00897b;" if number == step
                     else "color: #9e9e9e;" if number > step else "")
            label.setStyleSheet(f"font-size: 14px; padding: 4px 2px; {style}")
        self._update_buttons()
        focus = {FILE: self.file_page.browse_button, SHEET: self.sheet_page.header_row,
                 PREVIEW: self.preview_page.table}.get(step)
        if focus is not None:
            focus.setFocus()
        if step == SHEET:
            self.sheet_page.header_row.selectAll()  # typing a number replaces it

    def _update_buttons(self) -> None:
        step = self.step()
        running = self.busy is not None or self.run_page.running
        self.stack.setEnabled(self.busy is None)  # the file is being read off the GUI thread: hands off
        done = step == RUN and self.run_page.finished
        self.back_button.setVisible(step != RUN or self.run_page.cancelled)
        self.back_button.setEnabled(step > FILE and not running)
        self.next_button.setVisible(step != RUN)
        self.next_button.setText(tr("开始导入(&I)") if step == PREVIEW else tr("下一步(&N)"))
        self.next_button.setEnabled(self.can_go_on() and not running)
        self.next_button.setDefault(step != PREVIEW)
        self.close_button.setText(tr("完成") if done else tr("关闭") if step == RUN else tr("取消"))
        self.close_button.setEnabled(not (step == RUN and self.run_page.running))
        self.close_button.setDefault(done)

    def can_go_on(self) -> bool:
        step = self.step()
        if step == FILE:
            return self.book is not None
        if step == SHEET:
            return self.sheet_page.can_go_on()
        if step == MAPPING:
            return self.mapping_page.show_status(missing_required(self.kind, self.mapping_page.mapping()))
        if step == PREVIEW:
            counts = self.model.counts()
            return counts["create"] + counts["update"] + counts["merge"] > 0
        return False

    def go_next(self) -> None:
        if not self.next_button.isEnabled() or not self.next_button.isVisible():
            return
        step = self.step()
        if step == FILE:
            self._enter_sheet_step()
        elif step == SHEET:
            self._read_table()
        elif step == MAPPING:
            self._check_table()
        elif step == PREVIEW:
            self.start_import()

    def go_back(self) -> None:
        if self.back_button.isEnabled() and self.back_button.isVisible():
            self.show_step(PREVIEW if self.step() == RUN else self.step() - 1)

    # ---- 1. the file ---------------------------------------------------------------------------

    def set_file(self, path: Path | str) -> bool:
        """Open a file (picked, dropped, or handed in by a test); False if it cannot be read."""
        self.file_page.reset_options()
        return self._open(Path(path))

    def _reopen(self) -> None:
        if self.path is not None:
            self._open(self.path)

    def _open(self, path: Path) -> bool:
        self._close_book()
        self.path = path
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.book = open_spreadsheet(path, encoding=self.file_page.encoding_choice(),
                                         delimiter=self.file_page.delimiter_choice())
        except UserError as exc:
            self.file_page.show_problem(path, exc.message)
        except Exception as exc:  # a bug: logged, apologised for
            self.file_page.show_problem(path, tr("无法读取这个文件。"))
            show_error(self, exc)
        else:
            self.file_page.show_file(path, self.book)
        finally:
            QApplication.restoreOverrideCursor()
        self._update_buttons()
        return self.book is not None

    def _close_book(self) -> None:
        if self.book is not None:
            self.book.close()
        self.book = None
        self._table_key = self._checked_key = self._sheet_key = None

    def _kind_changed(self, kind: str) -> None:
        self.kind = kind
        self.preview_page.set_kind(kind)
        self._sheet_key = self._table_key = self._checked_key = None

    def _save_template(self, kind: str) -> None:
        from ui.excel.export_actions import export_template

        export_template(self.ctx, self, kind)

    # ---- 2. sheet and header row ---------------------------------------------------------------

    def _enter_sheet_step(self) -> None:
        book = self.book
        assert book is not None
        key = (id(book), self.kind)
        if key != self._sheet_key:
            try:
                sheet, header_row = best_sheet(book, self.kind)
            except UserError as exc:
                self.file_page.show_problem(book.path, exc.message)
                return
            self.sheet_page.set_sheets(book.sheet_names, sheet)
            self._show_sheet(sheet, header_row)
            self._sheet_key = key
        self.show_step(SHEET)

    def _show_sheet(self, sheet: str, header_row: int | None = None) -> None:
        assert self.book is not None
        try:
            rows = self.book.preview_rows(sheet)
        except UserError as exc:
            rows = []
            self.sheet_page.empty_note.show_message(exc.message)
        self.sheet = sheet
        self.header_row = header_row if header_row is not None else find_header_row(rows, self.kind)
        self.sheet_page.show_rows(rows, self.header_row)
        self._update_buttons()

    def _sheet_changed(self, sheet: str) -> None:
        self._show_sheet(sheet)

    def _header_row_changed(self, row: int) -> None:
        self.header_row = row

    # ---- 3. reading the rows, mapping the columns ----------------------------------------------

    def _read_table(self) -> None:
        book, sheet, header_row = self.book, self.sheet, self.header_row
        assert book is not None
        key = (id(book), sheet, header_row)
        if key == self._table_key:
            self._show_mapping()
            return

        def work(progress: Progress) -> tuple[list[str], list[int], list[list[Any]]]:
            headers, stream, approx = book.iter_table(sheet, header_row)
            numbers: list[int] = []
            cells: list[list[Any]] = []
            for number, row in stream:
                numbers.append(number)
                cells.append(row)
                if len(numbers) % PROGRESS_EVERY == 0:
                    progress.update(len(numbers), approx)
                    if progress.want_cancel():
                        raise _Stopped
            return headers, numbers, cells

        def done(table: object) -> None:
            self.headers, self.row_numbers, self.cells = table  # type: ignore[misc]
            self._table_key, self._checked_key = key, None
            self._show_mapping(fresh=True)

        self.sheet_page.empty_note.show_message("")
        self._run(work, done, tr("正在读取表格…"), self.sheet_page.empty_note)

    def _show_mapping(self, fresh: bool = False) -> None:
        if fresh or not self.mapping_page.combos:
            with self.ctx.session() as session:
                mapping = suggest_mapping(session, self.kind, self.headers)
                labels = field_labels(self.kind, session)
            self.mapping_page.load(self.headers, self._samples(), labels, self._required(), mapping)
        self.show_step(MAPPING)

    def _required(self) -> set[str]:
        required = {c.key for c in KINDS[self.kind] if c.required}
        return required | CUSTOMER_REFS if self.kind in ("notes", "purchases", "follow-ups") else required

    def _samples(self, count: int = 3) -> list[str]:
        """A few values of each column, from the first rows that have them."""
        found: list[list[str]] = [[] for _ in self.headers]
        for row in self.cells[:200]:
            for column, value in enumerate(row[:len(found)]):
                if len(found[column]) < count and not is_blank(value):
                    found[column].append(cell_text(value))
        return ["  ·  ".join(values) for values in found]

    # ---- 4. checking every row -----------------------------------------------------------------

    def _check_table(self) -> None:
        self.mapping = self.mapping_page.mapping()
        with self.ctx.session() as session:
            remember_mapping(session, self.kind, self.headers, self.mapping)
        key = (self._table_key, self.kind, tuple(sorted(self.mapping.items())))
        if key == self._checked_key:
            self.show_step(PREVIEW)
            return
        store, kind, headers, mapping = self.ctx.store, self.kind, self.headers, dict(self.mapping)
        numbers, cells = self.row_numbers, self.cells
        total = len(cells)

        def rows(progress: Progress) -> Any:
            for done, pair in enumerate(zip(numbers, cells, strict=True)):
                if done % PROGRESS_EVERY == 0:
                    progress.update(done, total)
                    if progress.want_cancel():
                        raise _Stopped
                yield pair

        def work(progress: Progress) -> list[CheckedRow]:
            with store.db.session() as session:
                return check_rows(session, kind, headers, rows(progress), ImportOptions(mapping), keep_values=False)

        def done(checked: object) -> None:
            same_rows = self._checked_key is not None and self._checked_key[0] == self._table_key
            self.model.load(headers, mapping, self.mapping_page.labels, numbers, cells, checked,  # type: ignore[arg-type]
                            removed=self.model.removed if same_rows else set())
            self._checked_key = key
            self.show_step(PREVIEW)

        self._run(work, done, tr("正在检查每一行…"))

    def _recheck(self, row: int, cells: list[Any]) -> CheckedRow:
        """One edited row, checked again (a 介绍人 named elsewhere in the file still counts)."""
        with self.ctx.session() as session:
            checked = check_rows(session, self.kind, self.headers, [(row, cells)], ImportOptions(self.mapping))[0]
        referrer = next((i for i, k in self.mapping.items() if k == "referrer"), None)
        if referrer is not None and checked.problems:
            named = cell_text(cells[referrer]) if referrer < len(cells) else ""
            header = self.headers[referrer]
            if named and any(p.column == header for p in checked.problems) and self._named_in_file(named):
                checked.problems = [p for p in checked.problems if p.column != header]
        return checked

    def _named_in_file(self, text: str) -> bool:
        columns = [i for i, k in self.mapping.items() if k in ("remark_name", "wechat_id", "phone", "real_name")]
        folded = text.lower()
        return any(cell_text(row[c]).lower() == folded for row in self.cells for c in columns if c < len(row))

    # ---- 5. importing --------------------------------------------------------------------------

    def start_import(self) -> None:
        assert self.path is not None
        sheet = self.sheet if self.book is not None and self.book.format != "csv" else ""
        options = ImportOptions(dict(self.mapping), self.preview_page.policy_choice())
        self.show_step(RUN)
        self.run_page.start(self.kind, self.headers, self.model.rows_to_import(), options, self.path, sheet)

    def cancel_import(self) -> None:
        self.run_page.cancel()

    def _idle(self) -> None:
        self.busy = None
        self._update_buttons()

    # ---- background work, closing --------------------------------------------------------------

    def _run(self, work: Any, on_success: Any, title: str, problem_label: Any = None) -> None:
        """Read or check off the GUI thread, with a progress dialog after 600 ms and a Cancel.

        A UserError is shown in `problem_label` (a FieldError on the page) when given."""

        def failed(exc: object) -> None:
            if isinstance(exc, _Stopped):
                return
            if isinstance(exc, UserError) and problem_label is not None:
                problem_label.show_message(exc.message)
            else:
                show_error(self, exc)  # type: ignore[arg-type]

        def succeeded(result: object) -> None:
            self.busy = None  # before the next step shows, so that its widgets can take the focus
            self.stack.setEnabled(True)
            on_success(result)

        op = run_in_background(self, work, succeeded, title=title, quiet=True)
        op.failed.connect(failed)
        op.done.connect(self._idle)
        self.busy = op
        self._update_buttons()

    def _close_clicked(self) -> None:
        if self.step() == RUN and self.run_page.finished:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        if self.run_page.running:
            self.cancel_import()  # the page says when it has stopped; then the wizard can close
            return
        if self.busy is not None:  # reading or checking: stop it; the wizard stays until it has
            self.busy.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        self.ctx.ui_state.save_geometry("import_wizard", self)
        self._close_book()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.run_page.running or self.busy is not None:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)


def open_import_wizard(ctx: AppContext, parent: QWidget | None, kind: str = "customers") -> ImportWizard:
    """Open the wizard (window-modal, not blocking); it deletes itself when closed."""
    wizard = ImportWizard(ctx, parent, kind)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.show()
    return wizard
