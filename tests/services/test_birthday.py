"""Birthdays: solar and lunar (农历), with or without the year, checked against the calendar."""

from __future__ import annotations

import pytest
from lunar_python import LunarYear
from sqlalchemy.orm import Session

from services.birthday import Birthday, parse_birthday
from services.customers import CustomerInput, create_customer, get_customer
from services.errors import ValidationError
from tests.services.helpers import customers_in_db


def _short_lunar_month(year: int) -> int:
    """A (non-leap) lunar month of `year` that has only 29 days."""
    lunar_year = LunarYear.fromYear(year)
    return next(m.getMonth() for m in lunar_year.getMonths()
                if m.getYear() == year and m.getMonth() > 0 and m.getDayCount() == 29)


def test_lunar_30th_of_a_29_day_month_is_refused() -> None:
    month = _short_lunar_month(2023)
    Birthday(month, 29, 2023, lunar=True).validate()
    with pytest.raises(ValueError, match="只有29天"):
        Birthday(month, 30, 2023, lunar=True).validate()


def test_lunar_30th_without_a_year_is_accepted() -> None:
    Birthday(_short_lunar_month(2023), 30, lunar=True).validate()


def test_leap_month_must_exist_that_year() -> None:
    assert LunarYear.fromYear(2023).getLeapMonth() == 2
    assert LunarYear.fromYear(2024).getLeapMonth() == 0
    Birthday(2, 10, 2023, lunar=True, leap_month=True).validate()
    with pytest.raises(ValueError, match="农历2024年没有闰2月"):
        Birthday(2, 10, 2024, lunar=True, leap_month=True).validate()
    with pytest.raises(ValueError, match="农历2023年没有闰3月"):
        Birthday(3, 10, 2023, lunar=True, leap_month=True).validate()


def test_a_short_leap_month_has_no_30th() -> None:
    year, month = next((y, -m.getMonth()) for y in range(2020, 2040) for m in LunarYear.fromYear(y).getMonths()
                       if m.getYear() == y and m.getMonth() < 0 and m.getDayCount() == 29)
    Birthday(month, 29, year, lunar=True, leap_month=True).validate()
    with pytest.raises(ValueError, match="只有29天"):
        Birthday(month, 30, year, lunar=True, leap_month=True).validate()


@pytest.mark.parametrize("birthday", [
    Birthday(2, 29), Birthday(2, 29, 2000), Birthday(12, 31, 1990), Birthday(8, 15, 1988, lunar=True),
])
def test_real_dates_are_accepted(birthday: Birthday) -> None:
    assert birthday.validate() is birthday


@pytest.mark.parametrize(("birthday", "message"), [
    (Birthday(2, 29, 2001), "2月没有29日"),
    (Birthday(2, 30), "2月没有30日"),
    (Birthday(4, 31), "4月没有31日"),
    (Birthday(13, 1), "月份应在1到12之间"),
    (Birthday(1, 0), "1月没有0日"),
    (Birthday(5, 1, 1850), "年份1850不对"),
    (Birthday(5, 1, leap_month=True), "公历生日没有闰月"),
    (Birthday(5, 31, lunar=True), "农历日期应在初一到三十之间"),
])
def test_impossible_dates_are_refused(birthday: Birthday, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        birthday.validate()


@pytest.mark.parametrize(("typed", "expected"), [
    ("1990-05-01", Birthday(5, 1, 1990)),
    ("1990/5/1", Birthday(5, 1, 1990)),
    ("1990年5月1日", Birthday(5, 1, 1990)),
    ("5月1日", Birthday(5, 1)),
    ("05-01", Birthday(5, 1)),
    ("农历 1988-08-15", Birthday(8, 15, 1988, lunar=True)),
    ("农历闰2月10日", Birthday(2, 10, lunar=True, leap_month=True)),
    ("", None),
])
def test_parse_what_people_type(typed: str, expected: Birthday | None) -> None:
    assert parse_birthday(typed) == expected


# Every form label() (and so the Excel export) writes, and the forms people type for the same birthdays.
EXPORTED_FORMS = [
    ("1990-05-01", Birthday(5, 1, 1990)),  # solar with a year
    ("05-01", Birthday(5, 1)),  # solar without a year
    ("5月1日", Birthday(5, 1)),
    ("02-29", Birthday(2, 29)),  # a leap day without a year
    ("农历 1988 八月十五", Birthday(8, 15, 1988, lunar=True)),  # lunar with a year
    ("农历 八月十五", Birthday(8, 15, lunar=True)),  # lunar without a year
    ("农历 闰四月初三", Birthday(4, 3, lunar=True, leap_month=True)),  # leap month without a year
    ("农历 2023 闰二月初十", Birthday(2, 10, 2023, lunar=True, leap_month=True)),  # leap month with a year
    ("农历 正月初一", Birthday(1, 1, lunar=True)),
    ("农历 十月二十", Birthday(10, 20, lunar=True)),
    ("农历 冬月廿一", Birthday(11, 21, lunar=True)),
    ("农历 1990 腊月三十", Birthday(12, 30, 1990, lunar=True)),
    ("农历1988年八月十五", Birthday(8, 15, 1988, lunar=True)),
    ("阴历闰四月初三", Birthday(4, 3, lunar=True, leap_month=True)),
]


@pytest.mark.parametrize(("text", "expected"), EXPORTED_FORMS)
def test_parse_reads_every_exported_form(text: str, expected: Birthday) -> None:
    assert parse_birthday(text) == expected


@pytest.mark.parametrize("birthday", [b for _, b in EXPORTED_FORMS])
def test_a_label_reads_back_as_the_same_birthday(birthday: Birthday) -> None:
    assert parse_birthday(birthday.label()) == birthday


@pytest.mark.parametrize("typed", ["明天", "1990-02-30", "2001年2月29日", "农历 十三月初一", "农历 2024 闰二月初一",
                                   "闰5月1日"])
def test_parse_refuses_nonsense(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_birthday(typed)


@pytest.mark.parametrize(("birthday", "label"), [
    (Birthday(5, 1, 1990), "1990-05-01"),
    (Birthday(5, 1), "05-01"),
    (Birthday(8, 15, 1988, lunar=True), "农历 1988 八月十五"),
    (Birthday(4, 3, lunar=True, leap_month=True), "农历 闰四月初三"),
    (Birthday(12, 30, lunar=True), "农历 腊月三十"),
])
def test_label(birthday: Birthday, label: str) -> None:
    assert birthday.label() == label


def test_customer_keeps_a_lunar_birthday(session: Session) -> None:
    birthday = Birthday(2, 10, 2023, lunar=True, leap_month=True)
    customer = create_customer(session, CustomerInput(remark_name="张丽", birthday=birthday))
    assert CustomerInput.of(get_customer(session, customer.id)).birthday == birthday


def test_customer_with_an_impossible_lunar_birthday_is_not_saved(session: Session) -> None:
    birthday = Birthday(_short_lunar_month(2023), 30, 2023, lunar=True)
    with pytest.raises(ValidationError) as caught:
        create_customer(session, CustomerInput(remark_name="张丽", birthday=birthday))
    assert list(caught.value.fields) == ["birthday"]
    session.rollback()
    assert customers_in_db(session) == 0
