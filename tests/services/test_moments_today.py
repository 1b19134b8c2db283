"""今天 shows the 朋友圈 posts due; done publishes them, snooze moves them to another day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from services import moments as m
from services.accounts import save_account
from services.tags import save_group, save_tag
from services.today import complete_item, snooze_item, today_list
from services.today_extra import post_items

D = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0)


def add(session: Session, when: datetime, text: str, **fields: object) -> int:
    return m.create_post(session, m.PostInput(when, text, **fields))  # type: ignore[arg-type]


def test_post_items_today_and_overdue(session: Session) -> None:
    account = save_account(session, "工作号1")
    group = save_group(session, "兴趣")
    tag = save_tag(session, group, "白茶")
    pillar = next(p.id for p in m.list_pillars(session) if p.name == "活动福利")
    late = add(session, datetime(2026, 3, 8, 20, 0), "周日的没发")
    morning = add(session, datetime(2026, 3, 10, 8, 30), "会员日\n今晚八点", account_id=account, pillar_id=pillar,
                  visibility="except_tags", tag_ids=(tag,))
    evening = add(session, datetime(2026, 3, 10, 20, 0), "晚安")
    add(session, datetime(2026, 3, 10, 9, 0), "草稿", status="draft")
    add(session, datetime(2026, 2, 20, 9, 0), "太久以前")
    add(session, datetime(2026, 3, 11, 9, 0), "明天的")

    items = post_items(session, D, now=NOW)
    assert [i.record_id for i in items] == [late, morning, evening]
    assert [i.overdue for i in items] == [True, True, False]
    first, second = items[0], items[1]
    assert (second.kind, second.key, second.group, second.title) == ("post", f"post:{morning}", "post", "会员日")
    assert second.text == "会员日\n今晚八点"
    assert second.detail == "08:30 · 工作号1 · 活动福利 · 不给谁看：白茶"
    assert first.detail.startswith("03-08 20:00") and first.due == date(2026, 3, 8)


def test_done_publishes_and_snooze_moves(session: Session) -> None:
    day = date.today()
    pid = add(session, datetime.combine(day, datetime.min.time()).replace(hour=0, minute=1), "今天要发的")
    listed = today_list(session, day)
    item = next(i for i in listed.items if i.kind == "post")
    assert item.record_id == pid and any(g.key == "post" for g in listed.groups)

    complete_item(session, item, "发了，20个赞")
    row = m.get_post(session, pid)
    assert row.status == "published" and row.published_at is not None and row.note == "发了，20个赞"
    assert not [i for i in today_list(session, day).items if i.kind == "post"]

    other = add(session, datetime.combine(day, datetime.min.time()).replace(hour=0, minute=2), "推到后天")
    item = next(i for i in today_list(session, day).items if i.kind == "post")
    assert item.record_id == other
    snooze_item(session, item, day + timedelta(days=2), day)
    assert m.get_post(session, other).planned_at == datetime.combine(day + timedelta(days=2),
                                                                     datetime.min.time()).replace(minute=2)
    assert m.get_post(session, other).status == "scheduled"
    assert not [i for i in today_list(session, day).items if i.kind == "post"]
