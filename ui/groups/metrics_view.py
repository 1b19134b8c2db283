"""群数据分析: every group's metrics of a period (seed 001's formulas, "—" where a denominator is 0), the
metrics of each group's life stage highlighted, and for the chosen group charts of its days: 群人数 and
互动率, 进群 / 退群 and 成交额, and its members' loyalty types. Loaded off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from services import group_metrics as gm
from services.group_metrics import (
    METRIC_KEYS,
    METRIC_LABELS,
    MIX_KEYS,
    STAGE_HINTS,
    STAGE_METRICS,
    DayStat,
    GroupReport,
)
from ui.background import run_in_background
from ui.charts import BarChart, LineChart, Series
from ui.context import AppContext
from ui.groups import common
from ui.groups.common import STAGE_COLORS, date_edit, qdate
from ui.i18n import tr

PERIODS = (("近 7 天", 7), ("近 30 天", 30), ("近 90 天", 90), ("自定义", 0))


@dataclass(frozen=True)
class Loaded:
    first: date
    last: date
    reports: list[GroupReport]


@dataclass(frozen=True)
class GroupDays:
    group_id: int
    stats: list[DayStat]
    mix: dict[str, int]


def _percent(value: float) -> str:
    return f"{value:.0f}%"


class MetricsView(QWidget):
    """Signals:
        loaded(): the table and charts show the chosen period.
    """

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reports: list[GroupReport] = []
        self.first, self.last = date.today() - timedelta(days=29), date.today()
        self._generation = 0
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(tr(label), days)
        self.period.setCurrentIndex(1)
        self.from_edit, self.to_edit = date_edit(self.first), date_edit(self.last)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.from_edit.dateChanged.connect(lambda _d: self.reload())
        self.to_edit.dateChanged.connect(lambda _d: self.reload())
        self.note = QLabel(tr("“—”表示分母为 0，算不出来（如没录曝光数、没有成本）。加粗的是这个群所处阶段最该看的指标。"))
        self.note.setStyleSheet("color: #888;")
        self.note.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("metricsTable")
        common.prepare_table(self.table, [tr("群"), tr("阶段"), *(tr(METRIC_LABELS[k]) for k in METRIC_KEYS), tr("天数")])
        for column, key in enumerate(METRIC_KEYS, 2):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(tr(gm.METRIC_HINTS[key]))
        self.table.itemSelectionChanged.connect(self._group_chosen)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stage_hint = QLabel()
        self.stage_hint.setWordWrap(True)
        self.stage_hint.setTextFormat(Qt.TextFormat.RichText)
        self.trend = LineChart(tr("群人数与互动率"))
        self.flow = LineChart(tr("每日进群、退群与成交额"))
        self.mix = BarChart(tr("成员忠诚类型"), horizontal=True, value_labels=True)
        self.mix.bar_width = 0.6
        for chart in (self.trend, self.flow, self.mix):
            chart.setMinimumHeight(220)
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.trend, 3)
        row.addWidget(self.flow, 3)
        row.addWidget(self.mix, 2)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stage_hint)
        column.addWidget(charts, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setSizes([260, 420])
        self.splitter.setChildrenCollapsible(False)
        self.empty = QLabel(tr("还没有群数据。在“日数据”里每天记一下群人数、进群、退群、消息、下单……这里就会算出"
                               "进群率、互动率、留存率、转化率、ROI，并告诉你每个群处在哪个阶段。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; font-size: 14px; padding: 24px;")
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("—"))
        top.addWidget(self.to_edit)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty)
        ctx.ui_state.restore_splitter("groups.metrics", self.splitter)
        self._period_changed()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("groups.metrics", self.splitter)

    def _period_changed(self) -> None:
        days = self.period.currentData()
        custom = days == 0
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if not custom:
            with common.blocked(self.from_edit, self.to_edit):
                self.to_edit.setDate(date.today())
                self.from_edit.setDate(date.today() - timedelta(days=days - 1))
        self.reload()

    def reload(self) -> None:
        first, last = qdate(self.from_edit), qdate(self.to_edit)
        if last < first:
            first, last = last, first
        store = self.ctx.store
        self._generation += 1
        generation = self._generation

        def work(_progress: object) -> Loaded:
            with store.db.session() as session:
                return Loaded(first, last, gm.report_groups(session, first, last))

        run_in_background(self, work, lambda loaded: self._show(loaded, generation), quiet=False)

    def _show(self, loaded: Loaded, generation: int) -> None:
        if generation != self._generation:
            return  # a newer period was asked for meanwhile
        keep = self.current_group()
        self.first, self.last, self.reports = loaded.first, loaded.last, loaded.reports
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.reports))
        for row, report in enumerate(self.reports):
            cells = [report.name, tr(report.stage),
                     *(gm.format_metric(k, getattr(report.metrics, k)) for k in METRIC_KEYS), str(report.totals.days)]
            common.set_row(self.table, row, cells, data=report.id)
            stage_item = self.table.item(row, 1)
            stage_item.setForeground(QColor(STAGE_COLORS.get(report.stage, "#607d8b")))
            stage_item.setToolTip(tr(STAGE_HINTS.get(report.stage, "")))
            for column, key in enumerate(METRIC_KEYS, 2):
                item = self.table.item(row, column)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if key in STAGE_METRICS.get(report.stage, ()):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setForeground(QColor(STAGE_COLORS.get(report.stage, "#333333")))
        self.table.blockSignals(False)
        has_stats = any(r.totals.days for r in self.reports)
        self.splitter.setVisible(bool(self.reports))
        self.empty.setVisible(not has_stats)
        ids = [r.id for r in self.reports]
        if ids:
            common.select_row(self.table, ids.index(keep) if keep in ids else 0)
        self._group_chosen()
        self.loaded.emit()

    def current_group(self) -> int | None:
        rows = common.selected_rows(self.table)
        return self.reports[rows[0]].id if rows and rows[0] < len(self.reports) else None

    def show_group(self, group_id: int) -> None:
        ids = [r.id for r in self.reports]
        if group_id in ids:
            common.select_row(self.table, ids.index(group_id))

    def _group_chosen(self) -> None:
        group_id = self.current_group()
        report = next((r for r in self.reports if r.id == group_id), None)
        if report is None:
            self.stage_hint.setText("")
            return
        self.stage_hint.setText(f"<b>{report.name}</b>　{common.chip(tr(report.stage), STAGE_COLORS[report.stage])}　"
                                f"{tr(STAGE_HINTS[report.stage])}")
        with self.ctx.session() as session:
            days = GroupDays(report.id, gm.stats_between(session, report.id, self.first, self.last),
                             gm.member_mix(session, report.id))
        self.draw(days)

    # ---- charts ----------------------------------------------------------------------------------------

    def draw(self, days: GroupDays) -> None:
        self._draw_trend(days.stats)
        self._draw_flow(days.stats)
        self._draw_mix(days.mix)

    def _days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def _draw_trend(self, stats: list[DayStat]) -> None:
        """Members on the left axis, the interaction rate (%) on the right, one point per recorded day."""
        members = {s.day: float(s.members) for s in stats if s.members is not None}
        rate = {day: m.interaction_rate * 100 for day, m in gm.daily_metrics(stats) if m.interaction_rate is not None}
        days = self._days()
        self.trend.set_days(self.first, self.last, [
            Series(tr("群人数"), tuple(members.get(d) for d in days), "#1565c0"),
            Series(tr("互动率 %"), tuple(rate.get(d) for d in days), "#ef6c00", right=True)], right_fmt=_percent)

    def _draw_flow(self, stats: list[DayStat]) -> None:
        """Joined and left (people, left axis) and the day's revenue (yuan, right axis)."""
        by_day = {s.day: s for s in stats}
        days = self._days()

        def values(read: Callable[[DayStat], float]) -> tuple[float | None, ...]:
            return tuple(read(by_day[d]) if d in by_day else None for d in days)

        self.flow.set_days(self.first, self.last, [
            Series(tr("进群"), values(lambda s: float(s.joined)), "#2e7d32"),
            Series(tr("退群"), values(lambda s: float(s.left)), "#c62828"),
            Series(tr("成交额（元）"), values(lambda s: s.revenue_cents / 100), "#6a1b9a", right=True)])

    def _draw_mix(self, mix: dict[str, int]) -> None:
        """Horizontal bars: the type names sit on the left, whole; the first type on top."""
        self.mix.set_bars([tr(k) for k in MIX_KEYS], [float(mix.get(k, 0)) for k in MIX_KEYS], tr("人数"), "#5c6bc0")
