"""Today's figures: five KPI tiles and three small bar charts."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from services.today_kpis import Kpis
from ui.charts import BarChart, Format, whole
from ui.i18n import tr

TILES = (
    ("new_week", "本周新客"), ("revenue_month", "本月营收"), ("repurchase_rate", "复购率"),
    ("referrals_month", "本月转介绍"), ("follow_up_completion", "跟进完成率"),
)
TILE_QSS = """
QFrame#kpiTile { border: 1px solid rgba(128, 128, 128, 0.28); border-radius: 8px; }
QLabel#kpiValue { font-size: 22px; font-weight: bold; }
QLabel#kpiTitle { font-size: 13px; }
QLabel#kpiNote { font-size: 12px; color: #888888; }
"""


def money_short(cents: int) -> str:
    """¥3,280 / ¥12.8万 — what fits on a tile."""
    yuan = cents / 100
    if abs(yuan) >= 100_000:
        return f"¥{yuan / 10_000:,.1f}万"
    return f"¥{yuan:,.0f}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


class KpiTiles(QWidget):
    """The five figures in a row, each with a line saying what it is compared with."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(TILE_QSS)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        self.values: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}
        for column, (key, title) in enumerate(TILES):
            frame = QFrame()
            frame.setObjectName("kpiTile")
            tile = QVBoxLayout(frame)
            tile.setContentsMargins(14, 8, 14, 8)
            tile.setSpacing(2)
            heading = QLabel(tr(title))
            heading.setObjectName("kpiTitle")
            value = QLabel("—")
            value.setObjectName("kpiValue")
            note = QLabel("")
            note.setObjectName("kpiNote")
            for label in (heading, value, note):
                tile.addWidget(label)
            self.values[key], self.notes[key] = value, note
            grid.addWidget(frame, 0, column)

    def show_kpis(self, kpis: Kpis) -> None:
        (_w0, last_week), (_w1, this_week) = kpis.new_per_week[-2], kpis.new_per_week[-1]
        (_m0, last_month), (_m1, this_month) = kpis.revenue_per_month[-2], kpis.revenue_per_month[-1]
        self._set("new_week", f"{this_week:,}", tr("上周 {n}", n=f"{last_week:,}"))
        self._set("revenue_month", money_short(this_month), tr("上月 {amount}", amount=money_short(last_month)))
        self._set("repurchase_rate", percent(kpis.repurchase_rate),
                  tr("{repeat}/{buyers} 位买过两次以上", repeat=f"{kpis.repeat_buyers:,}", buyers=f"{kpis.buyers:,}"))
        self._set("referrals_month", f"{kpis.referrals_per_month[-1][1]:,}",
                  tr("上月 {n}", n=f"{kpis.referrals_per_month[-2][1]:,}"))
        self._set("follow_up_completion", percent(kpis.follow_up_completion),
                  tr("近 30 天 {done}/{due}", done=f"{kpis.follow_ups_done:,}", due=f"{kpis.follow_ups_due:,}"))

    def _set(self, key: str, value: str, note: str) -> None:
        self.values[key].setText(value)
        self.notes[key].setText(note)


class MiniChart(BarChart):
    """A small bar chart of one series (weeks or months)."""

    def __init__(self, title: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent=parent)
        self.setMinimumHeight(170)
        self.color = color
        self.values: list[float] = []
        self.bar_width = 0.6

    def set_series(self, labels: list[str], values: list[float], fmt: Format = whole) -> None:
        self.values = list(values)
        self.set_bars(labels, values, "", self.color, fmt)


class KpiCharts(QWidget):
    """New customers per week, revenue per month, referrals per month."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.new_customers = MiniChart(tr("每周新客"), "#26a69a")
        self.revenue = MiniChart(tr("每月营收（元）"), "#5c6bc0")
        self.referrals = MiniChart(tr("每月转介绍"), "#ef6c00")
        for chart in (self.new_customers, self.revenue, self.referrals):
            layout.addWidget(chart, 1)

    def show_kpis(self, kpis: Kpis, _dark: bool | None = None) -> None:
        """The charts take their colours from the applied theme's palette; `_dark` is not needed any more."""
        self.new_customers.set_series([_week(w) for w, _n in kpis.new_per_week],
                                      [n for _w, n in kpis.new_per_week])
        yuan = [c / 100 for _m, c in kpis.revenue_per_month]
        big = max(yuan, default=0) >= 100_000
        self.revenue.set_title(tr("每月营收（万元）") if big else tr("每月营收（元）"))
        self.revenue.set_series([_month(m) for m, _c in kpis.revenue_per_month],
                                [v / 10_000 for v in yuan] if big else yuan, _tenths if big else whole)
        self.referrals.set_series([_month(m) for m, _n in kpis.referrals_per_month],
                                  [n for _m, n in kpis.referrals_per_month])


def _tenths(value: float) -> str:
    """12.5 / 20 (not 20.0): 万元 on the axis."""
    return f"{value:,.1f}".removesuffix(".0")


def _week(monday: date) -> str:
    return f"{monday.month}/{monday.day}"


def _month(first: date) -> str:
    return tr("{m}月", m=first.month)
