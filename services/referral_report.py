"""`python main.py report referrals [--from DATE] [--to DATE] [--json]`: what referrals brought.

    {"from": "2025-01-01" | null, "to": … | null,
     "methods": [{"method", "referrals", "buyers", "revenue"}],
     "campaigns": [{"name", "method", "starts_on", "ends_on", "new_customers", "buyers", "revenue", "cost",
                    "cost_per_new", "rewards_owed", "rewards_owed_amount"}],
     "leaderboard": [{"rank", "referrer", "name", "referred", "buyers", "referred_buyers", "revenue",
                      "referred_revenue"}]}

Money in yuan; `cost_per_new` is null for a campaign without new customers. The period bounds the
介绍日期 of the referrals counted (all of them when neither --from nor --to is given); the buyers and
revenue are what those referred customers have bought in all. A leaderboard row carries its numbers
under both names (`referrer`/`name`, `buyers`/`referred_buyers`, `revenue`/`referred_revenue`).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from services.campaigns import all_campaign_stats
from services.errors import UserError
from services.group_report import parse_option_date
from services.i18n import t
from services.referral_views import leaderboard, method_stats
from services.timeline import money

LEADERBOARD_SIZE = 20


def _yuan(cents: int | None) -> float | None:
    return None if cents is None else round(cents / 100, 2)


def referral_report(session: Session, start: date | None = None, end: date | None = None,
                    limit: int = LEADERBOARD_SIZE) -> dict[str, Any]:
    """The report as one JSON-ready dict (see the module docstring)."""
    methods = [{"method": m.method, "referrals": m.referrals, "buyers": m.buyers, "revenue": _yuan(m.revenue_cents)}
               for m in method_stats(session, start, end)]
    campaigns = [{"name": c.name, "method": c.method, "starts_on": c.starts_on, "ends_on": c.ends_on,
                  "new_customers": s.new_customers, "buyers": s.buyers, "revenue": _yuan(s.revenue_cents),
                  "cost": _yuan(s.cost_cents), "cost_per_new": _yuan(s.cost_per_new_cents),
                  "rewards_owed": s.rewards_owed, "rewards_owed_amount": _yuan(s.rewards_owed_cents)}
                 for c, s in all_campaign_stats(session, start, end)]
    board = [{"rank": r.rank, "referrer": r.name, "name": r.name, "referred": r.referred, "buyers": r.buyers,
              "referred_buyers": r.buyers, "revenue": _yuan(r.revenue_cents),
              "referred_revenue": _yuan(r.revenue_cents)}
             for r in leaderboard(session, start, end, limit)]
    return {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
            "methods": methods, "campaigns": campaigns, "leaderboard": board}


def cli_report(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit

    start = parse_option_date("--from", getattr(args, "date_from", None))
    end = parse_option_date("--to", getattr(args, "date_to", None))
    if start and end and start > end:
        raise UserError(t("--from {first} 晚于 --to {last}", first=start, last=end))
    payload = referral_report(session, start, end)
    emit(args, payload, _lines(payload))
    return 0


def _cny(value: float | None) -> str:
    return "—" if value is None else money(round(value * 100))


def _lines(payload: dict[str, Any]) -> list[str]:
    period = (t("{first} 至 {last}", first=payload["from"] or "…", last=payload["to"] or "…")
              if payload["from"] or payload["to"] else t("全部"))
    used = [m for m in payload["methods"] if m["referrals"]]
    lines = [t("转介绍（{period}）：共 {n} 位新客户", period=period, n=sum(m["referrals"] for m in used))]
    if not used:
        return [*lines, t("还没有转介绍记录：在“转介绍”页面记录谁介绍了谁。")]
    lines += ["", t("按裂变方式")]
    lines += _table([t("方式"), t("新客户"), t("已购买"), t("带来消费")],
                    [[t(m["method"]), str(m["referrals"]), str(m["buyers"]), _cny(m["revenue"])] for m in used])
    if payload["campaigns"]:
        lines += ["", t("裂变活动")]
        lines += _table([t("活动"), t("方式"), t("新客户"), t("已购买"), t("带来消费"), t("成本"), t("获客成本"), t("待发奖励")],
                        [[c["name"], t(c["method"]), str(c["new_customers"]), str(c["buyers"]), _cny(c["revenue"]),
                          _cny(c["cost"]), _cny(c["cost_per_new"]),
                          f"{c['rewards_owed']}（{_cny(c['rewards_owed_amount'])}）"] for c in payload["campaigns"]])
    lines += ["", t("介绍人排行榜")]
    lines += _table([t("名次"), t("介绍人"), t("介绍了"), t("已购买"), t("带来消费")],
                    [[str(r["rank"]), r["referrer"], str(r["referred"]), str(r["buyers"]), _cny(r["revenue"])]
                     for r in payload["leaderboard"]])
    return lines


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    return ["  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
            for row in [headers, *rows]]
