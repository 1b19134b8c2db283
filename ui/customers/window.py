"""A customer in a window of their own (在新窗口打开): the same detail pane, geometry remembered."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from ui.context import AppContext
from ui.customers.detail import CustomerDetail
from ui.i18n import tr

GEOMETRY_KEY = "customer_window"


class CustomerWindow(QMainWindow):
    """One customer's detail in its own window; closes itself when the customer goes to the trash."""

    _open: dict[int, CustomerWindow] = {}

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self._closed = False
        self.detail = CustomerDetail(ctx, self)
        self.detail.set_open_in_window_visible(False)
        self.setCentralWidget(self.detail)
        self.detail.show_customer(customer_id)
        self.detail.changed.connect(lambda _id: self._update_title())
        ctx.customers_changed.connect(self._on_customers_changed)
        self._update_title()
        if not ctx.ui_state.restore_geometry(GEOMETRY_KEY, self):
            self.resize(760, 860)
        self.detail.timeline.note_text.setFocus()

    @classmethod
    def open_for(cls, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> CustomerWindow:
        """Show the customer's window, bringing it forward when it is already open."""
        window = cls._open.get(customer_id)
        if window is None:
            window = cls(ctx, customer_id, parent)
            cls._open[customer_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _update_title(self) -> None:
        self.setWindowTitle(tr("{name} — 客本", name=self.detail.title()))

    def _on_customers_changed(self, _ids: list[int]) -> None:
        if self._closed:
            return
        if self.detail.current_customer_id() is None:  # moved to the trash or deleted
            self._forget()
            self.close()
        else:
            self._update_title()

    def _forget(self) -> None:
        if self._open.get(self.customer_id) is self:
            del self._open[self.customer_id]

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.detail.confirm_leave(allow_cancel=True):
            event.ignore()
            return
        self.ctx.ui_state.save_geometry(GEOMETRY_KEY, self)
        self._forget()
        self._closed = True
        self.deleteLater()
        super().closeEvent(event)
