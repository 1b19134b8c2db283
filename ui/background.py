"""The one way to run long work: off the GUI thread, progress after ~600 ms, a working Cancel.

    op = BackgroundOp(parent, lambda progress: services.demo.fill_demo(..., progress=progress.update,
                      cancelled=progress.want_cancel), title=tr("生成演示数据"))
    op.succeeded.connect(on_done)
    op.start()

The work function must not touch widgets, and opens its own session (a session never crosses threads).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.errors import show_error
from ui.i18n import tr

log = logging.getLogger("keben")
_running: set[BackgroundOp] = set()


class Progress:
    """Handed to the work function: report progress, ask whether the user pressed Cancel."""

    def __init__(self, emit: Callable[[int, int], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    def update(self, done: int, total: int) -> None:
        self._emit(done, total)

    def want_cancel(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Signals(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Runner(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.work, self.signals, self.progress = work, signals, progress

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as exc:  # handed to the GUI thread, shown there
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.finished, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is quitting and the receiver is gone: nobody to tell
            log.info("background result dropped at exit")


class BackgroundOp(QObject):
    """A background operation with optional progress dialog.

    Signals:
        succeeded(object): the work's result, on the GUI thread.
        failed(object): the exception (already shown to the user unless `quiet`).
        done(): after either.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()

    def __init__(self, parent: QWidget | None, work: Callable[[Progress], Any], *, title: str = "",
                 cancellable: bool = True, quiet: bool = False) -> None:
        super().__init__(parent)
        self._parent = parent
        self._work = work
        self._signals = _Signals()
        self._signals.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.progress = Progress(self._signals.progressed.emit)
        self._quiet = quiet
        self._dialog: QProgressDialog | None = None
        if title:
            self._dialog = QProgressDialog(title, tr("取消") if cancellable else "", 0, 0, parent)
            self._dialog.setWindowTitle(title)
            self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self._dialog.setMinimumDuration(600)
            self._dialog.setAutoClose(False)
            self._dialog.setAutoReset(False)
            if not cancellable:
                self._dialog.setCancelButton(None)
            self._dialog.canceled.connect(self.cancel)

    def start(self) -> BackgroundOp:
        _running.add(self)
        if self._dialog is not None:
            self._dialog.setValue(0)
        QThreadPool.globalInstance().start(_Runner(self._work, self._signals, self.progress))
        return self

    def cancel(self) -> None:
        self.progress.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(tr("正在取消…"))

    def _on_progress(self, done: int, total: int) -> None:
        if self._dialog is not None and total > 0:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))

    def _finish(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None
        _running.discard(self)
        self.done.emit()

    def _on_finished(self, result: object) -> None:
        self.succeeded.emit(result)
        self._finish()

    def _on_failed(self, exc: BaseException) -> None:
        if not self._quiet:
            show_error(self._parent, exc)
        self.failed.emit(exc)
        self._finish()


def run_in_background(parent: QWidget | None, work: Callable[[Progress], Any],
                      on_success: Callable[[Any], None] | None = None, **options: Any) -> BackgroundOp:
    op = BackgroundOp(parent, work, **options)
    if on_success is not None:
        op.succeeded.connect(on_success)
    return op.start()
