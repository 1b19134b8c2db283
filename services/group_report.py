"""`python main.py report groups [--from DATE] [--to DATE] [--json]`: each group's metrics of a period

    {"from": "2026-10-25", "to": "2026-11-23",
     "groups": [{"name": …, "kind": …, "status": …, "stage": …,
                 "metrics": {"join_rate", "leave_rate", "interaction_rate", "messages_per_member",
                             "retention_rate", "conversion_rate", "avg_order_value", "roi"}}]}

Rates are fractions (0.125 = 12.5 %), 客单价 in yuan; null where the denominator is 0 (see
services.group_metrics). Without --json, a table with "—" for those. The period defaults to the last
30 days up to today.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from sqlalchemy.orm import Session

from services.errors import UserError
from services.group_metrics import METRIC_KEYS, METRIC_LABELS, format_metric, report_groups
from services.groups import STATUS_LABELS
from services.i18n import t

DEFAULT_DAYS = 30


def parse_option_date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(t("{option} 的日期“{text}”不对，请写成 YYYY-MM-DD，如 2026-05-01",
                          option=option, text=text)) from None


def period(date_from: str | None, date_to: str | None, today: date | None = None) -> tuple[date, date]:
    """The --from / --to period (UserError on a bad date or a reversed period)."""
    last = parse_option_date("--to", date_to) or today or date.today()
    first = parse_option_date("--from", date_from) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise UserError(t("--from {first} 晚于 --to {last}", first=first, last=last))
    return first, last


def cli_report(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit

    first, last = period(getattr(args, "date_from", None), getattr(args, "date_to", None))
    reports = report_groups(session, first, last)
    payload = {"from": first.isoformat(), "to": last.isoformat(), "groups": [
        {"name": r.name, "kind": r.kind, "status": r.status, "account": r.account, "stage": r.stage,
         "days": r.totals.days, "metrics": {k: _rounded(v) for k, v in r.metrics.as_dict().items()}}
        for r in reports]}
    headers = [t("群名称"), t("类型"), t("阶段"), *(t(METRIC_LABELS[k]) for k in METRIC_KEYS)]
    rows = [[r.name + ("" if r.status == "active" else f"（{t(STATUS_LABELS[r.status])}）"), t(r.kind), t(r.stage),
             *(format_metric(k, getattr(r.metrics, k)) for k in METRIC_KEYS)] for r in reports]
    lines = [t("社群数据 {first} 至 {last}（共 {n} 个群）", first=first, last=last, n=len(reports))]
    lines += _table(headers, rows) if rows else [t("还没有群：在“社群”页面新建一个。")]
    if rows:
        lines.append(t("“—”表示分母为 0（如没有曝光数、没有成本），无法计算。"))
    emit(args, payload, lines)
    return 0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells)).rstrip()

    return [line(headers), *(line(row) for row in rows)]
