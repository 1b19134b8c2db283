"""话术素材: the 话术库 (scripts with placeholders filled for a customer) and the 素材库 (texts, images and
links), one tab each.

Shortcuts, on the tab shown: Ctrl+N new, Ctrl+F search, Enter use (a script: fill for a customer and
copy; a material: copy), Delete move the selected ones to the 回收站 (after asking).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from services.excel.kinds_library import LIBRARY_LABELS
from ui.context import AppContext
from ui.excel.export_actions import export_page_kind, page_excel_button
from ui.i18n import tr
from ui.library.materials_tab import MaterialsTab
from ui.library.scripts_tab import ScriptsTab

TABS = ("scripts", "materials")


class LibraryPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scripts = ScriptsTab(ctx)
        self.materials = MaterialsTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("libraryTabs")
        self.tabs.addTab(self.scripts, tr("话术库"))
        self.tabs.addTab(self.materials, tr("素材库"))
        self.tabs.setCornerWidget(self._excel_button())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._shortcut(QKeySequence.StandardKey.New, self, self.new_thing)
        self._shortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        for table, tab in ((self.scripts.table, self.scripts), (self.materials.table, self.materials)):
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._shortcut(QKeySequence(key), table, tab.activate_current, widget_only=True)
            self._shortcut(QKeySequence.StandardKey.Delete, table, tab.delete_selected, widget_only=True)
        tab = ctx.ui_state.value("library/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if str(tab).isdigit() and int(tab) < len(TABS) else 0)
        self.tabs.currentChanged.connect(lambda _i: self.activate())

    def _shortcut(self, keys: QKeySequence | QKeySequence.StandardKey, owner: QWidget, slot: object, *,
                  widget_only: bool = False) -> None:
        action = QAction(owner)
        action.setShortcut(keys)
        if widget_only:  # else the window's: a hidden page's shortcuts do not fire
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        owner.addAction(action)

    def _excel_button(self) -> QPushButton:
        button = page_excel_button(self.ctx, self, list(LIBRARY_LABELS), tr("把话术、素材导出到 Excel，或从 Excel 导入"),
                                   self.import_kind)
        button.setObjectName("libraryExcel")
        return button

    def export(self, kind: str, path: Path | None = None) -> None:
        export_page_kind(self.ctx, self, kind, path=path)

    def import_kind(self, kind: str) -> QWidget:
        from ui.excel.import_wizard import open_import_wizard

        wizard = open_import_wizard(self.ctx, self, kind)
        wizard.finished.connect(lambda _result: self.activate())
        return wizard

    def current_tab(self) -> ScriptsTab | MaterialsTab:
        return self.materials if self.tabs.currentWidget() is self.materials else self.scripts

    def show_tab(self, key: str) -> ScriptsTab | MaterialsTab:
        self.tabs.setCurrentIndex(TABS.index(key))
        return self.current_tab()

    def activate(self) -> None:
        """Shown (or its tab switched): read the library afresh (Today, posts and groups count uses too)."""
        self.current_tab().reload()
        self.current_tab().table.setFocus()

    def new_thing(self) -> None:
        tab = self.current_tab()
        if tab is self.materials:
            self.materials.new_material()
        else:
            self.scripts.new_script()

    def focus_search(self) -> None:
        self.current_tab().focus_search()

    def save_state(self) -> None:
        self.ctx.ui_state.set_value("library/tab", self.tabs.currentIndex())
        self.scripts.save_state()
        self.materials.save_state()
