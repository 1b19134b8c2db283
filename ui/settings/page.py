"""设置: a list of sections on the left — 我的微信号, 标签, 自定义字段, 分层, 外观, 数据与备份, 隐私 — the chosen one on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget

from ui.context import AppContext
from ui.i18n import tr
from ui.layers.settings_section import LayersSection
from ui.settings.accounts import AccountsSection
from ui.settings.appearance import AppearanceSection
from ui.settings.backups import BackupsSection
from ui.settings.custom_fields import FieldsSection
from ui.settings.database import DatabaseSection
from ui.settings.form import Section
from ui.settings.journeys import JourneysSection
from ui.settings.privacy import PrivacySection
from ui.settings.tags import TagsSection

NAV_QSS = """
QListWidget#settingsNav { font-size: 14px; border: none; }
QListWidget#settingsNav::item { padding: 9px 12px; }
"""


class SettingsPage(QWidget):
    """What the seller sets up once and rarely changes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.accounts = AccountsSection(ctx)
        self.tags = TagsSection(ctx)
        self.fields = FieldsSection(ctx)
        self.appearance = AppearanceSection(ctx)
        self.backups = BackupsSection(ctx)
        self.privacy = PrivacySection(ctx)
        self.sections: list[tuple[str, str, Section]] = [
            ("accounts", tr("我的微信号"), self.accounts),
            ("tags", tr("标签"), self.tags),
            ("fields", tr("自定义字段"), self.fields),
            ("layers", tr("分层"), LayersSection(ctx)),
            ("journeys", tr("客户SOP"), JourneysSection(ctx)),
            ("appearance", tr("外观"), self.appearance),
            ("backups", tr("数据与备份"), self.backups),
            ("database", tr("数据库"), DatabaseSection(ctx)),
            ("privacy", tr("隐私"), self.privacy),
        ]
        self.navigation = QListWidget()
        self.navigation.setObjectName("settingsNav")
        self.navigation.setStyleSheet(NAV_QSS)
        self.navigation.setFixedWidth(168)
        self.stack = QStackedWidget()
        for _key, title, section in self.sections:
            self.navigation.addItem(title)
            self.stack.addWidget(section)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 12, 12, 8)
        layout.setSpacing(16)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)

        self.navigation.currentRowChanged.connect(self._section_chosen)
        keys = [key for key, _title, _section in self.sections]
        last = str(ctx.ui_state.value("settings/section", "accounts"))
        self.navigation.setCurrentRow(keys.index(last) if last in keys else 0)

    def _section_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.ctx.ui_state.set_value("settings/section", self.sections[row][0])

    def show_section(self, key: str) -> Section:
        row = [k for k, _title, _section in self.sections].index(key)
        self.navigation.setCurrentRow(row)
        return self.sections[row][2]

    def activate(self) -> None:
        """Shown again: counts may have changed elsewhere — reload this section, the others when shown."""
        current = self.stack.currentWidget()
        for _key, _title, section in self.sections:
            if section is current:
                section.reload()
            else:
                section.mark_stale()
