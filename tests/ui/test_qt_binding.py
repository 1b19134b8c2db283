"""The Qt binding keeps Python's reference counts: KeBen's slots return bools (save() → bool, confirm() …)
and its message handler sees every Qt warning. PySide6 6.12.0 dropped a reference to True/False at each
such slot call (and one to None per message through a Python handler): after a few thousand clicks the
app died with "Fatal Python error: bool_dealloc". requirements.txt pins a version without that; this
test fails on one that has it."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal, qInstallMessageHandler, qWarning


class _Sender(QObject):
    fired = Signal()


def _counts() -> tuple[int, int, int]:
    gc.collect()
    return sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)


def test_slots_returning_bools_keep_true_and_false_alive(qapp) -> None:
    sender = _Sender()
    sender.fired.connect(lambda: True)
    sender.fired.connect(lambda: False)
    before = _counts()
    for _ in range(2000):
        sender.fired.emit()
    after = _counts()
    assert after[:2] == before[:2]


def test_a_python_message_handler_keeps_none_alive(qapp) -> None:
    seen: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _context, message: seen.append(message))
    try:
        before = _counts()[2]
        for _ in range(2000):
            qWarning("keben: a test warning")
        after = _counts()[2]
    finally:
        qInstallMessageHandler(previous)
    assert len(seen) == 2000 and after == before
