"""今天, the home page (see ui.today.page)."""

from ui.today.dialogs import DoneDialog
from ui.today.page import TodayPage

__all__ = ["DoneDialog", "TodayPage"]
