"""Starting the GUI: QApplication, theme, the store (with its lock), the main window.

Also the offscreen modes: `--smoke` (visit every page, exit 0/1) and `screenshot` (render every
page to PNG files).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QThreadPool, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from services.errors import StoreLockedError, UserError
from services.paths import DataDir
from services.preferences import Preferences
from services.store import (
    LOCAL,
    DamagedStoreError,
    ServerUnavailableError,
    Store,
    open_store,
    restore_store,
    shown_url,
)
from ui.context import AppContext
from ui.errors import choose, set_log_path
from ui.i18n import tr
from ui.state import UiState
from ui.theme import apply_theme
from ui.unlock import unlock_at_start

log = logging.getLogger("keben")
RESTART = 64  # the exit code that asks run_app to reopen the store and the main window
_qt_problems: list[str] = []


def _qt_messages(kind: QtMsgType, _context: object, message: str) -> None:
    if "This plugin does not support" in message:  # offscreen platform only: no native windows
        return
    if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        _qt_problems.append(message)
        log.warning("Qt: %s", message)


def run_app(args: argparse.Namespace, data_dir: DataDir) -> int:
    offscreen = bool(args.smoke) or bool(args.bench_start) or args.command == "screenshot"
    if offscreen:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qInstallMessageHandler(_qt_messages)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("KeBen")
    app.setApplicationDisplayName(tr("客本"))
    if not offscreen:  # the start-up password (设置 → 隐私), before the store is opened or anything shown
        refused = unlock_at_start(data_dir)
        if refused is not None:
            return refused
    while True:
        try:
            store = open_store(data_dir, args.database_url, exclusive=True, daily=False)
        except DamagedStoreError as exc:
            if offscreen or not offer_restore(exc, data_dir, args.database_url):
                if offscreen:
                    raise
                return 2
            continue
        except ServerUnavailableError as exc:
            if offscreen:
                raise
            choice = offer_server_choice(exc)
            if choice is None:
                return 1
            if choice == LOCAL:
                args.database_url = LOCAL  # this time only: the server stays remembered
            continue
        except UserError as exc:
            if offscreen:
                raise
            QMessageBox.warning(None, tr("客本"), exc.message)
            return 2 if isinstance(exc, StoreLockedError) else 1
        try:
            code = _run_with_store(app, args, store)
        finally:
            store.close()
        if code != RESTART:
            return code


def offer_server_choice(exc: ServerUnavailableError) -> str | None:
    """团队模式, the server cannot be reached at start: 重试, 这次用本机的数据 (the data folder's own file;
    the server stays remembered in 设置 → 数据库) or 退出. "retry", LOCAL, or None to quit."""
    chosen = choose(None, tr("连不上服务器"), tr(
        "连不上团队的数据库服务器 {url}：\n{error}\n\n请检查网络、服务器地址、用户名和密码后重试；"
        "也可以这次先用这台电脑上自己的数据（本机文件，和服务器上的不是同一份）。",
        url=shown_url(exc.url), error=exc.detail),
        [(tr("重试"), QMessageBox.ButtonRole.AcceptRole), (tr("这次用本机的数据"), QMessageBox.ButtonRole.ActionRole)],
        tr("退出"))
    return None if chosen is None else ("retry", LOCAL)[chosen]


def _daily_check_in_background(window: QWidget, store: Store) -> None:
    """quick_check and the daily backup off the GUI thread (seconds on a large store). A damaged
    store found now is explained and the newest good backup offered; other failures only logged."""
    from ui.background import BackgroundOp

    def failed(exc: object) -> None:
        if isinstance(exc, DamagedStoreError):
            if offer_restore(exc, store.data_dir, store.db.url, store=store):
                request_restart()
        else:
            log.warning("daily check failed: %s", exc)

    op = BackgroundOp(window, lambda _progress: store.daily_check_and_backup(), quiet=True)
    op.failed.connect(failed)
    op.start()


def request_restart() -> None:
    """Close the main window and open the store and a new window again (after a restore)."""
    app = QApplication.instance()
    if app is not None:
        app.exit(RESTART)


def offer_restore(exc: DamagedStoreError, data_dir: DataDir, database_url: str | None,
                  store: Store | None = None) -> bool:
    """The database is damaged: explain, and offer the newest good backup. True when restored."""
    box = QMessageBox(QMessageBox.Icon.Critical, tr("数据库已损坏"), exc.message)
    restore = None
    if exc.backup is not None:
        box.setText(tr("客本的数据库文件已损坏，无法打开：\n{path}\n\n最新的完好备份是 {time} 的“{file}”。"
                       "恢复它会用备份替换损坏的文件（损坏的文件会另存一份，不会删除）。",
                       path=exc.database, time=f"{exc.backup.taken_at:%Y-%m-%d %H:%M}", file=exc.backup.path.name))
        restore = box.addButton(tr("恢复最新的备份"), QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton(tr("退出"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or quit_button)
    box.exec()
    if restore is None or box.clickedButton() is not restore or exc.backup is None:
        return False
    try:
        restore_store(data_dir, exc.backup.path, database_url, store=store)
    except UserError as failed:
        QMessageBox.warning(None, tr("客本"), failed.message)
        return False
    return True


def _run_with_store(app: QApplication, args: argparse.Namespace, store: Store) -> int:
    from ui.main_window import MainWindow

    set_log_path(str(store.data_dir.log_file))
    preferences = Preferences.load(store.data_dir.preferences)
    theme = getattr(args, "theme", None) or preferences.theme
    apply_theme(app, theme)
    preferences.theme = theme  # `screenshot --theme dark`: the pages that draw by theme (charts) follow it; not saved
    ctx = AppContext(store, preferences, UiState(store.data_dir.ui_state))
    window = MainWindow(ctx)
    if args.smoke:
        return smoke(app, window)
    if args.command == "screenshot":
        return screenshot(app, window, Path(args.out), args.size)
    if args.bench_start:
        return bench_start(app, window, args.bench_start)
    window.show()
    _daily_check_in_background(window, store)
    code = app.exec()
    QThreadPool.globalInstance().waitForDone(10_000)  # let background work finish its transaction
    if code == RESTART:
        window.close()
        window.deleteLater()
        app.sendPostedEvents(None, 0)  # DeferredDelete: the old pages go before the store closes
    return code


def bench_start(app: QApplication, window: object, page: str) -> int:
    """For `make bench`: show the window on `page`, paint it, print the memory used, and quit."""
    import json
    import resource

    from PySide6.QtCore import QTimer

    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.show_page(page)
    window.show()

    def report() -> None:
        # Peak memory of this program. VmHWM starts afresh at exec; ru_maxrss can carry the peak of
        # the parent that forked us (the bench), so it is only the fallback.
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        status = Path("/proc/self/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    rss_mb = int(line.split()[1]) / 1024
        window.repaint()  # painted before the line goes out: the bench times the window to here
        print(json.dumps({"page": page, "max_rss_mb": round(rss_mb, 1)}), flush=True)
        app.quit()

    QTimer.singleShot(0, report)
    code = app.exec()
    QThreadPool.globalInstance().waitForDone(10_000)
    return code


def smoke(app: QApplication, window: object) -> int:
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.show()
    for key in window.page_keys():
        window.show_page(key)
        app.processEvents()
    window.close()
    if _qt_problems:
        print(f"Qt warnings: {_qt_problems[:3]}", file=sys.stderr)
        return 1
    return 0


def screenshot(app: QApplication, window: object, out: Path, size: str) -> int:
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise UserError(tr("--size 应写成 宽x高，如 1440x900")) from None
    out.mkdir(parents=True, exist_ok=True)
    window.resize(width, height)
    window.show()
    for key in window.page_keys():
        page = window.show_page(key)
        if key == "customers" and getattr(page, "model", None) is not None and page.model.ids:  # type: ignore[attr-defined]
            page.select_customer(page.model.ids[0])  # type: ignore[attr-defined]  # show the detail pane too
        for _ in range(3):
            app.processEvents()
        QThreadPool.globalInstance().waitForDone(30_000)  # pages that load off the GUI thread (今天)
        for _ in range(3):
            app.processEvents()
        path = out / f"{key}.png"
        window.grab().save(str(path))
        print(path)
    window.close()
    return 0
