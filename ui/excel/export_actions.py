"""Excel actions of the pages: export the customer list as shown, save an import template, and the
客户 page's "Excel" button that gathers them with the import wizard and the import history.

The file dialogs are separate functions (`ask_save_path`), and every action takes `path=` so that
tests (and callers that already know where) skip the dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton, QWidget

from services.customer_query import CustomerFilter
from services.excel.columns import KIND_LABELS
from ui.background import Progress, run_in_background
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr

XLSX_FILTER = "Excel (*.xlsx)"
_notes: set[QMessageBox] = set()


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def default_path(stem: str, folder: Path | None = None) -> Path:
    """客户-2026-11-23.xlsx in the Documents folder; 客户-2026-11-23 (2).xlsx when that is taken."""
    folder = folder or documents_folder()
    path = folder / f"{stem}.xlsx"
    number = 2
    while path.exists():
        path = folder / f"{stem} ({number}).xlsx"
        number += 1
    return path


def ask_save_path(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """The save dialog; None when the user cancels. Always ends in .xlsx."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), tr(XLSX_FILTER))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def open_folder(path: Path) -> None:
    """Show the folder a file was saved to (Explorer / Finder / the desktop's file manager)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def tell_saved(parent: QWidget | None, title: str, text: str, path: Path) -> QMessageBox:
    """A small non-blocking note with 打开文件夹; returned so that tests can press its buttons."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setObjectName("savedNote")
    box.setInformativeText(str(path))
    folder = box.addButton(tr("打开文件夹"), QMessageBox.ButtonRole.ActionRole)
    ok = box.addButton(tr("好"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)  # Esc and the window's × close it
    def show_folder() -> None:
        open_folder(path)
        box.accept()

    folder.clicked.connect(show_folder)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _notes.add(box)  # a note without a parent must outlive this function
    box.finished.connect(lambda _result: _notes.discard(box))
    box.open()
    return box


# ---- the customer list -------------------------------------------------------------------------

def export_customer_list(ctx: AppContext, parent: QWidget | None, flt: CustomerFilter | None,
                         columns: Sequence[str] | None, sort: str = "remark_name", descending: bool = False,
                         *, path: Path | None = None) -> Any:
    """Export the customers in `flt` with these list columns, in this order, to an .xlsx file.

    Returns the background operation (None when the user cancelled the save dialog)."""
    from services.excel.export import export_customers

    if path is None:
        path = ask_save_path(parent, tr("导出客户"), default_path(tr("客户-{day}", day=date.today().isoformat())))
        if path is None:
            return None
    store, target = ctx.store, path
    shown_columns = list(columns) if columns is not None else None

    def work(progress: Progress) -> int:
        with store.db.session() as session:
            return export_customers(session, target, flt, shown_columns, sort, descending,
                                    progress=progress.update, cancelled=progress.want_cancel)

    def done(count: object) -> None:
        text = tr("已导出 {n} 位客户到 {name}", n=f"{count:,}", name=target.name)
        ctx.status_message.emit(text)
        tell_saved(parent, tr("导出完成"), text, target)

    op = run_in_background(parent, work, done, title=tr("正在导出客户…"), quiet=True)
    op.failed.connect(lambda exc: _failed(ctx, parent, op.progress, exc, tr("已取消导出")))
    return op


def _failed(ctx: AppContext, parent: QWidget | None, progress: Progress, exc: BaseException, cancelled: str) -> None:
    if progress.want_cancel():
        ctx.status_message.emit(cancelled)
    else:
        show_error(parent, exc)


def shown_customer_list(page: Any) -> tuple[CustomerFilter, list[str], str, bool]:
    """What the 客户 page shows: its filter, its visible columns in screen order, its sort."""
    header = page.table.horizontalHeader()
    columns = sorted((header.visualIndex(i), spec.key) for i, spec in enumerate(page.model.columns)
                     if not header.isSectionHidden(i))
    return page.model.filter, [key for _pos, key in columns], page.model.sort_key, page.model.descending


def export_shown_customers(ctx: AppContext, page: Any, *, path: Path | None = None) -> Any:
    flt, columns, sort, descending = shown_customer_list(page)
    return export_customer_list(ctx, page, flt, columns, sort, descending, path=path)


# ---- a page's own kinds (话术素材, 会员 …) -------------------------------------------------------------

def export_page_kind(ctx: AppContext, parent: QWidget | None, kind: str, *, path: Path | None = None) -> None:
    """Export every record of one kind (off the GUI thread, with Cancel), then say where it went."""
    from services.excel.export import export_kind

    label = tr(KIND_LABELS[kind])
    title = tr("导出{what}", what=label)
    target = path or ask_save_path(parent, title, default_path(f"{label}-{date.today():%Y-%m-%d}"))
    if target is None:
        return
    store = ctx.store

    def work(progress: Progress) -> int:
        with store.db.session() as session:
            return export_kind(session, kind, target, progress=progress.update, cancelled=progress.want_cancel)

    run_in_background(parent, work, lambda n: tell_saved(parent, title, tr("已导出 {n} 行", n=n), target), title=title)


def page_excel_button(ctx: AppContext, page: QWidget, kinds: Sequence[str], tooltip: str,
                      import_kind: Callable[[str], object]) -> QPushButton:
    """"Excel" with 导出… / 导入… of each kind and their templates; `import_kind(kind)` opens the
    wizard the page's way (it reloads when the wizard closes)."""
    button = QPushButton(tr("Excel"))
    button.setToolTip(tooltip)
    menu = QMenu(button)
    for kind in kinds:
        menu.addAction(tr("导出{what}…", what=tr(KIND_LABELS[kind])), partial(export_page_kind, ctx, page, kind))
    menu.addSeparator()
    for kind in kinds:
        menu.addAction(tr("导入{what}…", what=tr(KIND_LABELS[kind])), partial(import_kind, kind))
    templates = menu.addMenu(tr("下载导入模板"))
    for kind in kinds:
        templates.addAction(tr(KIND_LABELS[kind]), partial(export_template, ctx, page, kind))
    button.setMenu(menu)
    return button


# ---- templates ---------------------------------------------------------------------------------

def export_template(ctx: AppContext, parent: QWidget | None, kind: str, *, path: Path | None = None) -> Path | None:
    """Save the import template of one kind (its headers, drop-downs and a 说明 sheet)."""
    from services.excel.templates import write_template

    label = tr(KIND_LABELS[kind])
    if path is None:
        path = ask_save_path(parent, tr("保存导入模板"), default_path(tr("{kind}导入模板", kind=label)))
        if path is None:
            return None
    try:
        write_template(kind, path)
    except Exception as exc:
        show_error(parent, exc)
        return None
    text = tr("{kind}导入模板已保存：{name}", kind=label, name=path.name)
    ctx.status_message.emit(text)
    tell_saved(parent, tr("模板已保存"), text + "\n" + tr("填好后用“导入”把它导进客本。"), path)
    return path


# ---- the 客户 page's Excel button ----------------------------------------------------------------

def customers_excel_button(ctx: AppContext, page: QWidget) -> QPushButton:
    """"Excel" with a menu: 导入客户…, 导入笔记 / 购买记录…, 导出当前列表…, 导入记录…, 下载模板."""
    from ui.excel.history import open_import_history
    from ui.excel.import_wizard import open_import_wizard

    button = QPushButton(tr("Excel"))
    button.setObjectName("excelButton")
    button.setToolTip(tr("从 Excel 导入，或把客户列表导出到 Excel"))
    menu = QMenu(button)
    menu.addAction(tr("导入客户…"), lambda: open_import_wizard(ctx, page, "customers"))
    other = menu.addMenu(tr("导入其他记录"))
    for kind in ("notes", "purchases", "follow-ups", "referrals"):
        other.addAction(tr("导入{kind}…", kind=tr(KIND_LABELS[kind])), partial(open_import_wizard, ctx, page, kind))
    menu.addAction(tr("导出当前列表…"), lambda: export_shown_customers(ctx, page))
    menu.addSeparator()
    menu.addAction(tr("导入记录（撤销导入）…"), lambda: open_import_history(ctx, page))
    templates = menu.addMenu(tr("下载导入模板"))
    for kind in ("customers", "notes", "purchases", "follow-ups", "referrals"):  # the pages offer their own
        templates.addAction(tr(KIND_LABELS[kind]), partial(export_template, ctx, page, kind))
    button.setMenu(menu)
    return button
