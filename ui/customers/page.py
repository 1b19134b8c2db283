"""PLACEHOLDER — customers page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import AppContext


class CustomersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        QVBoxLayout(self).addWidget(QLabel("客户"))

    def set_search_text(self, text: str) -> None:
        pass

    def select_customer(self, customer_id: int) -> None:
        pass
