"""Birthdays: solar (公历) or lunar (农历), with or without the year."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from lunar_python import LunarYear

from services.i18n import t

LUNAR_MONTHS = ("正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
LUNAR_DAYS = ["初一", "初二", "初三", "初四", "初五", "初六", "初七", "初八", "初九", "初十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十", "廿一", "廿二", "廿三", "廿四", "廿五", "廿六", "廿七", "廿八", "廿九", "三十"]


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None
    lunar: bool = False
    leap_month: bool = False  # lunar only: 闰月

    def validate(self) -> Birthday:
        """Return self, or raise ValueError with a message the user can act on."""
        if not 1 <= self.month <= 12:
            raise ValueError(t("生日的月份应在1到12之间"))
        if self.year is not None and not 1900 <= self.year <= 2100:
            raise ValueError(t("生日的年份{year}不对", year=self.year))
        if self.lunar:
            self._validate_lunar()
        else:
            self._validate_solar()
        return self

    def _validate_solar(self) -> None:
        if self.leap_month:
            raise ValueError(t("公历生日没有闰月"))
        days = calendar.monthrange(self.year or 2000, self.month)[1]  # 2000: Feb 29 allowed
        if not 1 <= self.day <= days:
            raise ValueError(t("{month}月没有{day}日", month=self.month, day=self.day))

    def _validate_lunar(self) -> None:
        if not 1 <= self.day <= 30:
            raise ValueError(t("农历日期应在初一到三十之间"))
        if self.year is None:
            return
        lunar_year = LunarYear.fromYear(self.year)
        if self.leap_month and lunar_year.getLeapMonth() != self.month:
            raise ValueError(t("农历{year}年没有闰{month}月", year=self.year, month=self.month))
        month = lunar_year.getMonth(-self.month if self.leap_month else self.month)
        if month is None or self.day > month.getDayCount():
            raise ValueError(
                t("农历{year}年{month}月只有{days}天", year=self.year,
                  month=self.month, days=month.getDayCount() if month else 0)
            )

    def label(self) -> str:
        """How the birthday is shown: 1990-05-01, 05-01, 农历 1988 八月十五, 农历 闰四月初三."""
        if self.lunar:
            month = ("闰" if self.leap_month else "") + LUNAR_MONTHS[self.month - 1] + "月"
            year = f"{self.year} " if self.year else ""
            return f"{t('农历')} {year}{month}{LUNAR_DAYS[self.day - 1]}"
        if self.year:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"{self.month:02d}-{self.day:02d}"


LUNAR_PREFIXES = ("农历", "阴历")
_YMD = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:(?:\s+|T)\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?"  # a time of day, as some exports add: ignored
)
_COMPACT_YMD = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_MONTH_DAY = re.compile(r"(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?")
_CN_MONTHS = {"正": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "冬": 11, "十二": 12, "腊": 12}
_CN_DATE = re.compile(  # the way label() writes a lunar birthday, and the way people write one
    r"(?:(?P<y>\d{4})\s*年?\s*)?(?P<leap>闰)?\s*(?P<m>十一|十二|[正一二三四五六七八九十冬腊])月\s*"
    r"(?P<d>初[一二三四五六七八九十]|十[一二三四五六七八九]|二十|廿[一二三四五六七八九]|三十|\d{1,2}[日号]?)"
)


def read_birthday(text: str) -> Birthday | None:
    """The birthday written in `text`, not yet checked against the calendar; None when the text is
    not a birthday at all. Reads every form label() writes — 1990-05-01, 05-01, 农历 1988 八月十五,
    农历 闰四月初三 — and what people type: 1990/5/1, 1990年5月1日, 19900501, 5月1日, 5/1,
    农历1988-08-15, 阴历八月十五, 农历1990年闰五月初一. Lunar birthdays need the 农历/阴历 prefix."""
    body = text.strip()
    lunar = False
    for prefix in (*LUNAR_PREFIXES, t("农历")):
        if body[:len(prefix)].lower() == prefix.lower():
            lunar, body = True, body[len(prefix):].strip()
            break
    leap = body.startswith("闰")
    if leap:
        body = body[1:].strip()
    match = _YMD.fullmatch(body) or _COMPACT_YMD.fullmatch(body)
    if match is not None:
        return Birthday(int(match["m"]), int(match["d"]), int(match["y"]), lunar=lunar, leap_month=leap)
    match = _MONTH_DAY.fullmatch(body)
    if match is not None:
        return Birthday(int(match["m"]), int(match["d"]), lunar=lunar, leap_month=leap)
    match = _CN_DATE.fullmatch(body) if lunar else None
    if match is not None:
        return Birthday(_CN_MONTHS[match["m"]], _lunar_day(match["d"]), int(match["y"]) if match["y"] else None,
                        lunar=True, leap_month=leap or bool(match["leap"]))
    return None


def _lunar_day(text: str) -> int:
    """初三 → 3, 廿一 → 21; 15日 → 15."""
    return int(text.rstrip("日号")) if text[0].isdigit() else LUNAR_DAYS.index(text) + 1


def parse_birthday(text: str) -> Birthday | None:
    """Parse a birthday in any form read_birthday() reads (so every label() reads back as the same
    birthday). Empty → None; unreadable or impossible → ValueError with a message for the user."""
    raw = text.strip()
    if not raw:
        return None
    birthday = read_birthday(raw)
    if birthday is None:
        raise ValueError(t("看不懂生日“{text}”：请写成 1990-05-01 或 5月1日", text=raw))
    return birthday.validate()
