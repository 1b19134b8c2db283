"""Care reminders on Today: 节日关怀 before the chosen festivals (dates from the lunar calendar) and the
weekly 给TA点赞 items, each done client by client."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services import settings_store
from services.care import save_care
from services.care_reminders import (
    CARE_TAGS,
    DAYS_BEFORE,
    FESTIVALS,
    LIKE_LIMIT,
    LIKE_TAGS,
    festivals_between,
)
from services.tags import save_group, save_tag
from services.timeline import save_purchase
from services.today import complete_item, today_list
from tests.services.helpers import AddCustomer

MID_AUTUMN_2025 = date(2025, 10, 6)  # 八月十五
SPRING_2026 = date(2026, 2, 17)  # 正月初一


def test_festival_dates_come_from_the_lunar_calendar() -> None:
    assert festivals_between(date(2025, 10, 1), date(2025, 10, 10), ["中秋节"]) == [("中秋节", MID_AUTUMN_2025)]
    assert ("春节", SPRING_2026) in festivals_between(date(2026, 2, 10), date(2026, 2, 20))
    assert festivals_between(date(2025, 12, 30), date(2026, 1, 2), ["元旦", "妇女节"]) == [("元旦", date(2026, 1, 1))]


def _vip(session: Session, add_customer: AddCustomer) -> tuple[int, list[int]]:
    tag = save_tag(session, save_group(session, "客户等级"), "VIP")
    ids = [add_customer(name, tag_ids=[tag]) for name in ("王芳", "李娜")]
    add_customer("路人")
    return tag, ids


def test_festival_items_before_mid_autumn(session: Session, add_customer: AddCustomer) -> None:
    tag, (wang, li) = _vip(session, add_customer)
    settings_store.save(session, {FESTIVALS: ["中秋节"], DAYS_BEFORE: 7, CARE_TAGS: [tag]})
    assert today_list(session, date(2025, 9, 28)).count("care") == 0  # eight days before: not yet
    day = date(2025, 9, 30)  # six days before
    items = [i for i in today_list(session, day).items if i.kind == "care"]
    assert sorted(i.title for i in items) == ["中秋节关怀：李娜", "中秋节关怀：王芳"]
    assert all(i.due == MID_AUTUMN_2025 for i in items)
    # done for 王芳; logging a gift for 李娜 ticks hers too
    complete_item(session, next(i for i in items if i.customer_id == wang), "送了月饼")
    save_care(session, li, day, "gift", "288", "月饼礼盒")
    assert today_list(session, day).count("care") == 0
    assert today_list(session, date(2025, 10, 7)).count("care") == 0  # the festival is over


def test_weekly_like_items_done_per_client(session: Session, add_customer: AddCustomer) -> None:
    tag, (wang, li) = _vip(session, add_customer)
    save_purchase(session, li, date.today(), "礼盒", 1, "9000")  # the bigger spender comes first
    settings_store.save(session, {LIKE_TAGS: [tag]})
    monday, thursday = date(2025, 9, 29), date(2025, 10, 2)
    items = [i for i in today_list(session, thursday).items if i.kind == "like"]
    assert [i.title for i in items] == ["去朋友圈给 李娜 点赞或评论", "去朋友圈给 王芳 点赞或评论"]
    assert {i.key for i in items} == {f"like:{li}:{monday}", f"like:{wang}:{monday}"}
    complete_item(session, items[0], "")
    assert [i.customer_id for i in today_list(session, thursday).items if i.kind == "like"] == [wang]
    next_week = [i.customer_id for i in today_list(session, date(2025, 10, 6)).items if i.kind == "like"]
    assert next_week == [li, wang]  # a new week: everyone again
    settings_store.save(session, {LIKE_LIMIT: 1})
    assert today_list(session, date(2025, 10, 7)).count("like") == 1


def test_nobody_chosen_no_items(session: Session, add_customer: AddCustomer) -> None:
    _vip(session, add_customer)
    assert today_list(session, date(2025, 9, 30)).count("care") == 0
    assert today_list(session, date(2025, 9, 30)).count("like") == 0
