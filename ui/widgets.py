"""Small widgets shared by pages: field error labels, empty states, tag chips."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


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
