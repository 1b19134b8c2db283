"""会员: the product catalogue, points (积分), member tiers (会员等级) — and the other loyalty tabs — one
tab each, listed in TABS as (key, title, factory). A tab widget may offer `activate()` (shown: read
afresh), `focus_search()` and `save_state()`; each registers its own shortcuts (Ctrl+N, Ctrl+F,
Delete …) on itself. The Excel button imports and exports the catalogue and the points.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QMenu, QPushButton, QTabWidget, QVBoxLayout, QWidget

from services.excel.kinds_loyalty import LOYALTY_LABELS, export_loyalty_kind
from ui.background import Progress, run_in_background
from ui.context import AppContext
from ui.excel.export_actions import ask_save_path, default_path, export_template, tell_saved
from ui.i18n import tr
from ui.loyalty.auto_tags_tab import AutoTagsTab
from ui.loyalty.care_tab import CareTab
from ui.loyalty.points_tab import PointsTab
from ui.loyalty.products_tab import ProductsTab
from ui.loyalty.tiers_tab import TiersTab

# (key, title, factory) in tab order; titles go through tr() when the page is built. Other loyalty tabs
# (自动标签, 关怀) add their own line here.
TABS: list[tuple[str, str, Callable[[AppContext], QWidget]]] = [
    ("products", "商品", ProductsTab),
    ("points", "积分", PointsTab),
    ("tiers", "会员等级", TiersTab),
    ("auto_tags", "自动标签", AutoTagsTab),
    ("care", "关怀", CareTab),
]


class LoyaltyPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("loyaltyTabs")
        self.tab_widgets: dict[str, QWidget] = {}
        for key, title, factory in TABS:
            widget = factory(ctx)
            self.tab_widgets[key] = widget
            self.tabs.addTab(widget, tr(title))
        self.tabs.setCornerWidget(self._excel_button())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        saved = str(ctx.ui_state.value("loyalty/tab", TABS[0][0]))
        self.show_tab(saved if saved in self.tab_widgets else TABS[0][0])
        self.tabs.currentChanged.connect(lambda _i: self.activate())

    def _excel_button(self) -> QPushButton:
        button = QPushButton(tr("Excel"))
        button.setObjectName("loyaltyExcel")
        button.setToolTip(tr("把商品、积分导出到 Excel，或从 Excel 导入"))
        menu = QMenu(button)
        for kind, label in LOYALTY_LABELS.items():
            menu.addAction(tr("导出{what}…", what=tr(label)), partial(self.export, kind))
        menu.addSeparator()
        for kind, label in LOYALTY_LABELS.items():
            menu.addAction(tr("导入{what}…", what=tr(label)), partial(self.import_kind, kind))
        templates = menu.addMenu(tr("下载导入模板"))
        for kind, label in LOYALTY_LABELS.items():
            templates.addAction(tr(label), partial(export_template, self.ctx, self, kind))
        button.setMenu(menu)
        return button

    def export(self, kind: str, path: Path | None = None) -> None:
        label = tr(LOYALTY_LABELS[kind])
        title = tr("导出{what}", what=label)
        target = path or ask_save_path(self, title, default_path(f"{label}-{date.today():%Y-%m-%d}"))
        if target is None:
            return
        store = self.ctx.store

        def work(progress: Progress) -> int:
            with store.db.session() as session:
                return export_loyalty_kind(session, kind, target, progress.update, progress.want_cancel)

        run_in_background(self, work, lambda n: tell_saved(self, title, tr("已导出 {n} 行", n=n), target), title=title)

    def import_kind(self, kind: str) -> QWidget:
        from ui.excel.import_wizard import open_import_wizard

        wizard = open_import_wizard(self.ctx, self, kind)
        wizard.finished.connect(lambda _result: (self.activate(), self.ctx.customers_changed.emit([])))
        return wizard

    def current_key(self) -> str:
        return TABS[max(0, self.tabs.currentIndex())][0]

    def show_tab(self, key: str) -> QWidget:
        self.tabs.setCurrentIndex([k for k, _t, _f in TABS].index(key))
        return self.tab_widgets[key]

    def activate(self) -> None:
        widget = self.tabs.currentWidget()
        for hook in ("activate", "focus_table"):
            method = getattr(widget, hook, None)
            if callable(method):
                method()

    def save_state(self) -> None:
        self.ctx.ui_state.set_value("loyalty/tab", self.current_key())
        for widget in self.tab_widgets.values():
            save = getattr(widget, "save_state", None)
            if callable(save):
                save()
