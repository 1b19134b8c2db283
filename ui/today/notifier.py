"""A tray notification when Today items become due while the app is open.

Every few minutes (off the GUI thread) the items of the current day are listed; keys not seen
before — the day has turned, a follow-up was planned for today on another laptop, a post's day
has come — are announced in one tray message. The first check only records what is there (the
page already shows it). Without a system tray (offscreen, some Linux desktops) nothing is shown.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QStyle, QSystemTrayIcon, QWidget

from services.store import Store
from services.today import TodayItem, today_list
from ui.background import run_in_background
from ui.i18n import tr

CHECK_EVERY_MS = 5 * 60 * 1000
NAMED = 3  # items named in the message; the rest are counted


def due_message(items: list[TodayItem]) -> str:
    """张丽：T+7 回访；王芳：生日 …等 5 项."""
    parts = [f"{i.customer_name}：{i.title}" if i.customer_name else i.title for i in items[:NAMED]]
    text = "；".join(parts)
    if len(items) > NAMED:
        text += tr(" …等 {n} 项", n=len(items))
    return text


TIMED_KINDS = ("post", "group_task")  # items due at a time of day, not just on a day


def _notice_key(item: TodayItem) -> str:
    return f"{item.key}:due" if item.kind in TIMED_KINDS and item.overdue else item.key


class DueNotifier(QObject):
    """Checks for newly due items and shows them in the tray.

    Signals:
        announced(str): the message just shown (also emitted when there is no tray, for tests).
        clicked(): the user clicked the message.
    """

    announced = Signal(str)
    clicked = Signal()

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.parent_widget = parent
        self.seen: set[str] | None = None  # None until the first check
        self.checking = False
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = parent.window().windowIcon()
            if icon.isNull():
                icon = parent.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(tr("客本"))
            self.tray.messageClicked.connect(self.clicked.emit)
            self.tray.activated.connect(lambda _reason: self.clicked.emit())
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        self.check()

    def check(self) -> None:
        """List today's items off the GUI thread; announce the new ones."""
        if self.checking:
            return
        self.checking = True
        store, day = self.store, date.today()

        def work(_progress: object) -> list[TodayItem]:
            with store.db.session() as session:
                return today_list(session, day).items

        op = run_in_background(self.parent_widget, work, self.take, quiet=True)
        op.done.connect(self._finished)

    def _finished(self) -> None:
        self.checking = False

    def take(self, items: list[TodayItem]) -> None:
        """Remember these items; announce those not seen at the last check. A post or a group task
        has its hour: it is announced again when that hour comes (it turns overdue)."""
        keys = {_notice_key(i) for i in items}
        new = [] if self.seen is None else [i for i in items if _notice_key(i) not in self.seen]
        self.seen = keys if self.seen is None else self.seen | keys
        if not new:
            return
        text = due_message(new)
        if self.tray is not None:
            self.tray.showMessage(tr("客本：有 {n} 项新的待办", n=len(new)), text,
                                  QSystemTrayIcon.MessageIcon.Information, 10_000)
        self.announced.emit(text)
