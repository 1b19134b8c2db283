"""The Chinese calendar of a day: 农历 date, 节气, public holidays (放假 / 调休上班) and festivals.

Everything comes from lunar-python (its HolidayUtil carries the State Council's yearly holiday
notices; a year it does not know yet simply has no holidays), never from hand-written tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from lunar_python import Solar
from lunar_python.util import HolidayUtil

from services.i18n import t

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
# Festivals worth a seller's attention (lunar-python lists many more, e.g. 植树节).
_FESTIVAL_NAMES = {"元旦节": "元旦"}  # lunar-python's name → the one sellers write
SELLING_FESTIVALS = ("元旦", "情人节", "妇女节", "劳动节", "青年节", "儿童节", "国庆节", "圣诞节", "春节", "元宵节",
                     "端午节", "七夕节", "中秋节", "重阳节", "腊八节", "除夕", "母亲节", "父亲节", "平安夜")


@dataclass(frozen=True)
class DayInfo:
    day: date
    weekday: str  # 星期一 …
    lunar: str  # 十月初五
    jieqi: str = ""  # 节气 falling on this day, e.g. 小雪
    holiday: str = ""  # public holiday name, e.g. 国庆节
    work_day: bool = False  # 调休上班 (a weekend day that is a working day)
    festivals: tuple[str, ...] = field(default_factory=tuple)  # 中秋节, 情人节 …

    def marks(self) -> list[str]:
        """Short words to show after the date: 小雪, 国庆节 放假, 调休上班, 中秋节."""
        found = []
        if self.holiday:
            found.append(t("{name} 调休上班", name=self.holiday) if self.work_day
                         else t("{name} 放假", name=self.holiday))
        found.extend(f for f in self.festivals if f not in self.holiday)
        if self.jieqi:
            found.append(self.jieqi)
        return found


def day_info(day: date) -> DayInfo:
    solar = Solar.fromYmd(day.year, day.month, day.day)
    lunar = solar.getLunar()
    holiday = HolidayUtil.getHoliday(day.year, day.month, day.day)
    named = (_FESTIVAL_NAMES.get(f, f) for f in (*lunar.getFestivals(), *solar.getFestivals()))
    festivals = [f for f in named if f in SELLING_FESTIVALS]
    return DayInfo(
        day=day, weekday=t(WEEKDAYS[day.weekday()]),
        lunar=f"{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}",
        jieqi=lunar.getJieQi() or "", holiday=holiday.getName() if holiday else "",
        work_day=bool(holiday and holiday.isWork()), festivals=tuple(dict.fromkeys(festivals)),
    )


def coming_days(start: date, days: int = 14) -> list[DayInfo]:
    """The days after `start` (not `start` itself) within `days` that carry a festival, 节气 or holiday
    start — what a seller plans posts and greetings around."""
    found = []
    previous_holiday = day_info(start).holiday
    for offset in range(1, days + 1):
        info = day_info(start + timedelta(days=offset))
        starts_holiday = bool(info.holiday) and not info.work_day and info.holiday != previous_holiday
        previous_holiday = info.holiday if not info.work_day else previous_holiday
        if info.festivals or info.jieqi or starts_holiday:
            found.append(info)
    return found
