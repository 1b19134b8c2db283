"""外观: light or dark theme (applied at once) and the interface language (after a restart)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from services.errors import UserError
from services.preferences import LANGUAGES, THEMES
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.settings.form import Section, section_header
from ui.theme import apply_theme


class AppearanceSection(Section):
    """Preferences saved to preferences.json in the data folder as soon as they change."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.theme = QComboBox()
        for key, label in THEMES.items():
            self.theme.addItem(tr(label), key)
        self.language = QComboBox()
        for key, label in LANGUAGES.items():
            self.language.addItem(label, key)  # each language in its own words, never translated
        for combo in (self.theme, self.language):
            combo.setFixedWidth(240)
        self.language_note = QLabel(tr("界面语言在重新启动客本后生效。"))
        self.language_note.setObjectName("sectionHint")
        self.language_note.setWordWrap(True)

        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(tr("主题"), self.theme)
        form.addRow(tr("界面语言"), self.language)
        form.addRow("", self.language_note)
        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("外观"), tr("客本的颜色和界面语言，只影响这台电脑。")))
        layout.addLayout(form)
        layout.addStretch(1)

        self.theme.currentIndexChanged.connect(self._theme_chosen)
        self.language.currentIndexChanged.connect(self._language_chosen)

    def load(self) -> None:
        prefs = self.ctx.preferences
        for combo, value in ((self.theme, prefs.theme), (self.language, prefs.language)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)

    def _theme_chosen(self) -> None:
        theme = str(self.theme.currentData())
        if theme == self.ctx.preferences.theme:
            return
        self.ctx.preferences.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self._save()

    def _language_chosen(self) -> None:
        language = str(self.language.currentData())
        if language == self.ctx.preferences.language:
            return
        self.ctx.preferences.language = language
        if self._save():
            self.language_note.setText(tr("已保存。界面语言在重新启动客本后生效。"))

    def _save(self) -> bool:
        try:
            self.ctx.save_preferences()
        except OSError as exc:  # a full disk or a read-only data folder
            show_error(self, UserError(tr("设置没有保存：{error}\n请确认数据文件夹可以写入：{path}",
                                          error=exc.strerror or exc, path=self.ctx.store.data_dir.root)))
            return False
        self.ctx.settings_changed.emit()
        return True
