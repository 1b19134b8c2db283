"""`python main.py today [--date YYYY-MM-DD] [--json]`: the Today list, printed or as one JSON object

    {"date": "2026-11-23", "items": [{"kind", "customer", "title", "due", …}], "counts": {group: n}}
"""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy.orm import Session

from services.calendar_cn import day_info
from services.errors import UserError
from services.i18n import t
from services.today import today_list


def parse_day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(t("--date 应写成 YYYY-MM-DD，如 2026-05-01（收到的是“{text}”）", text=text)) from None


def cmd_today(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit

    day = parse_day(args.date)
    result = today_list(session, day)
    if args.json:
        emit(args, result.to_json(), [])
        return 0
    info = day_info(day)
    lines = [" ".join([day.isoformat(), info.weekday, t("农历{lunar}", lunar=info.lunar), *info.marks()])
             + t("：共 {n} 项", n=result.count())]
    if not result.groups:
        lines.append(t("这一天没有要做的事。"))
    for group in result.groups:
        lines.append(f"\n{group.title}（{len(group.items)}）")
        for item in group.items:
            lines.append("  " + "  ".join(x for x in (item.customer_name or "", item.title, item.due.isoformat(),
                                                       item.detail) if x))
    emit(args, {}, lines)
    return 0
