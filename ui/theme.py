"""Look: qt-material (light / dark) and an explicit CJK font, so Chinese never renders as boxes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger("keben")

CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
                "Source Han Sans SC", "WenQuanYi Micro Hei", "Noto Sans SC", "SimHei")
THEME_FILES = {"light": "light_teal.xml", "dark": "dark_teal.xml"}
# Readable adjustments on top of qt-material (its defaults upper-case buttons and use large paddings).
EXTRA_QSS = """
QPushButton { text-transform: none; }
QTableView { font-size: 13px; }
QListWidget#navigation { font-size: 15px; border: none; }
QListWidget#navigation::item { padding: 10px 14px; }
QLabel#pageTitle { font-size: 20px; font-weight: bold; }
QListView::indicator:unchecked { image: url(icon:/primary/checkbox_unchecked.svg); }
QListView::indicator:unchecked:disabled { image: url(icon:/disabled/checkbox_unchecked.svg); }
QListView::indicator:checked, QListView::indicator:checked:selected, QListView::indicator:checked:focus {
  image: url(icon:/primary/checkbox_checked.svg); }
QListView::indicator:checked:disabled { image: url(icon:/disabled/checkbox_checked.svg); }
"""
# Lists whose rows are ticked (打卡 members, pickers) show a box on every row, as tables do: qt-material's
# list style draws nothing for an unticked row, which then does not look like something to click.


def cjk_family() -> str:
    families = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in families:
            return family
    log.warning("no CJK font found; Chinese may show as boxes (install fonts-noto-cjk)")
    return QApplication.font().family()


def apply_theme(app: QApplication, theme: str) -> None:
    from qt_material import apply_stylesheet  # imported after PySide6, as qt-material requires

    family = cjk_family()
    app.setFont(QFont(family, 10))
    apply_stylesheet(app, theme=THEME_FILES.get(theme, THEME_FILES["light"]),
                     invert_secondary=theme == "light",
                     extra={"font_family": family, "font_size": "13px", "density_scale": "-1"})
    app.setStyleSheet(app.styleSheet() + EXTRA_QSS)
