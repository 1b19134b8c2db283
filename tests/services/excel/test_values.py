"""Cell values as Excel, WPS and CSV files really hold them, turned into clean values — or refused
with one short line that names the problem and the value."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.birthday import Birthday
from services.excel.values import (
    cell_text,
    is_blank,
    parse_birthday,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_gender,
    parse_int,
    parse_money,
    parse_phone,
    split_tags,
)


def refused(parse: Callable[..., object], value: object, **options: object) -> str:
    with pytest.raises(ValueError) as caught:
        parse(value, **options)
    message = str(caught.value)
    assert message and "\n" not in message and "Error" not in message
    return message


# ---- text ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (None, ""),
    ("", ""),
    ("  张丽 \t", "张丽"),
    (13800138000.0, "13800138000"),  # Excel keeps every number as a float
    (13800138000, "13800138000"),
    (1280.5, "1280.5"),
    (0.1 + 0.2, "0.3"),  # what Excel shows, not the float's last digits
    (-3.0, "-3"),
    (1e20, "1e+20"),
    (math.nan, ""),
    (date(1990, 5, 1), "1990-05-01"),
    (datetime(1990, 5, 1), "1990-05-01"),
    (datetime(2024, 5, 1, 14, 30), "2024-05-01 14:30:00"),
    (time(14, 30), "14:30:00"),
    (True, "是"),
    (False, "否"),
    ("ＶＩＰ１２３", "VIP123"),  # full-width letters and digits
    ("喜欢红色，常买面膜。", "喜欢红色，常买面膜。"),  # Chinese punctuation stays as typed
    ("\u3000张丽\u3000", "张丽"),  # ideographic spaces
    ("\ufeff姓名", "姓名"),  # a BOM left on a CSV header
    ("张\u200b丽", "张丽"),  # a zero-width space from copy and paste
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # emoji sequences in WeChat names keep their joiners
])
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(("value", "blank"), [(None, True), ("", True), ("  \u3000", True), ("x", False), (0, False),
                                               (0.0, False), (False, False)])
def test_is_blank(value: object, blank: bool) -> None:
    assert is_blank(value) is blank


# ---- phone -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "phone"), [
    (13800138000, "13800138000"),
    (13800138000.0, "13800138000"),  # a phone stored as a number
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("+86-13800138000", "13800138000"),
    ("8613800138000", "13800138000"),
    (8613800138000.0, "13800138000"),
    ("１３８００１３８０００", "13800138000"),  # full-width digits
    ("13800138000.0", "13800138000"),  # as some programs write numbers into CSV
    (" 13800138000 ", "13800138000"),
    ("0571-88886666", "057188886666"),
    (57188886666.0, "057188886666"),  # a landline stored as a number lost its 0
    (2188886666, "02188886666"),
    (13810100000.0, "13810100000"),  # five zeros at the end can be a real number
    (None, ""),
    ("", ""),
    ("  ", ""),
])
def test_parse_phone(value: object, phone: str) -> None:
    assert parse_phone(value) == phone


@pytest.mark.parametrize(("value", "shown"), [
    ("1.38E+10", "1.38E+10"),
    ("1.38e10", "1.38E10"),
    ("1.38001E+10", "1.38001E+10"),
    (13800000000.0, "1.38E+10"),  # an 11-digit mobile ending in 8 zeros: rounded for display
    (13801000000.0, "1.3801E+10"),  # six zeros: still rounded (five could be a real number)
    (13801000000, "1.3801E+10"),  # the same as a whole number cell
    (1.23456789012345e16, "1.23457E+16"),
])
def test_a_phone_excel_turned_into_scientific_notation_is_refused(value: object, shown: str) -> None:
    assert refused(parse_phone, value) == (
        f"手机号被 Excel 存成了科学计数法（{shown}），后几位已经丢失，请把这一列设为文本后重新输入")


@pytest.mark.parametrize("value", ["1380013800", "12345", "abc", "138001380001", 138.5, math.nan, math.inf, True,
                                   -13800138000.0, "13800138000/13900139000", 0])
def test_parse_phone_refuses(value: object) -> None:
    refused(parse_phone, value)


def test_a_bad_phone_message_names_the_value() -> None:
    assert "1380013800" in refused(parse_phone, 1380013800.0)


# ---- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "day"), [
    (date(1990, 5, 1), date(1990, 5, 1)),
    (datetime(2024, 5, 1, 14, 30), date(2024, 5, 1)),
    (32874, date(1990, 1, 1)),  # an Excel serial number
    (32874.0, date(1990, 1, 1)),
    (45413.75, date(2024, 5, 1)),  # the time of day is ignored
    (1, date(1900, 1, 1)),
    (59, date(1900, 2, 28)),
    (61, date(1900, 3, 1)),  # Excel's phantom 1900-02-29 sits at 60
    (19900501, date(1990, 5, 1)),  # yyyymmdd typed as a number
    ("1990/5/1", date(1990, 5, 1)),
    ("1990-05-01", date(1990, 5, 1)),
    ("1990.5.1", date(1990, 5, 1)),
    ("1990年5月1日", date(1990, 5, 1)),
    ("1990年5月1号", date(1990, 5, 1)),
    ("1990 年 5 月 1 日", date(1990, 5, 1)),
    ("19900501", date(1990, 5, 1)),
    ("2024-05-01 14:30", date(2024, 5, 1)),
    ("2024/5/1 14:30:15", date(2024, 5, 1)),
    ("2024-05-01T14:30:00", date(2024, 5, 1)),
    ("１９９０－０５－０１", date(1990, 5, 1)),
    ("32874", date(1990, 1, 1)),  # a date column later formatted as text shows serials
])
def test_parse_date(value: object, day: date) -> None:
    assert parse_date(value) == day


def test_1904_serials() -> None:
    assert parse_date(31412, epoch_1904=True) == date(1990, 1, 1)
    assert parse_birthday(31412, epoch_1904=True) == Birthday(1, 1, 1990)


@pytest.mark.parametrize(("value", "reason"), [
    (60, "1900年2月29日"),
    (0, "1到100000"),
    (100001, "1到100000"),
    (-5, "1到100000"),
    (1e300, "不是日期"),
    (10**400, "太大"),
    (math.nan, "不是数字"),
    (math.inf, "不是数字"),
    ("1990-02-30", "不存在"),
    ("1990-13-01", "不存在"),
    ("5月1日", "看不懂"),  # a date needs its year (birthdays do not: see parse_birthday)
    ("明天", "看不懂"),
    ("1800-01-01", "1900年到2173年"),
    ("", "空"),
    (None, "空"),
    (True, "看不懂"),
    (time(14, 30), "是时间"),
    (timedelta(days=3), "是时间"),
])
def test_parse_date_refuses(value: object, reason: str) -> None:
    message = refused(parse_date, value)
    assert reason in message


@pytest.mark.parametrize(("value", "moment"), [
    ("2024-05-01 14:30", datetime(2024, 5, 1, 14, 30)),
    ("2024/5/1", datetime(2024, 5, 1)),
    (45413.5, datetime(2024, 5, 1, 12, 0)),
    (datetime(2024, 5, 1, 9, 5, 7), datetime(2024, 5, 1, 9, 5, 7)),
    (date(2024, 5, 1), datetime(2024, 5, 1)),
])
def test_parse_datetime(value: object, moment: datetime) -> None:
    assert parse_datetime(value) == moment


def test_parse_datetime_refuses_a_time_that_cannot_be() -> None:
    assert "不存在" in refused(parse_datetime, "2024-05-01 25:00")


# ---- birthdays -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "birthday"), [
    (date(1990, 5, 1), Birthday(5, 1, 1990)),
    (datetime(1990, 5, 1), Birthday(5, 1, 1990)),
    (32874, Birthday(1, 1, 1990)),
    (19900501, Birthday(5, 1, 1990)),
    ("1990/5/1", Birthday(5, 1, 1990)),
    ("1990年5月1日", Birthday(5, 1, 1990)),
    ("19900501", Birthday(5, 1, 1990)),
    ("5月1日", Birthday(5, 1)),  # no year: kept without one
    ("5月1号", Birthday(5, 1)),
    ("05-01", Birthday(5, 1)),
    ("5/1", Birthday(5, 1)),
    ("5.1", Birthday(5, 1)),
    ("2月29日", Birthday(2, 29)),  # fine without a year
    ("农历1988-08-15", Birthday(8, 15, 1988, lunar=True)),
    ("农历 8月15日", Birthday(8, 15, lunar=True)),
    ("阴历八月十五", Birthday(8, 15, lunar=True)),
    ("农历正月初一", Birthday(1, 1, lunar=True)),
    ("农历腊月廿三", Birthday(12, 23, lunar=True)),
    ("农历冬月三十", Birthday(11, 30, lunar=True)),
    ("农历闰四月初三", Birthday(4, 3, lunar=True, leap_month=True)),
    ("农历1988年八月十五", Birthday(8, 15, 1988, lunar=True)),
    ("农历1990年闰五月初一", Birthday(5, 1, 1990, lunar=True, leap_month=True)),
    (None, None),
    ("", None),
    (" ", None),
])
def test_parse_birthday(value: object, birthday: Birthday | None) -> None:
    assert parse_birthday(value) == birthday


@pytest.mark.parametrize("birthday", [
    Birthday(5, 1), Birthday(2, 29), Birthday(8, 15, 1988, lunar=True), Birthday(8, 15, lunar=True),
    Birthday(4, 3, lunar=True, leap_month=True), Birthday(2, 10, 2023, lunar=True, leap_month=True),
    Birthday(11, 21, lunar=True), Birthday(12, 30, 1990, lunar=True), Birthday(1, 1, lunar=True),
])
def test_every_birthday_an_export_writes_reads_back(birthday: Birthday) -> None:
    """The export writes these as the text the app shows (05-01, 农历 1988 八月十五, 农历 闰四月初三 …)."""
    assert parse_birthday(birthday.label()) == birthday


def test_a_solar_birthday_with_a_year_reads_back_from_the_date_cell_an_export_writes() -> None:
    assert parse_birthday(date(1979, 4, 10)) == Birthday(4, 10, 1979)
    assert parse_birthday("1979-04-10 00:00:00") == Birthday(4, 10, 1979)  # the same cell saved as CSV


@pytest.mark.parametrize(("value", "reason"), [
    ("2月30日", "生日“2月30日”不对：2月没有30日"),
    ("1990-02-29", "2月没有29日"),
    ("13月1日", "月份应在1到12之间"),
    ("农历十三月初一", "看不懂生日"),
    ("农历1988年闰五月初一", "农历1988年没有闰5月"),
    ("农历 2024 闰二月初一", "农历2024年没有闰2月"),
    ("闰5月1日", "公历生日没有闰月"),
    ("下个月", "看不懂生日“下个月”"),
    (5.1, "看不懂生日“5.1”"),  # "5.1" typed into Excel becomes the number 5.1
    (60, "1900年2月29日"),
    (True, "看不懂"),
])
def test_parse_birthday_refuses(value: object, reason: str) -> None:
    assert reason in refused(parse_birthday, value)


# ---- money and numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "cents"), [
    (1280.5, 128050),
    (1280, 128000),
    (0, 0),
    (0.1 + 0.2, 30),
    ("1280.50", 128050),
    ("￥1,280.50", 128050),
    ("¥1280", 128000),
    ("1280元", 128000),
    ("1,280", 128000),
    ("1，280", 128000),
    ("1.28万", 1280000),  # 12,800 元
    ("1.28万元", 1280000),
    ("￥2万", 2000000),
    ("RMB 99", 9900),
    ("人民币99元", 9900),
    ("  ９９  ", 9900),
])
def test_parse_money(value: object, cents: int) -> None:
    assert parse_money(value) == cents


@pytest.mark.parametrize(("value", "reason"), [
    (-5, "负数"),
    ("-5", "负数"),
    ("￥-1,280", "负数"),
    ("abc", "金额“abc”不是数字"),
    ("1.2.3", "不是数字"),
    ("万", "不是数字"),
    (math.nan, "不是数字"),
    (math.inf, "不是数字"),
    (1e15, "太大"),
    (10**30, "太大"),
    ("1000000000", "太大"),
    ("", "空"),
    (True, "看不懂"),
])
def test_parse_money_refuses(value: object, reason: str) -> None:
    assert reason in refused(parse_money, value)


@pytest.mark.parametrize(("value", "number"), [(3, 3), (3.0, 3), ("3", 3), (" 1,200 ", 1200), ("3.0", 3),
                                               ("-2", -2), ("＋5", 5)])
def test_parse_int(value: object, number: int) -> None:
    assert parse_int(value) == number


@pytest.mark.parametrize(("value", "reason"), [(3.5, "不是整数"), ("3.5", "不是整数"), ("三", "不是整数"),
                                               ("", "空"), (math.nan, "不是数字"), (True, "看不懂")])
def test_parse_int_refuses(value: object, reason: str) -> None:
    assert reason in refused(parse_int, value)


def test_parse_int_minimum() -> None:
    assert parse_int(1, minimum=1) == 1
    assert refused(parse_int, 0, minimum=1) == "“0”不能小于1"


# ---- choices ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "gender"), [
    ("男", "男"), ("女", "女"), ("先生", "男"), ("女士", "女"), ("小姐", "女"), ("M", "男"), ("f", "女"),
    ("Male", "男"), ("FEMALE", "女"), ("man", "男"), ("Woman", "女"), (" 男 ", "男"), ("Ｍ", "男"),
    ("", ""), (None, ""), ("未知", ""), ("保密", ""),
])
def test_parse_gender(value: object, gender: str) -> None:
    assert parse_gender(value) == gender


@pytest.mark.parametrize("value", ["x", "男女", "1", 1.0, True])
def test_parse_gender_refuses(value: object) -> None:
    assert "请填 男 或 女" in refused(parse_gender, value)


@pytest.mark.parametrize(("value", "tags"), [
    ("VIP；老客", ["VIP", "老客"]),
    ("VIP;老客, 宝妈，油皮、敏感肌/学生|白领 夜猫子", ["VIP", "老客", "宝妈", "油皮", "敏感肌", "学生", "白领", "夜猫子"]),
    (" VIP ；；VIP，老客 ", ["VIP", "老客"]),  # de-duplicated, in order
    ("ＶＩＰ", ["VIP"]),
    ("", []),
    (None, []),
    (2024.0, ["2024"]),
])
def test_split_tags(value: object, tags: list[str]) -> None:
    assert split_tags(value) == tags


@pytest.mark.parametrize(("value", "truth"), [
    ("是", True), ("否", False), ("yes", True), ("NO", False), ("y", True), ("n", False), ("TRUE", True),
    ("false", False), ("1", True), ("0", False), (1, True), (0.0, False), ("√", True), ("×", False),
    ("✓", True), ("✔", True), ("✗", False), (True, True), (False, False),
])
def test_parse_bool(value: object, truth: bool) -> None:
    assert parse_bool(value) is truth


@pytest.mark.parametrize("value", ["也许", 2, "", None])
def test_parse_bool_refuses(value: object) -> None:
    refused(parse_bool, value)


# ---- anything at all -------------------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.text(), st.text(alphabet="0123456789０１２３.,-+ eE年月日号/:农历闰万元￥¥"),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.integers(min_value=-(10**400), max_value=10**400),
    st.dates(), st.datetimes(), st.times(), st.timedeltas(),
)

PARSERS: list[tuple[Callable[[object], object], type | tuple[type, ...]]] = [
    (cell_text, str), (parse_phone, str), (parse_date, date), (parse_datetime, datetime),
    (parse_birthday, (Birthday, type(None))), (parse_money, int), (parse_gender, str), (split_tags, list),
    (parse_int, int), (parse_bool, bool), (is_blank, bool),
]


@settings(max_examples=400, deadline=None)
@given(value=ANY_CELL)
def test_every_parser_returns_its_type_or_refuses_with_a_value_error(value: object) -> None:
    for parse, expected in PARSERS:
        try:
            result = parse(value)
        except ValueError as error:
            assert str(error), parse.__name__
        else:
            assert isinstance(result, expected), (parse.__name__, value, result)
            if parse is parse_date:
                assert date(1900, 1, 1) <= result <= date(2173, 10, 14)  # type: ignore[operator]
            if parse is parse_money:
                assert 0 <= result <= 10_000_000_000  # type: ignore[operator]
