"""分层 page: how many customers are in each RFM segment, loyalty type and stage, as bar charts.

Its own page rather than a tab of 客户: the customer page is a list beside a detail pane, with no
room for three charts, and the charts are a view of the whole store, not of the current filter.
A click on a bar explains the group and offers its customers in the 客户 list (filtered).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.customer_query import CustomerFilter
from services.layer_report import LayerCounts, layer_counts
from services.layers import (
    LOYALTY_HINTS,
    NO_PURCHASE,
    NOT_COMPUTED,
    SEGMENT_HINTS,
    UNCLASSIFIED,
)
from ui.charts import BarChart
from ui.context import AppContext
from ui.i18n import tr
from ui.layers.recompute import recompute_in_background
from ui.layers.widgets import LOYALTY_COLOR, SEGMENT_COLOR
from ui.widgets import EmptyState

STAGE_COLOR = "#5c6bc0"
STAGE_HINTS = {
    "潜在": "还没买过", "新客": "首次购买不久、只买过一次", "已购": "买过一次，已过新客期", "复购": "买过两次或以上",
    "VIP": "累计消费或购买次数达到 VIP 标准", "沉睡": "有一阵子没买了", "流失": "很久没买了",
}
OTHER_HINTS = {
    NO_PURCHASE: "还没有购买记录，不参与 RFM 评分",
    NOT_COMPUTED: "买过，但分层还没算：点“重新计算”",
    UNCLASSIFIED: "不属于四种忠诚类型：如最近买过两次、但还没到每月复购",
}


class LayerChart(BarChart):
    """One horizontal bar chart: a count per category, the first category on top, the count at the
    end of each bar.

    Signals:
        chosen(str): a bar (or its row) was clicked (the category's name).
    """

    chosen = Signal(str)

    def __init__(self, title: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(title, horizontal=True, value_labels=True, parent=parent)
        self.setObjectName("layerChart")
        self.setMinimumHeight(240)
        self.color = color
        self.counts: dict[str, int] = {}
        self.set_clickable(True)
        self.bar_clicked.connect(lambda index: self.chosen.emit(list(self.counts)[index]))
        self.shrink = 0.0  # the page has room: category names at the normal size

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        self.set_bars([tr(n) for n in counts], [float(v) for v in counts.values()], tr("客户数"), self.color)


class LayersPage(QWidget):
    """The distribution of the customers over the layers, with a recompute button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.counts: LayerCounts | None = None
        self._stale = True
        self._chosen: tuple[str, str] = ("rfm_segment", "重要价值")  # (filter field, name) explained on the right

        title = QLabel(tr("分层"))
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("layersSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #777;")
        self.recompute_button = QPushButton(tr("重新计算"))
        self.recompute_button.setToolTip(tr("按最新的购买、互动、转介绍记录和阈值重新计算全部客户的分层"))
        self.recompute_button.clicked.connect(self.recompute)
        self.settings_button = QPushButton(tr("调整阈值…"))
        self.settings_button.clicked.connect(self._open_settings)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.summary, 1)
        header.addWidget(self.settings_button)
        header.addWidget(self.recompute_button)

        self.rfm_chart = LayerChart(tr("RFM 分群"), SEGMENT_COLOR)
        self.loyalty_chart = LayerChart(tr("忠诚类型"), LOYALTY_COLOR)
        self.stage_chart = LayerChart(tr("生命周期阶段"), STAGE_COLOR)
        self.rfm_chart.chosen.connect(lambda name: self.choose("rfm_segment", name))
        self.loyalty_chart.chosen.connect(lambda name: self.choose("loyalty_type", name))
        self.stage_chart.chosen.connect(lambda name: self.choose("stage", name))

        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.detail_text = QLabel(tr("点一根柱子，看这一组客户是谁、该怎么维护。"))
        self.detail_text.setWordWrap(True)
        self.detail_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.show_button = QPushButton(tr("在客户列表中查看"))
        self.show_button.clicked.connect(self.show_customers)
        self.show_button.hide()
        detail = QFrame()
        detail.setObjectName("layerDetail")
        detail.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(detail)
        box.setContentsMargins(16, 12, 16, 12)
        box.addWidget(self.detail_title)
        box.addWidget(self.detail_text)
        box.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        box.addWidget(self._rules_label())

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.addWidget(self.rfm_chart, 0, 0)
        grid.addWidget(self.loyalty_chart, 0, 1)
        grid.addWidget(self.stage_chart, 1, 0)
        grid.addWidget(detail, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(0, 5)
        grid.setRowStretch(1, 4)
        self.charts = QWidget()
        self.charts.setLayout(grid)
        self.empty = EmptyState(tr("还没有客户"), tr("添加客户和购买记录后，这里会按 RFM、忠诚类型和阶段自动分层。"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(header)
        layout.addWidget(self.charts, 1)
        layout.addWidget(self.empty, 1)

        self._reload_timer = QTimer(self, singleShot=True, interval=300)
        self._reload_timer.timeout.connect(self.reload)
        ctx.customers_changed.connect(self._data_changed)
        ctx.settings_changed.connect(self._data_changed)

    @staticmethod
    def _rules_label() -> QLabel:
        rules = QLabel(tr("RFM：R 最近购买、F 购买次数、M 累计消费，各按全店买过的客户五等分打 1–5 分，"
                          "达到“高”的分数线算高。忠诚类型按 私域社群SOP 的四类：忠实型、羊毛型、需求型、低需求。"))
        rules.setWordWrap(True)
        rules.setStyleSheet("color: #888; font-size: 12px;")
        return rules

    # ---- loading ---------------------------------------------------------------------------------

    def activate(self) -> None:
        if self._stale:
            self.reload()

    def _data_changed(self, *_args: object) -> None:
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def reload(self) -> None:
        """Count the customers per layer (one query) and draw the charts."""
        with self.ctx.session() as session:
            self.counts = counts = layer_counts(session)
        self._stale = False
        self.charts.setVisible(counts.customers > 0)
        self.empty.setVisible(counts.customers == 0)
        segments = {k: v for k, v in counts.rfm_segments.items() if k != NOT_COMPUTED or v}
        self.rfm_chart.set_counts(segments)
        self.loyalty_chart.set_counts(counts.loyalty_types)
        self.stage_chart.set_counts(counts.stages)
        when = counts.computed_at[:16] if counts.computed_at else tr("尚未计算")
        self.summary.setText(tr("共 {n} 位客户 · 按购买、互动和转介绍记录自动计算 · 上次全面计算 {when}",
                                n=f"{counts.customers:,}", when=when))
        if self._chosen[1]:
            self.choose(*self._chosen)

    # ---- a chosen bar ----------------------------------------------------------------------------

    def choose(self, field: str, name: str) -> None:
        """Explain one group (a click on its bar) and offer its customers."""
        self._chosen = (field, name)
        counts = self.counts
        if counts is None:
            return
        source = {"rfm_segment": counts.rfm_segments, "loyalty_type": counts.loyalty_types,
                  "stage": counts.stages}[field]
        count = source.get(name, 0)
        share = count / counts.customers * 100 if counts.customers else 0.0
        hint = {**SEGMENT_HINTS, **LOYALTY_HINTS, **OTHER_HINTS}.get(name) if field != "stage" else STAGE_HINTS.get(name)
        self.detail_title.setText(tr("{name}：{n} 位（{share:.1f}%）", name=tr(name), n=f"{count:,}", share=share))
        self.detail_text.setText(tr(hint) if hint else "")
        self.show_button.setVisible(count > 0 and name != NOT_COMPUTED)

    def show_customers(self) -> None:
        """The 客户 page, filtered to the chosen group."""
        field, name = self._chosen
        window = self.window()
        show_page = getattr(window, "show_page", None)
        if not name or not callable(show_page):
            return
        page = show_page("customers")
        flt = {"rfm_segment": CustomerFilter(rfm_segment=name), "loyalty_type": CustomerFilter(loyalty_type=name),
               "stage": CustomerFilter(stage=name)}[field]
        page.filter_bar.set_filter(flt)

    # ---- actions ---------------------------------------------------------------------------------

    def recompute(self) -> None:
        self.recompute_button.setEnabled(False)

        def done(_result: object) -> None:
            self.recompute_button.setEnabled(True)
            self.reload()

        op = recompute_in_background(self, self.ctx, done)
        op.failed.connect(lambda _exc: self.recompute_button.setEnabled(True))

    def _open_settings(self) -> None:
        show_page = getattr(self.window(), "show_page", None)
        if callable(show_page):
            show_page("settings").show_section("layers")
