"""Today's items that belong to other pages: Moments posts due (朋友圈) and group SOP tasks (社群)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from services.today import TodayItem


def post_items(session: Session, day: date) -> list[TodayItem]:
    return []


def group_task_items(session: Session, day: date) -> list[TodayItem]:
    return []


def complete_extra(session: Session, item: TodayItem, result: str) -> None:
    raise NotImplementedError(item.kind)
