"""Small 分层 widgets for other pages: the customer list's layer filter and the detail pane's line."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QWidget

from models import Customer
from services.customer_query import CustomerFilter
from services.layers import (
    LOYALTY_HINTS,
    LOYALTY_TYPES,
    NO_PURCHASE,
    RFM_SEGMENTS,
    SEGMENT_HINTS,
    UNCLASSIFIED,
)
from ui.i18n import tr

SEGMENT_COLOR = "#00897b"
LOYALTY_COLOR = "#ef6c00"


class _FilterOwner(Protocol):
    """What the button needs of the filter bar (ui.customers.filter_bar.FilterBar)."""

    filter: CustomerFilter

    def set_filter(self, flt: CustomerFilter) -> None: ...


class LayerFilterButton(QPushButton):
    """分层筛选: a menu with one RFM segment and one loyalty type to keep (each may be 全部)."""

    def __init__(self, owner: _FilterOwner, parent: QWidget | None = None) -> None:
        super().__init__(tr("分层"), parent)
        self.owner = owner
        self.setToolTip(tr("按 RFM 分群、忠诚类型筛选（自动计算的分层）"))
        self.menu_ = QMenu(self)
        self.segment_actions = self._section(tr("RFM 分群"), [*RFM_SEGMENTS, NO_PURCHASE], "rfm_segment")
        self.loyalty_actions = self._section(tr("忠诚类型"), [*LOYALTY_TYPES, UNCLASSIFIED], "loyalty_type")
        self.setMenu(self.menu_)
        self.menu_.aboutToShow.connect(self._show_checks)

    def _section(self, title: str, names: list[str], field: str) -> dict[str, QAction]:
        self.menu_.addSection(title)
        group = QActionGroup(self)
        actions: dict[str, QAction] = {}
        for name in ["", *names]:
            action = self.menu_.addAction(tr("全部") if not name else tr(name))
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _=False, f=field, n=name: self._choose(f, n))
            actions[name] = action
        return actions

    def _show_checks(self) -> None:
        flt = self.owner.filter
        self.segment_actions.get(flt.rfm_segment, self.segment_actions[""]).setChecked(True)
        self.loyalty_actions.get(flt.loyalty_type, self.loyalty_actions[""]).setChecked(True)

    def _choose(self, field: str, name: str) -> None:
        flt = self.owner.filter
        self.owner.set_filter(replace(flt, rfm_segment=name) if field == "rfm_segment" else replace(flt, loyalty_type=name))

    def show_filter(self, flt: CustomerFilter) -> None:
        """Say on the button what it filters (connected to the bar's filter_changed)."""
        chosen = [tr(n) for n in (flt.rfm_segment, flt.loyalty_type) if n]
        self.setText(tr("分层：{what}", what="·".join(chosen)) if chosen else tr("分层"))


class LayersLine(QLabel):
    """The detail pane's read-only layers: RFM segment and scores, loyalty type, last interaction."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerLayers")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)

    def show_customer(self, customer: Customer) -> None:
        parts = []
        if customer.rfm_segment:
            scores = f"R{customer.rfm_r} F{customer.rfm_f} M{customer.rfm_m}"
            parts.append(f"RFM {_chip(tr(customer.rfm_segment), SEGMENT_COLOR)} "
                         f'<span style="color:#888;">{scores}</span>')
        else:
            parts.append(tr("RFM 未购买"))
        if customer.loyalty_type:
            parts.append(tr("忠诚类型") + " " + _chip(tr(customer.loyalty_type), LOYALTY_COLOR))
        else:
            parts.append(tr("忠诚类型 {name}", name=tr(UNCLASSIFIED)))
        last = customer.last_interaction_on
        parts.append(tr("最近互动 {date}", date=last.isoformat() if last else tr("无")))
        hint = tr("自动计算")
        self.setText("　".join(parts) + f'　<span style="color:#999; font-size:12px;">{html.escape(hint)}</span>')
        tips = [tr("分层按购买、互动和转介绍记录自动计算，不能手动修改；阈值在“设置 → 分层”里调整。")]
        if customer.rfm_segment:
            tips.append(f"{tr(customer.rfm_segment)}：{tr(SEGMENT_HINTS[customer.rfm_segment])}")
        if customer.loyalty_type in LOYALTY_HINTS:
            tips.append(f"{tr(customer.loyalty_type)}：{tr(LOYALTY_HINTS[customer.loyalty_type])}")
        self.setToolTip("\n".join(tips))


def _chip(text: str, color: str) -> str:
    return (f'<span style="background-color:{color}; color:white;">&nbsp;{html.escape(text)}&nbsp;</span>')
