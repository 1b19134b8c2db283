"""The main window: navigation on the left, pages in the middle, global search (Ctrl+K), status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from ui.about import app_icon
from ui.context import AppContext
from ui.i18n import tr

# (key, title, "module:Class"): a page's module is imported the first time the page is shown, so
# the window opens without loading every page (and the Excel engine behind them).
PAGES = (
    ("today", "今天", "ui.today:TodayPage"),
    ("customers", "客户", "ui.customers.page:CustomersPage"),
    ("layers", "分层", "ui.layers.page:LayersPage"),
    ("moments", "朋友圈", "ui.moments.page:MomentsPage"),
    ("groups", "社群", "ui.groups.page:GroupsPage"),
    ("library", "话术素材", "ui.library.page:LibraryPage"),
    ("referrals", "转介绍", "ui.referrals:ReferralsPage"),
    ("loyalty", "会员", "ui.loyalty.page:LoyaltyPage"),
    ("trash", "回收站", "ui.trash:TrashPage"),
    ("settings", "设置", "ui.settings.page:SettingsPage"),
)


def _pages() -> list[tuple[str, str, Callable[[AppContext], QWidget]]]:
    return [(key, tr(title), _lazy(where)) for key, title, where in PAGES]


def _lazy(where: str) -> Callable[[AppContext], QWidget]:
    def make(ctx: AppContext) -> QWidget:
        import importlib

        module, name = where.split(":")
        page: Callable[[AppContext], QWidget] = getattr(importlib.import_module(module), name)
        return page(ctx)

    return make


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(tr("客本 KeBen"))
        self.setWindowIcon(app_icon())  # resources/icons, via resources.resource_path
        self.setMinimumSize(QSize(960, 600))
        self._factories: dict[str, Callable[[AppContext], QWidget]] = {}
        self._pages: dict[str, QWidget] = {}
        self._keys: list[str] = []

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(132)
        self.stack = QStackedWidget()
        for index, (key, title, factory) in enumerate(_pages()):
            self._keys.append(key)
            self._factories[key] = factory
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{title}  (Ctrl+{index + 1})")
            self.navigation.addItem(item)
            self.stack.addWidget(QWidget())  # placeholder until first shown
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            shortcut.triggered.connect(lambda _=False, k=key: self.show_page(k))
            self.addAction(shortcut)
        self.navigation.currentRowChanged.connect(lambda row: self.show_page(self._keys[row]))

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self._build_status_bar()
        ctx.open_customer.connect(self._open_customer)
        ctx.new_customer_requested.connect(lambda: self.show_page("customers").new_customer())  # type: ignore[attr-defined]

        if not ctx.ui_state.restore_geometry("main", self):
            self.resize(1280, 820)
        self.show_page("today")
        QTimer.singleShot(0, self._age_stages)

    def _age_stages(self) -> None:
        """Stages and layers move with the calendar (新客 → 已购 → 沉睡, RFM recency …): bring them up to
        date, off the GUI thread (services.layers.age_layers: stages each start, the layers once a day)."""
        from services.layers import age_layers
        from ui.background import run_in_background

        store = self.ctx.store

        def work(_progress: object) -> int:
            from services.auto_tags import age_auto_tags  # 自动标签: once a day over everyone
            from services.loyalty import daily as age_loyalty  # 积分 expiry, 会员等级

            with store.db.session() as session:
                changed = age_layers(session)
                changed += age_loyalty(session)
                return changed + age_auto_tags(session)

        run_in_background(self, work, lambda changed: changed and self.ctx.customers_changed.emit([]), quiet=True)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(tr("搜索"))
        toolbar.setMovable(False)
        toolbar.setObjectName("mainToolbar")
        title = QLabel("  " + tr("客本") + "  ")
        title.setObjectName("pageTitle")
        toolbar.addWidget(title)
        self.search = QLineEdit()
        self.search.setObjectName("globalSearch")
        self.search.setPlaceholderText(tr("搜索客户：姓名、备注名、微信号、手机、拼音（zl）、笔记…  Ctrl+K"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(560)
        toolbar.addWidget(self.search)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        about = QAction(tr("关于"), self)
        about.setObjectName("aboutAction")
        about.setShortcut(QKeySequence("F1"))
        about.setToolTip(tr("关于客本：版本、数据文件夹、开源许可  (F1)"))
        about.triggered.connect(self.show_about)
        toolbar.addAction(about)
        self.addToolBar(toolbar)
        focus = QAction(self)
        focus.setShortcut(QKeySequence("Ctrl+K"))
        focus.triggered.connect(self._focus_search)
        self.addAction(focus)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._run_global_search)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._run_global_search)

    def show_about(self) -> None:
        from ui.about import AboutDialog

        AboutDialog(self._where(), self).exec()

    def _where(self) -> str:
        """The data folder, or in team mode the server (its password masked)."""
        from services.store import shown_url

        store = self.ctx.store
        return str(store.data_dir.root) if store.db.is_sqlite else shown_url(store.db.url)

    def _build_status_bar(self) -> None:
        where = self._where()
        label = tr("数据文件夹：{path}", path=where) if self.ctx.store.db.is_sqlite else tr("数据库服务器：{url}", url=where)
        self.data_label = QLabel(label)
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.data_label)
        self.ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))

    def page_keys(self) -> list[str]:
        return list(self._keys)

    def page(self, key: str) -> QWidget:
        """The page widget, created the first time it is needed."""
        if key not in self._pages:
            index = self._keys.index(key)
            widget = self._factories[key](self.ctx)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[key] = widget
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        widget = self.page(key)
        index = self._keys.index(key)
        self.stack.setCurrentIndex(index)
        if self.navigation.currentRow() != index:
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(index)
            self.navigation.blockSignals(False)
        activate = getattr(widget, "activate", None)
        if callable(activate):
            activate()
        return widget

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _run_global_search(self) -> None:
        page = self.show_page("customers")
        page.set_search_text(self.search.text())  # type: ignore[attr-defined]

    def _open_customer(self, customer_id: int) -> None:
        page = self.show_page("customers")
        page.select_customer(customer_id)  # type: ignore[attr-defined]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.ui_state.save_geometry("main", self)
        for widget in self._pages.values():
            save = getattr(widget, "save_state", None)
            if callable(save):
                save()
        self.ctx.ui_state.sync()
        super().closeEvent(event)
