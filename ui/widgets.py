"""Small widgets shared by pages: field error labels, empty states, tag chips."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from services.customer_query import CustomerFilter, find


class FieldError(QLabel):
    """A red message shown next to (under) the field it is about; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #d32f2f; font-size: 12px;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class EmptyState(QWidget):
    """A centred explanation of what to do when a page has nothing to show yet."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 22px; font-weight: bold;")
        self.text = QLabel(text)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.buttons = QVBoxLayout()
        self.buttons.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(self.buttons)
        layout.addStretch(2)

    def add_button(self, label: str) -> QPushButton:
        button = QPushButton(label)
        button.setMinimumWidth(220)
        self.buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        return button


def tag_chip_html(name: str, color: str) -> str:
    """A coloured tag for rich-text labels."""
    text_color = "#ffffff" if QColor(color).lightness() < 170 else "#222222"
    return (f'<span style="background-color:{html.escape(color)}; color:{text_color}; '
            f'border-radius:4px;">&nbsp;{html.escape(name)}&nbsp;</span>')


def fill_customer_checklist(session: Session, results: QListWidget, text: str, checked: set[int],
                            limit: int = 100) -> int:
    """Fill `results` with the customers matching `text` (as the customer list searches), each a
    tickable row "name    WeChat ID  phone  tags", ticked when in `checked`. Returns how many match."""
    total, found = find(session, CustomerFilter(text=text), limit=limit)
    results.blockSignals(True)
    results.clear()
    for customer in found:
        details = "  ".join(x for x in (customer.wechat_id, customer.phone, "、".join(customer.tags[:3])) if x)
        item = QListWidgetItem(f"{customer.name}    {details}")
        item.setData(Qt.ItemDataRole.UserRole, customer.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if customer.id in checked else Qt.CheckState.Unchecked)
        results.addItem(item)
    results.blockSignals(False)
    return total
