"""The 导入 step of the import wizard: the import runs off the GUI thread with a progress bar and
取消, then the summary — counts, the first problems, 保存问题报告… and 撤销这次导入.

An import is one transaction: 取消 (or an error) leaves the store exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.excel.engine import ImportCancelled, ImportOptions, ImportResult, run_import
from ui.background import BackgroundOp, Progress, run_in_background
from ui.context import AppContext
from ui.errors import show_error
from ui.excel.wizard_pages import hint_label
from ui.i18n import tr

SHOWN_PROBLEMS = 100


class RunPage(QWidget):
    """Signals:
        state_changed(): the import started, finished, was cancelled or undone.
        progressed(int, int): rows done and in all (emitted by the import, on its thread).
    """

    state_changed = Signal()
    progressed = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running = self.finished = self.cancelled = False
        self.result: ImportResult | None = None
        self.headers: list[str] = []
        self.path: Path | None = None
        self.op: BackgroundOp | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.detail = hint_label()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)  # the theme hides it anyway: the count is a label
        self.count = hint_label()
        self.cancel_button = QPushButton(tr("取消导入"))
        self.cancel_button.clicked.connect(self.cancel)
        self.tiles = QHBoxLayout()
        self.tile_values: dict[str, QLabel] = {}
        for key, label in (("created", "新增"), ("updated", "更新"), ("skipped", "跳过（已有的记录）"),
                           ("errors", "有问题，未导入")):
            frame = QFrame()
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # a card, not a column
            tile = QVBoxLayout(frame)
            value = QLabel("0")
            value.setStyleSheet("font-size: 26px; font-weight: bold;")
            tile.addWidget(value)
            tile.addWidget(QLabel(tr(label)))
            self.tile_values[key] = value
            self.tiles.addWidget(frame)
        self.problems = QTreeWidget()
        self.problems.setObjectName("importProblems")
        self.problems.setHeaderLabels([tr("行"), tr("列"), tr("问题")])
        self.problems.setRootIsDecorated(False)
        self.problems.setUniformRowHeights(True)
        self.problems.setColumnWidth(0, 70)
        self.problems.setColumnWidth(1, 140)
        self.report_button = QPushButton(tr("保存问题报告…"))
        self.report_button.setToolTip(tr("没有导入的行原样存成一个 Excel 文件，并多一列“问题”，改好后可以再导入"))
        self.report_button.clicked.connect(lambda: self.save_report())
        self.undo_button = QPushButton(tr("撤销这次导入…"))
        self.undo_button.clicked.connect(self.undo)
        actions = QHBoxLayout()
        actions.addWidget(self.report_button)
        actions.addWidget(self.undo_button)
        actions.addStretch(1)
        self.summary = QWidget()
        summary = QVBoxLayout(self.summary)
        summary.setContentsMargins(0, 0, 0, 0)
        summary.addLayout(self.tiles)
        self.problems_title = QLabel(tr("没有导入的行"))
        summary.addWidget(self.problems_title)
        summary.addWidget(self.problems, 1)
        summary.addLayout(actions)
        self.summary_rest = QWidget()  # the room the problems take when there are some
        summary.addWidget(self.summary_rest, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 16, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addWidget(self.bar)
        layout.addWidget(self.count)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary, 1)
        self.stretch = QWidget()
        layout.addWidget(self.stretch, 1)
        self.progressed.connect(self.show_progress)
        self._state(False, False, False)

    def _state(self, running: bool, finished: bool, cancelled: bool) -> None:
        self.running, self.finished, self.cancelled = running, finished, cancelled
        self.bar.setVisible(running)
        self.count.setVisible(running)
        self.cancel_button.setVisible(running)
        self.summary.setVisible(finished)
        self.stretch.setVisible(not finished)
        self.state_changed.emit()

    # ---- running -------------------------------------------------------------------------------

    def start(self, kind: str, headers: list[str], rows: list[tuple[int, list[Any]]], options: ImportOptions,
              path: Path, sheet: str) -> None:
        """Import these rows off the GUI thread (each row as edited in the preview)."""
        store, report, name = self.ctx.store, self.progressed.emit, path.name

        def work(progress: Progress) -> ImportResult:
            with store.db.session() as session:
                return run_import(session, kind, headers, rows, options, file_name=name, sheet=sheet,
                                  total=len(rows), progress=report, cancelled=progress.want_cancel)

        self.result, self.headers, self.path = None, headers, path
        self.title.setText(tr("正在导入…"))
        self.detail.setText(tr("{file}：共 {n} 行。全部完成前客户本不会改动，可以随时取消。", file=name, n=f"{len(rows):,}"))
        self.bar.setRange(0, 0)
        self.count.setText(tr("正在准备…"))
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(tr("取消导入"))
        self.op = run_in_background(self, work, self._imported, quiet=True)
        self.op.failed.connect(self._failed)
        self._state(True, False, False)

    def show_progress(self, done: int, total: int) -> None:
        if total > 0 and self.running:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            if done >= total:  # every row read: the totals, stages and layers are worked out, then saved
                self.count.setText(tr("已处理全部 {total} 行，正在计算累计消费、阶段和分层并保存…", total=f"{total:,}"))
            else:
                self.count.setText(tr("已处理 {done} / {total} 行", done=f"{done:,}", total=f"{total:,}"))

    def cancel(self) -> None:
        if self.op is not None and self.running:
            self.op.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(tr("正在取消…"))

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportResult)
        self.op, self.result = None, result
        self._show_result(result)
        self._state(False, True, False)
        self.ctx.customers_changed.emit([])
        self.ctx.status_message.emit(tr("导入完成：新增 {c}，更新 {u}，跳过 {s}", c=f"{result.created:,}",
                                        u=f"{result.updated:,}", s=f"{result.skipped:,}"))

    def _failed(self, exc: object) -> None:
        self.op = None
        self.title.setText(tr("已取消，客户本没有任何改动"))
        if isinstance(exc, ImportCancelled):
            self.detail.setText(tr("可以点“上一步”回到预览，改一改再导入。"))
        else:
            self.detail.setText(tr("导入没有完成，客户本没有任何改动。"))
            show_error(self, exc)  # type: ignore[arg-type]
        self._state(False, False, True)

    # ---- the summary ---------------------------------------------------------------------------

    def _show_result(self, result: ImportResult) -> None:
        bad_rows = len(result.error_cells)
        self.title.setText(tr("导入完成，有 {n} 行没有导入", n=bad_rows) if result.errors else tr("导入完成"))
        self.detail.setText(tr("共处理 {n} 行。", n=f"{result.rows:,}")
                            + (tr("有问题的行已跳过，其余的都已导入。") if result.errors else ""))
        for key, value in (("created", result.created), ("updated", result.updated),
                           ("skipped", max(0, result.skipped - bad_rows)), ("errors", bad_rows)):
            self.tile_values[key].setText(f"{value:,}")
        self.tile_values["errors"].setStyleSheet("font-size: 26px; font-weight: bold;"
                                                 + (" color: #c62828;" if bad_rows else ""))
        self.problems.clear()
        for problem in result.errors[:SHOWN_PROBLEMS]:
            self.problems.addTopLevelItem(QTreeWidgetItem(
                [str(problem.row) if problem.row else "", problem.column, problem.message]))
        more = len(result.errors) > SHOWN_PROBLEMS
        self.problems_title.setText(tr("没有导入的行（前 {n} 个问题，全部问题见问题报告）", n=SHOWN_PROBLEMS)
                                    if more else tr("没有导入的行"))
        self.problems.setVisible(bool(result.errors))
        self.problems_title.setVisible(bool(result.errors))
        self.summary_rest.setVisible(not result.errors)
        self.report_button.setEnabled(bool(result.errors))
        self.undo_button.setEnabled(result.batch_id is not None)

    def save_report(self, path: Path | None = None) -> Path | None:
        """保存问题报告…: the rows that were not imported, as they were, with a 问题 column."""
        from services.excel.report import write_error_report
        from ui.excel.export_actions import ask_save_path, default_path, tell_saved

        if self.result is None or self.path is None:
            return None
        if path is None:
            path = ask_save_path(self, tr("保存问题报告"),
                                 default_path(tr("{name}-问题", name=self.path.stem), self.path.parent))
            if path is None:
                return None
        try:
            write_error_report(path, self.headers, self.result)
        except Exception as exc:
            show_error(self, exc)
            return None
        tell_saved(self, tr("问题报告已保存"), tr("改好这些行后，可以把报告文件直接再导入一次。"), path)
        return path

    def undo(self) -> None:
        from ui.excel.history import undo_batch

        if self.result is None or self.result.batch_id is None:
            return
        what = tr("这次导入（{file}）", file=self.path.name if self.path else "")
        undo_batch(self.ctx, self, self.result.batch_id, what, lambda _result: self._undone())

    def _undone(self) -> None:
        self.title.setText(tr("这次导入已撤销"))
        self.detail.setText(tr("新增的记录已删除，更新过的记录已改回导入前的样子。"))
        self.undo_button.setEnabled(False)
        self.state_changed.emit()
