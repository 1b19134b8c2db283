"""The schedule of an SOP template: when each step falls, as pure functions of dates (services.sop
uses it to lay and re-lay tasks).

Local wall-clock times with no time zone: plain `date` arithmetic and `datetime.combine`, so it is
right across month and year ends and on 29 February, and a 07:30 step is 07:30 on every day — there
is no daylight-saving shift to get wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Protocol

from services.errors import ValidationError
from services.i18n import t
from services.text import fold

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_WINDOW_DAYS = 366  # a daily or weekly routine is laid at most a year ahead (re-apply to extend)
_TIME = re.compile(r"(\d{1,2})[:：.](\d{2})")


class StepLike(Protocol):
    @property
    def day(self) -> int: ...

    @property
    def time(self) -> str: ...


def parse_time(text: str) -> time:
    """'7:30', '07:30', '7：30' → time(7, 30); ValueError with a message otherwise."""
    match = _TIME.fullmatch(fold(text))
    if match is None:
        raise ValueError(t("时间“{text}”看不懂，请写成 07:30 这样", text=text))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(t("时间“{text}”不存在（小时 0–23，分钟 0–59）", text=text))
    return time(hour, minute)


def normalize_time(text: str) -> str:
    return parse_time(text).strftime("%H:%M")


def day_label(shape: str, day: int) -> str:
    """每天 / 周三 / 第3天."""
    if shape == "daily":
        return t("每天")
    if shape == "weekly":
        return t(WEEKDAYS[day - 1]) if 1 <= day <= 7 else "?"
    return t("第{n}天", n=day)


def window_end(shape: str, starts_on: date, ends_on: date | None, days: int) -> date | None:
    """The last day of the window: the chosen end, or a sequence's last day."""
    if shape == "sequence":
        natural = starts_on + timedelta(days=max(days, 1) - 1)
        return natural if ends_on is None else min(ends_on, natural)
    return ends_on


def check_window(shape: str, starts_on: date | None, ends_on: date | None) -> None:
    """ValidationError naming the field when the window cannot be laid."""
    if starts_on is None:
        raise ValidationError({"starts_on": t("请选择开始日期")})
    if ends_on is None and shape != "sequence":
        raise ValidationError({"ends_on": t("每日、每周的模板请选择结束日期（最长一年，到期后可以延长）")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": t("结束日期 {end} 早于开始日期 {start}", end=ends_on, start=starts_on)})
    if ends_on is not None and (ends_on - starts_on).days + 1 > MAX_WINDOW_DAYS:
        raise ValidationError({"ends_on": t("一次最多排一年（{n} 天），到期前可以再延长", n=MAX_WINDOW_DAYS)})


def occurrences(shape: str, steps: Sequence[StepLike], starts_on: date, ends_on: date | None,
                days: int = 0) -> list[tuple[int, datetime]]:
    """(index into `steps`, when it is due) for every occurrence in the window, in time order.

    Pure: local wall-clock datetimes built from dates, nothing read from a clock or a time zone.
    """
    end = window_end(shape, starts_on, ends_on, days)
    if end is None or end < starts_on:
        return []
    times = [parse_time(step.time) for step in steps]
    found: list[tuple[int, datetime]] = []
    if shape == "sequence":
        for index, step in enumerate(steps):
            on = starts_on + timedelta(days=step.day - 1)
            if step.day >= 1 and on <= end:
                found.append((index, datetime.combine(on, times[index])))
    else:
        span = (end - starts_on).days + 1
        for offset in range(span):
            on = starts_on + timedelta(days=offset)
            for index, step in enumerate(steps):
                if shape == "daily" or step.day == on.isoweekday():
                    found.append((index, datetime.combine(on, times[index])))
    found.sort(key=lambda item: (item[1], item[0]))
    return found


def period_of(shape: str, on: date) -> date | None:
    """What one occurrence of a step stands for: its day (daily), its week's Monday (weekly), or the
    whole window (a sequence step happens once)."""
    if shape == "daily":
        return on
    if shape == "weekly":
        return on - timedelta(days=on.weekday())
    return None
