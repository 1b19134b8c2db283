"""When a birthday falls: solar (公历) and lunar (农历) birthdays on this year's calendar, and the
customers whose birthday falls within a range of days — found in SQL, not by looping over everyone.

The conventions, for birthdays the calendar of a given year does not have:

- 公历 2月29日 is kept on 2月28日 in a common year.
- 农历 三十 in a month that has only 29 days this year (小月) is kept on its last day, 廿九.
- A birthday in a leap month (闰四月) is kept in that leap month in a year that has it, and in the
  ordinary month of the same number (四月) in the other years — which is how most families do it.
- A birthday without a year works the same (the year only gives the age).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from lunar_python import LunarMonth, LunarYear, Solar
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from models import Customer
from services.birthday import Birthday
from services.sqlutil import chunks

# (lunar, month, day, leap_month) — how a birthday is stored on the customer row.
BirthdayKey = tuple[bool, int, int, bool]
MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class BirthdayOn:
    """One customer's birthday falling on `on` (a solar date)."""

    customer_id: int
    customer_name: str
    birthday: Birthday
    on: date
    age: int | None  # the age reached on that day, when the year of birth is known


@lru_cache(maxsize=4096)
def _keys_on(day: date) -> tuple[tuple[BirthdayKey, int], ...]:
    """The stored birthdays celebrated on `day`, each with the (solar or lunar) year it counts in."""
    keys: list[tuple[BirthdayKey, int]] = [((False, day.month, day.day, False), day.year)]
    if day.month == 2 and day.day == 28 and not _leap_year(day.year):
        keys.append(((False, 2, 29, False), day.year))
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    year, month, lunar_day = lunar.getYear(), lunar.getMonth(), lunar.getDay()
    days = [lunar_day]
    if lunar_day == 29 and LunarMonth.fromYm(year, month).getDayCount() == 29:
        days.append(30)  # 三十 is kept on the last day of a 29-day month
    number, in_leap_month = abs(month), month < 0
    for d in days:
        if in_leap_month:
            keys.append(((True, number, d, True), year))
        else:
            keys.append(((True, number, d, False), year))
            if LunarYear.fromYear(year).getLeapMonth() != number:
                keys.append(((True, number, d, True), year))  # 闰月 birthdays in a year without that leap month
    return tuple(keys)


def _leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_dates(lo: date, hi: date) -> dict[BirthdayKey, list[tuple[date, int]]]:
    """Every stored birthday key celebrated between `lo` and `hi` (inclusive) → its days, each with
    the year it counts in (for the age)."""
    if (hi - lo).days > MAX_RANGE_DAYS:
        raise ValueError(f"birthday range too long: {lo} – {hi}")
    found: dict[BirthdayKey, list[tuple[date, int]]] = {}
    day = lo
    while day <= hi:
        for key, year in _keys_on(day):
            found.setdefault(key, []).append((day, year))
        day += timedelta(days=1)
    return found


def celebrated_on(birthday: Birthday, lo: date, hi: date) -> list[date]:
    """The days between `lo` and `hi` on which this birthday is celebrated."""
    key = (birthday.lunar, birthday.month, birthday.day, birthday.leap_month and birthday.lunar)
    return [day for day, _year in birthday_dates(lo, hi).get(key, [])]


def next_birthday(birthday: Birthday, start: date) -> date | None:
    """The first day on or after `start` on which this birthday is celebrated (within about a year)."""
    found = celebrated_on(birthday, start, start + timedelta(days=MAX_RANGE_DAYS - 1))
    return found[0] if found else None


def live_unindexed() -> ColumnElement[bool]:
    """"Not in the trash", in a form no index serves. Without statistics SQLite otherwise picks one of
    the (deleted_at, …) indexes and walks it row by row — 150 ms instead of 15 ms for a plain scan at
    100,000 customers, and slower than primary-key lookups for `id IN (…)`."""
    return func.coalesce(Customer.deleted_at, Customer.deleted_at).is_(None)


def birthdays_between(session: Session, lo: date, hi: date, *, where: Iterable[ColumnElement[bool]] = (),
                      customer_ids: list[int] | None = None) -> list[BirthdayOn]:
    """Live customers whose birthday falls between `lo` and `hi` (inclusive), soonest first.

    `where` adds conditions on the customer (a journey rule's tags or stage; not-in-the-trash is
    already there); `customer_ids` limits the search to these customers.
    """
    dates = birthday_dates(lo, hi)
    if not dates:
        return []
    wanted = [and_(Customer.birthday_lunar == lunar, Customer.birthday_month == month,
                   Customer.birthday_day == day, *([Customer.birthday_leap_month == leap] if lunar else []))
              for lunar, month, day, leap in dates]
    statement = select(Customer.id, Customer.remark_name, Customer.birthday_month, Customer.birthday_day,
                       Customer.birthday_year, Customer.birthday_lunar, Customer.birthday_leap_month) \
        .where(live_unindexed(), Customer.birthday_month.is_not(None), or_(*wanted), *where)
    rows: list[Any] = []
    for chunk in chunks(customer_ids) if customer_ids is not None else [None]:
        part = statement if chunk is None else statement.where(Customer.id.in_(chunk))
        rows.extend(session.connection().execute(part).all())
    found = []
    for cid, name, month, day, year, lunar, leap in rows:
        birthday = Birthday(month, day, year, bool(lunar), bool(leap) and bool(lunar))
        key = (birthday.lunar, month, day, birthday.leap_month)
        for on, counted_year in dates.get(key, []):
            found.append(BirthdayOn(cid, name, birthday, on, counted_year - year if year else None))
    found.sort(key=lambda b: (b.on, b.customer_name, b.customer_id))
    return found
