"""`python main.py report WHAT`: the reports of each page, printed or as one JSON object.

Each page's service registers its report here: a function (session, args) -> exit code that
prints through `services.cli.emit`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlalchemy.orm import Session

from services.errors import UserError
from services.i18n import t

Report = Callable[[Session, argparse.Namespace], int]


def _reports() -> dict[str, Report]:
    """What `report` can print, by name (imported lazily: a report's module loads only when asked)."""
    from services import group_report, layer_report, loyalty_report, moments_report, referral_report

    return {"layers": layer_report.cli_report, "groups": group_report.cli_report,
            "moments": moments_report.cli_report, "referrals": referral_report.cli_report,
            "loyalty": loyalty_report.cli_report}


def cmd_report(session: Session, args: argparse.Namespace) -> int:
    reports = _reports()
    if args.what not in reports:
        raise UserError(t("没有“{what}”这个报表，可以用：{all}", what=args.what, all="、".join(reports) or "—"))
    return reports[args.what](session, args)
