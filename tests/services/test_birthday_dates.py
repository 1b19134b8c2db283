"""Where birthdays fall on this year's calendar: 农历 months without a 三十, leap months, 2月29日,
birthdays without a year — and the customers found in SQL for a range of days.

Reference dates (from published calendars): 2025 has 闰六月 (闰六月初一 = 2025-07-25) and no 年三十
(除夕 = 腊月廿九 = 2025-01-28); 2024's 除夕 was 腊月三十 = 2024-02-09; 2023 has 闰二月 (29 days,
2023-03-22 … 04-19) after a 30-day 二月 (二月三十 = 2023-03-21); 中秋 2026 = 2026-09-25.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.birthday import Birthday
from services.birthday_dates import birthdays_between, celebrated_on, next_birthday
from services.customers import trash_customers
from tests.services.helpers import AddCustomer


def lunar(month: int, day: int, *, leap: bool = False, year: int | None = None) -> Birthday:
    return Birthday(month, day, year, lunar=True, leap_month=leap)


def test_lunar_thirtieth_is_kept_on_the_twenty_ninth_when_the_month_is_short() -> None:
    chuxi = lunar(12, 30)
    assert celebrated_on(chuxi, date(2025, 1, 20), date(2025, 2, 5)) == [date(2025, 1, 28)]  # 腊月只有29天
    assert celebrated_on(chuxi, date(2024, 2, 1), date(2024, 2, 15)) == [date(2024, 2, 9)]  # 腊月三十
    # 2023: 二月 has 30 days, the 闰二月 after it only 29.
    assert celebrated_on(lunar(2, 30), date(2023, 3, 1), date(2023, 4, 30)) == [date(2023, 3, 21)]
    assert celebrated_on(lunar(2, 30, leap=True), date(2023, 3, 1), date(2023, 4, 30)) == [date(2023, 4, 19)]


def test_leap_month_birthdays_use_the_leap_month_only_in_a_year_that_has_it() -> None:
    born_in_leap_sixth = lunar(6, 1, leap=True, year=1990)
    assert celebrated_on(born_in_leap_sixth, date(2025, 6, 1), date(2025, 8, 31)) == [date(2025, 7, 25)]
    assert next_birthday(born_in_leap_sixth, date(2026, 1, 1)) == date(2026, 7, 14)  # no 闰六月: 六月初一
    # Born in the ordinary 六月: in 2025 the birthday is in 六月, not again in 闰六月.
    assert celebrated_on(lunar(6, 1), date(2025, 6, 1), date(2025, 8, 31)) == [date(2025, 6, 25)]


def test_solar_birthdays_and_february_29() -> None:
    leap_day = Birthday(2, 29)
    assert celebrated_on(leap_day, date(2026, 2, 20), date(2026, 3, 5)) == [date(2026, 2, 28)]
    assert celebrated_on(leap_day, date(2028, 2, 20), date(2028, 3, 5)) == [date(2028, 2, 29)]
    assert next_birthday(Birthday(11, 28), date(2026, 11, 29)) == date(2027, 11, 28)
    assert next_birthday(lunar(8, 15), date(2026, 1, 1)) == date(2026, 9, 25)  # 中秋


def test_birthdays_between_finds_customers_with_age_and_without_a_year(
        session: Session, add_customer: AddCustomer) -> None:
    solar = add_customer("张丽", birthday=Birthday(9, 20, 1990))
    no_year = add_customer("王芳", birthday=Birthday(9, 25))
    mid_autumn = add_customer("李娜", birthday=Birthday(8, 15, 1988, lunar=True))
    add_customer("赵磊", birthday=Birthday(9, 27))  # a day too late
    add_customer("陈静")  # no birthday
    gone = add_customer("周敏", birthday=Birthday(9, 21))
    trash_customers(session, [gone])

    found = birthdays_between(session, date(2026, 9, 19), date(2026, 9, 26))
    assert [(b.customer_id, b.on, b.age) for b in found] == [
        (solar, date(2026, 9, 20), 36), (mid_autumn, date(2026, 9, 25), 38), (no_year, date(2026, 9, 25), None)]
    assert [b.customer_id for b in birthdays_between(session, date(2026, 9, 19), date(2026, 9, 26),
                                                     customer_ids=[no_year])] == [no_year]
