"""PLACEHOLDER — being written (customer detail pane)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import AppContext


class CustomerDetail(QWidget):
    changed = Signal(int)
    created = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)

    def show_customer(self, customer_id: int | None) -> None:
        self.label.setText(str(customer_id))

    def start_new(self) -> None:
        self.label.setText("new")
