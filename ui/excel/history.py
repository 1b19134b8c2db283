"""导入记录: every import is listed and can be undone (also from the wizard's last page).

Undo asks first; when records the import touched were edited since, it names them and asks again
("仍然撤销"). The undo runs off the GUI thread in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from services.excel.columns import KIND_LABELS
from services.excel.undo import BatchInfo, UndoConflict, UndoResult, list_batches, undo_import
from ui.background import Progress, run_in_background
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.settings.form import danger_button, make_table, table_item
from ui.widgets import EmptyState

HEADERS = ("时间", "类型", "文件", "新增", "更新", "跳过", "状态")


def kind_label(kind: str) -> str:
    return tr(KIND_LABELS[kind]) if kind in KIND_LABELS else tr("整个工作簿")


def undo_batch(ctx: AppContext, parent: QWidget | None, batch_id: int, what: str,
               on_done: Callable[[UndoResult], None] | None = None, *, ask: bool = True) -> None:
    """Ask, then undo import `batch_id` (`what` describes it: "3 月 5 日 客户 老客户.xlsx").

    Emits customers_changed([]) and calls `on_done` when it has been undone."""
    if ask and not confirm(parent, tr("撤销导入"),
                           tr("撤销 {what}？\n\n这次导入新增的记录会被删除，更新过的记录会改回导入前的样子。",
                              what=what), tr("撤销导入")):
        return
    _run_undo(ctx, parent, batch_id, on_done, force=False)


def _run_undo(ctx: AppContext, parent: QWidget | None, batch_id: int,
              on_done: Callable[[UndoResult], None] | None, *, force: bool) -> None:
    store = ctx.store

    def work(_progress: Progress) -> UndoResult:
        with store.db.session() as session:
            return undo_import(session, batch_id, force=force)

    def done(result: object) -> None:
        assert isinstance(result, UndoResult)
        ctx.customers_changed.emit([])
        ctx.status_message.emit(tr("已撤销导入：删除 {removed} 条新增的记录，还原 {restored} 处修改",
                                   removed=f"{result.removed:,}", restored=f"{result.restored:,}"))
        if on_done is not None:
            on_done(result)

    def failed(exc: object) -> None:
        if not isinstance(exc, UndoConflict):
            show_error(parent, exc)  # type: ignore[arg-type]
            return
        text = exc.message
        if len(exc.names) > 5:  # the message names five; show more
            more = len(exc.names) - 30
            text += "\n\n" + "、".join(exc.names[:30]) + (tr(" 等 {n} 位", n=len(exc.names)) if more > 0 else "")
        if confirm(parent, tr("仍然撤销？"), text + "\n\n" + tr("仍然要撤销这次导入吗？"), tr("仍然撤销")):
            _run_undo(ctx, parent, batch_id, on_done, force=True)

    op = run_in_background(parent, work, done, title=tr("正在撤销导入…"), cancellable=False, quiet=True)
    op.failed.connect(failed)


class ImportHistoryDialog(QDialog):
    """The list of imports, newest first, with 撤销 for the selected one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.batches: list[BatchInfo] = []
        self.setWindowTitle(tr("导入记录"))
        self.setObjectName("importHistory")
        title = QLabel(tr("导入记录"))
        title.setObjectName("pageTitle")
        hint = QLabel(tr("每次从 Excel 导入都记在这里。撤销一次导入会删除它新增的记录，并把它更新过的记录改回原样。"))
        hint.setObjectName("sectionHint")
        hint.setWordWrap(True)
        self.table = make_table([tr(h) for h in HEADERS])
        for column, width in enumerate((150, 80, 260, 70, 70, 70)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty = EmptyState(tr("还没有导入过"), tr("用“导入”把 Excel 或 CSV 里的客户、笔记、购买记录导进客本，导入记录会列在这里。"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.undo_button = danger_button(tr("撤销这次导入…"))
        self.undo_button.clicked.connect(self.undo_selected)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        if not ctx.ui_state.restore_geometry("import_history", self):
            self.resize(860, 480)
        self.reload()

    def reload(self) -> None:
        with self.ctx.session() as session:
            self.batches = list_batches(session)
        self.table.setRowCount(len(self.batches))
        grey = QBrush(QColor("#9e9e9e"))
        for row, batch in enumerate(self.batches):
            status = tr("已撤销") if batch.undone_at else (tr("{n} 个问题", n=batch.errors) if batch.errors else tr("完成"))
            cells = (table_item(f"{batch.started_at:%Y-%m-%d %H:%M}", batch.id), table_item(kind_label(batch.kind)),
                     table_item(batch.file_name + (f" · {batch.sheet}" if batch.sheet else "")),
                     table_item(f"{batch.created:,}", number=True), table_item(f"{batch.updated:,}", number=True),
                     table_item(f"{batch.skipped:,}", number=True), table_item(status))
            for column, item in enumerate(cells):
                if batch.undone_at:
                    item.setForeground(grey)
                    item.setToolTip(tr("已在 {when} 撤销", when=f"{batch.undone_at:%Y-%m-%d %H:%M}"))
                self.table.setItem(row, column, item)
        self.stack.setCurrentWidget(self.table if self.batches else self.empty)
        if self.batches and not self.table.selectedItems():
            self.table.selectRow(0)
        self._selection_changed()

    def current_batch(self) -> BatchInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def select_batch(self, batch_id: int) -> None:
        for row, batch in enumerate(self.batches):
            if batch.id == batch_id:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        batch = self.current_batch()
        self.undo_button.setEnabled(batch is not None and batch.undone_at is None)

    def undo_selected(self) -> None:
        batch = self.current_batch()
        if batch is None or batch.undone_at is not None:
            return
        what = tr("{when} 导入的{kind}（{file}）", when=f"{batch.started_at:%Y-%m-%d %H:%M}",
                  kind=kind_label(batch.kind), file=batch.file_name)
        undo_batch(self.ctx, self, batch.id, what, lambda _result: self._undone(batch.id))

    def _undone(self, batch_id: int) -> None:
        self.reload()
        self.select_batch(batch_id)

    def done(self, result: int) -> None:
        self.ctx.ui_state.save_geometry("import_history", self)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.ui_state.save_geometry("import_history", self)
        super().closeEvent(event)


def open_import_history(ctx: AppContext, parent: QWidget | None) -> ImportHistoryDialog:
    dialog = ImportHistoryDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
