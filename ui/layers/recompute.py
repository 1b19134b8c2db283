"""Recomputing every customer's layers off the GUI thread, with progress and a working Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from services.errors import UserError
from services.layers import LayerResult, recompute_layers
from ui.background import BackgroundOp, Progress
from ui.context import AppContext
from ui.i18n import tr

_current: BackgroundOp | None = None


def recompute_in_background(parent: QWidget | None, ctx: AppContext,
                            on_done: Callable[[LayerResult | None], None] | None = None) -> BackgroundOp:
    """Recompute all layers (services.layers.recompute_layers); progress shows after ~600 ms.

    When a recompute is already running, the new one starts after it (the thresholds may have
    changed meanwhile). `on_done` gets the result, or None when the seller cancelled.
    """
    global _current
    store = ctx.store

    def work(progress: Progress) -> LayerResult | None:
        with store.db.session() as session:
            try:
                return recompute_layers(session, progress=progress.update, cancel=progress.want_cancel)
            except UserError:
                if progress.want_cancel():
                    return None  # cancelled: rolled back, nothing to tell
                raise

    def succeeded(result: object) -> None:
        if isinstance(result, LayerResult):
            ctx.customers_changed.emit([])
            ctx.status_message.emit(tr("分层已重新计算：{n} 位客户", n=f"{result.customers:,}"))
        else:
            ctx.status_message.emit(tr("已取消重新计算分层"))
        if on_done is not None:
            on_done(result if isinstance(result, LayerResult) else None)

    op = BackgroundOp(parent, work, title=tr("正在重新计算客户分层…"))
    op.succeeded.connect(succeeded)
    previous = _current
    _current = op

    def finished() -> None:
        global _current
        if _current is op:
            _current = None

    op.done.connect(finished)
    if previous is not None:
        previous.done.connect(op.start)
    else:
        op.start()
    return op
