"""分层 in numbers: how many customers are in each RFM segment, loyalty type and stage — for the 分层
page and `python main.py report layers [--json]`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import Customer
from services.i18n import t
from services.layers import LOYALTY_TYPES, NO_PURCHASE, NOT_COMPUTED, RFM_SEGMENTS, UNCLASSIFIED, cached_cuts
from services.stages import STAGES


@dataclass(frozen=True)
class LayerCounts:
    """How many live customers are in each segment, type and stage (each sums to `customers`)."""

    customers: int
    rfm_segments: dict[str, int]  # the eight segments, 未购买, and 未计算 when any
    loyalty_types: dict[str, int]  # the four types and 未归类
    stages: dict[str, int]  # the effective stage: a manual override counts as set
    computed_at: str = ""  # when the cut points were last computed in full ("" = never)


def layer_counts(session: Session) -> LayerCounts:
    """One pass over the customers."""
    stage = func.coalesce(func.nullif(Customer.stage_override, ""), Customer.stage)
    bought = case((Customer.purchase_count > 0, 1), else_=0)
    rows = session.execute(
        select(Customer.rfm_segment, bought, Customer.loyalty_type, stage, func.count())
        .where(Customer.deleted_at.is_(None)).group_by(Customer.rfm_segment, bought, Customer.loyalty_type, stage)
    ).all()
    segments = dict.fromkeys((*RFM_SEGMENTS, NO_PURCHASE), 0)
    types = dict.fromkeys((*LOYALTY_TYPES, UNCLASSIFIED), 0)
    stages = dict.fromkeys(STAGES, 0)
    for segment, has_bought, loyalty, stage_name, count in rows:
        key = segment if segment in segments else (NOT_COMPUTED if has_bought else NO_PURCHASE)
        segments[key] = segments.get(key, 0) + count
        types[loyalty if loyalty in types else UNCLASSIFIED] += count
        stages[stage_name] = stages.get(stage_name, 0) + count
    cuts = cached_cuts(session)
    return LayerCounts(sum(n for *_k, n in rows), segments, types, stages, cuts.computed_at if cuts else "")


def cli_report(session: Session, args: Any) -> int:
    """`python main.py report layers [--json]`."""
    from services.cli import emit

    counts = layer_counts(session)
    payload = {"customers": counts.customers, "rfm_segments": counts.rfm_segments,
               "loyalty_types": counts.loyalty_types, "stages": counts.stages, "computed_at": counts.computed_at}
    lines = [t("分层（共 {n} 位客户）", n=f"{counts.customers:,}")]
    for title, values in ((t("RFM 分群"), counts.rfm_segments), (t("忠诚类型"), counts.loyalty_types),
                          (t("阶段"), counts.stages)):
        lines.append("")
        lines.append(title)
        names = {name: t(name) for name in values}
        width = max(_width(label) for label in names.values())
        lines += [f"  {names[name]}{' ' * (width - _width(names[name]))}  {count:>9,}" for name, count in values.items()]
    if counts.rfm_segments.get(NOT_COMPUTED):
        lines += ["", t("有客户的分层还没计算：打开客本一次，或在“设置 → 分层”里重新计算。")]
    emit(args, payload, lines)
    return 0


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)
