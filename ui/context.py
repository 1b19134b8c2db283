"""What every page is handed: the open store, its data folder, preferences and change signals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from services.preferences import Preferences
from services.store import Store
from ui.state import UiState


class AppContext(QObject):
    """Shared by all pages.

    Signals:
        customers_changed: customers were added, edited, tagged or deleted (ids, empty = many).
        tags_changed: tag groups or tags were edited.
        settings_changed: accounts, custom fields or preferences were edited.
        open_customer: a page asks the customer page to show this customer.
        new_customer_requested: a page asks the customer page to start a new customer.
        status_message: a short message for the status bar.
    """

    customers_changed = Signal(list)
    tags_changed = Signal()
    settings_changed = Signal()
    open_customer = Signal(int)
    new_customer_requested = Signal()
    status_message = Signal(str)

    def __init__(self, store: Store, preferences: Preferences, ui_state: UiState) -> None:
        super().__init__()
        self.store = store
        self.preferences = preferences
        self.ui_state = ui_state

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One session per operation, on the GUI thread, for the short queries of a page."""
        with self.store.db.session() as session:
            yield session

    def save_preferences(self) -> None:
        self.preferences.save(self.store.data_dir.preferences)
