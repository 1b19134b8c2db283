"""会员: the product catalogue, points (积分), member tiers (会员等级) — and the other loyalty tabs — one
tab each, listed in TABS as (key, title, factory). A tab widget may offer `activate()` (shown: read
afresh), `focus_search()` and `save_state()`; each registers its own shortcuts (Ctrl+N, Ctrl+F,
Delete …) on itself. The Excel button imports and exports the catalogue and the points.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from services.excel.kinds_loyalty import LOYALTY_LABELS
from ui.context import AppContext
from ui.excel.export_actions import export_page_kind, page_excel_button
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
        button = page_excel_button(self.ctx, self, list(LOYALTY_LABELS), tr("把商品、积分导出到 Excel，或从 Excel 导入"),
                                   self.import_kind)
        button.setObjectName("loyaltyExcel")
        return button

    def export(self, kind: str, path: Path | None = None) -> None:
        export_page_kind(self.ctx, self, kind, path=path)

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
