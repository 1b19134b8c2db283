"""关怀记录: entries, the yearly view per client, the neglected top clients, the trash and the timeline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from services import trash
from services.care import (
    care_totals,
    care_year,
    list_care,
    months_before,
    neglected_top_clients,
    save_care,
    trash_care,
)
from services.errors import ValidationError
from services.timeline import save_purchase, timeline
from tests.services.helpers import AddCustomer

TODAY = date.today()


def test_year_view_counts_and_costs(session: Session, add_customer: AddCustomer) -> None:
    li = add_customer("李娜")
    save_care(session, li, date(TODAY.year, 1, 20), "gift", "588", "春节礼盒")
    save_care(session, li, date(TODAY.year, 1, 2), "visit", 0, "上门喝茶")
    save_care(session, li, date(TODAY.year - 1, 9, 10), "gift", "300", "去年中秋月饼")
    year = care_year(session, li, TODAY.year)
    assert [e.note for e in year.entries] == ["春节礼盒", "上门喝茶"]
    assert year.total_cents == 58800
    assert year.by_kind == {"gift": 1, "visit": 1}
    assert year.summary() == f"{TODAY.year} 年为 李娜 做了 2 件事（礼物 1、拜访 1），花费 ¥588"
    assert care_year(session, li, TODAY.year - 1).total_cents == 30000


def test_bad_entries_are_refused(session: Session, add_customer: AddCustomer) -> None:
    li = add_customer("李娜")
    with pytest.raises(ValidationError) as caught:
        save_care(session, li, TODAY + timedelta(days=1), "party", "abc")
    assert set(caught.value.fields) == {"given_on", "kind", "cost"}
    with pytest.raises(ValidationError):
        save_care(session, None, TODAY, "gift")


def test_neglected_top_clients(session: Session, add_customer: AddCustomer) -> None:
    big, middle, small, never = (add_customer(n) for n in ("大客户", "中客户", "小客户", "没买过"))
    save_purchase(session, big, TODAY, "礼盒", 1, "20000")
    save_purchase(session, middle, TODAY, "礼盒", 1, "8000")
    save_purchase(session, small, TODAY, "礼盒", 1, "100")
    save_care(session, middle, TODAY - timedelta(days=10), "gift", "200")  # looked after lately
    save_care(session, big, TODAY - timedelta(days=200), "visit")  # long ago
    found = neglected_top_clients(session, months=3)
    assert [c.name for c in found] == ["大客户", "小客户"]
    assert found[0].last_care_on == TODAY - timedelta(days=200)
    assert never not in [c.customer_id for c in found]
    assert [c.name for c in neglected_top_clients(session, months=3, limit=1)] == ["大客户"]


def test_months_before() -> None:
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_trash_and_restore(session: Session, add_customer: AddCustomer) -> None:
    li = add_customer("李娜")
    entry = save_care(session, li, TODAY, "service", "0", "帮忙修茶具")
    assert trash_care(session, [entry]) == 1
    assert list_care(session) == []
    listed = [r for r in trash.list_trashed_records(session) if r.kind == "care"]
    assert [(r.id, r.customer_name) for r in listed] == [(entry, "李娜")]
    trash.restore_records(session, [("care", entry)])
    assert [e.id for e in list_care(session)] == [entry]


def test_filters_and_timeline(session: Session, add_customer: AddCustomer) -> None:
    li, wang = add_customer("李娜"), add_customer("王芳")
    save_care(session, li, TODAY, "gift", "100", "生日蛋糕")
    save_care(session, wang, TODAY - timedelta(days=40), "favour", "0", "帮孩子找学校")
    assert [e.customer_name for e in list_care(session, text="lina")] == ["李娜"]  # pinyin finds her
    assert [e.note for e in list_care(session, kind="favour")] == ["帮孩子找学校"]
    assert [e.note for e in list_care(session, start=TODAY - timedelta(days=7))] == ["生日蛋糕"]
    assert care_totals(session) == (2, 10000, 2)
    items = [i for i in timeline(session, li) if i.kind == "care"]
    assert [(i.title, i.body) for i in items] == [("礼物 ¥100", "生日蛋糕")]
