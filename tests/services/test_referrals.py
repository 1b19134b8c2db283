"""转介绍 and 裂变活动: one referrer per customer, no cycles, the tree, the leaderboard, campaign numbers,
rewards owed, the 回收站 and the layers they feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Customer, Referral
from services import campaigns as cp
from services import referrals as rf
from services.customers import trash_customers
from services.errors import NotFoundError, ValidationError
from services.timeline import save_purchase
from tests.services.helpers import AddCustomer

TODAY = date.today()


def buy(session: Session, customer_id: int, yuan: int, days_ago: int = 3) -> None:
    save_purchase(session, customer_id, TODAY - timedelta(days=days_ago), "普洱", 1, str(yuan))


@pytest.fixture
def people(add_customer: AddCustomer) -> dict[str, int]:
    return {name: add_customer(name) for name in ("王姐", "李老师", "张总", "赵阿姨", "陈哥", "周姐")}


def test_log_and_read_a_referral(session: Session, people: dict[str, int]) -> None:
    rid = rf.log_referral(session, people["王姐"], people["李老师"], method="拼团", reward_kind="红包",
                          reward_value_cents=5000, reward_status="待发放", reward="  送茶样 ", note="群里拉来的")
    row = rf.referral_of(session, people["李老师"])
    assert row is not None and row.id == rid
    assert (row.referrer_name, row.referee_name, row.method, row.referred_on) == ("王姐", "李老师", "拼团", TODAY)
    assert row.reward_text == "红包 ¥50 · 送茶样"
    assert rf.referral_of(session, people["王姐"]) is None
    assert [r.referee_name for r in rf.referrals_by(session, people["王姐"])] == ["李老师"]
    assert rf.referred_count(session, people["王姐"]) == 1


def test_self_referral_and_unknown_method_are_refused(session: Session, people: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        rf.log_referral(session, people["王姐"], people["王姐"])
    assert caught.value.fields["referrer_id"] == "介绍人不能是客户自己"
    with pytest.raises(ValidationError) as caught:
        rf.log_referral(session, people["王姐"], people["李老师"], method="抖音")
    assert "方式“抖音”不对" in caught.value.fields["method"]
    with pytest.raises(ValidationError) as caught:
        rf.log_referral(session, people["王姐"], people["李老师"], referred_on=TODAY + timedelta(days=1))
    assert "referred_on" in caught.value.fields
    assert session.scalars(select(Referral)).all() == []


def test_a_customer_has_one_referrer(session: Session, people: dict[str, int]) -> None:
    rf.log_referral(session, people["王姐"], people["李老师"])
    with pytest.raises(ValidationError) as caught:
        rf.log_referral(session, people["张总"], people["李老师"])
    assert caught.value.fields["referee_id"] == "李老师已经是王姐介绍来的，一位客户只能有一位介绍人"


def test_cycles_are_refused_naming_the_chain(session: Session, people: dict[str, int]) -> None:
    a, b, c, d = (people[n] for n in ("王姐", "李老师", "张总", "赵阿姨"))
    rf.log_referral(session, a, b)
    rf.log_referral(session, b, c)
    rf.log_referral(session, c, d)
    with pytest.raises(ValidationError) as caught:
        rf.log_referral(session, d, a)  # 赵阿姨 was brought (via 张总, 李老师) by 王姐
    message = caught.value.fields["referrer_id"]
    assert "王姐 → 李老师 → 张总 → 赵阿姨 → 王姐" in message
    with pytest.raises(ValidationError):
        rf.log_referral(session, b, a)  # the shortest loop
    assert rf.cycle_chain(session, a, people["陈哥"]) is None


def test_editing_a_referral_checks_again_but_not_against_itself(session: Session, people: dict[str, int]) -> None:
    a, b, c = people["王姐"], people["李老师"], people["张总"]
    rid = rf.log_referral(session, a, b)
    rf.log_referral(session, b, c)
    assert rf.update_referral(session, rid, method="分销", note="改了") == rid  # its own link is no loop
    assert rf.get_referral(session, rid).method == "分销"
    with pytest.raises(ValidationError) as caught:
        rf.update_referral(session, rid, referrer_id=c)  # 张总 → 李老师 → 张总
    assert "李老师 → 张总 → 李老师" in caught.value.fields["referrer_id"]  # 李老师 brought 张总
    session.rollback()
    assert rf.get_referral(session, rid).referrer_id == a


def test_trash_frees_the_referee_and_restore_checks_cycles(session: Session, people: dict[str, int]) -> None:
    a, b, c = people["王姐"], people["李老师"], people["张总"]
    first = rf.log_referral(session, a, b)
    assert rf.trash_referrals(session, [first]) == 1
    assert rf.referral_of(session, b) is None
    assert [t.id for t in rf.list_trashed_referrals(session)] == [first]
    assert rf.restore_referrals(session, [first]) == 1
    assert rf.referral_of(session, b) is not None
    rf.trash_referrals(session, [first])
    second = rf.log_referral(session, c, b)  # the trashed one gives way
    assert rf.referral_of(session, b).referrer_id == c  # type: ignore[union-attr]
    assert session.scalars(select(Referral.id)).all() == [second]
    # A trashed link that would now close a loop cannot come back.
    rf.trash_referrals(session, [second])  # 张总 → 李老师, in the 回收站
    rf.log_referral(session, b, c)  # 李老师 → 张总
    with pytest.raises(ValidationError) as caught:
        rf.restore_referrals(session, [second])
    assert "李老师 → 张总 → 李老师" in caught.value.fields["referrer_id"]
    assert rf.purge_referrals(session, None) == 1
    assert rf.list_trashed_referrals(session) == []


def test_rewards_owed_and_marking_paid(session: Session, people: dict[str, int]) -> None:
    r1 = rf.log_referral(session, people["王姐"], people["李老师"], reward_kind="红包", reward_value_cents=5000,
                         reward_status="待发放", referred_on=TODAY - timedelta(days=10))
    r2 = rf.log_referral(session, people["王姐"], people["张总"], reward_kind="礼品", reward_value_cents=12800,
                         reward_status="待发放", referred_on=TODAY - timedelta(days=20))
    rf.log_referral(session, people["王姐"], people["赵阿姨"], reward_status="已发放", reward_value_cents=999)
    owed = rf.rewards_owed(session)
    assert [r.id for r in owed] == [r2, r1]  # oldest first
    assert rf.owed_total(owed) == 17800
    assert rf.set_reward_status(session, [r1, r2, r1], "已发放") == 2
    assert rf.rewards_owed(session) == []
    with pytest.raises(ValidationError):
        rf.set_reward_status(session, [r1], "发了")


def test_list_filters(session: Session, people: dict[str, int]) -> None:
    camp = cp.create_campaign(session, "春茶拼团", method="拼团", starts_on=TODAY - timedelta(days=30))
    rf.log_referral(session, people["王姐"], people["李老师"], method="拼团", campaign_id=camp,
                    referred_on=TODAY - timedelta(days=5), reward_status="待发放")
    rf.log_referral(session, people["张总"], people["赵阿姨"], method="口碑", referred_on=TODAY - timedelta(days=40),
                    note="老同学")
    assert [r.referee_name for r in rf.list_referrals(session)] == ["李老师", "赵阿姨"]  # newest first
    assert [r.referee_name for r in rf.list_referrals(session, text="wang")] == ["李老师"]  # pinyin of 王姐
    assert [r.referee_name for r in rf.list_referrals(session, text="同学")] == ["赵阿姨"]
    assert [r.referee_name for r in rf.list_referrals(session, method="口碑")] == ["赵阿姨"]
    assert [r.campaign_name for r in rf.list_referrals(session, campaign_id=camp)] == ["春茶拼团"]
    assert [r.referee_name for r in rf.list_referrals(session, campaign_id=rf.NO_CAMPAIGN)] == ["赵阿姨"]
    assert [r.referee_name for r in rf.list_referrals(session, reward_status="待发放")] == ["李老师"]
    assert [r.referee_name for r in rf.list_referrals(session, start=TODAY - timedelta(days=30))] == ["李老师"]
    assert [r.referee_name for r in rf.list_referrals(session, end=TODAY - timedelta(days=30))] == ["赵阿姨"]
    trash_customers(session, [people["赵阿姨"]])
    assert [r.referee_name for r in rf.list_referrals(session)] == ["李老师"]  # a trashed customer hides it


def test_tree_depth_and_totals(session: Session, add_customer: AddCustomer) -> None:
    root, a, b, a1, a2, a1x = (add_customer(n) for n in ("根", "甲", "乙", "甲一", "甲二", "甲一一"))
    for referrer, referee, days in ((root, a, 30), (root, b, 20), (a, a1, 15), (a, a2, 10), (a1, a1x, 5)):
        rf.log_referral(session, referrer, referee, referred_on=TODAY - timedelta(days=days))
    buy(session, a, 300)
    buy(session, a, 200)
    buy(session, a1x, 1000)
    buy(session, root, 50)
    tree = rf.referral_tree(session, root)
    assert [c.name for c in tree.children] == ["甲", "乙"]
    assert [c.name for c in tree.children[0].children] == ["甲一", "甲二"]
    assert tree.children[0].children[0].children[0].name == "甲一一"
    assert (tree.depth, tree.downline, tree.downline_buyers) == (3, 5, 2)
    assert tree.downline_spent_cents == 150000  # 500 + 1000 元; the root's own 50 元 not counted
    first = tree.children[0]
    assert (first.purchase_count, first.total_spent_cents, first.level, first.referred_on) == (
        2, 50000, 1, TODAY - timedelta(days=30))
    shallow = rf.referral_tree(session, root, depth=2)
    assert (shallow.depth, shallow.downline) == (2, 4)
    assert rf.referral_tree(session, root, depth=0).children == []
    assert rf.referral_tree(session, b).children == []
    trash_customers(session, [a1])
    assert rf.referral_tree(session, root).downline == 3  # 甲一 and the one 甲一 brought are gone
    with pytest.raises(NotFoundError):
        rf.referral_tree(session, a1)


def test_leaderboard_ranks_and_sums(session: Session, add_customer: AddCustomer) -> None:
    kol, mid, small = add_customer("大KOC"), add_customer("中KOC"), add_customer("小KOC")
    spend = {"a": 800, "b": 0, "c": 200, "d": 500, "e": 1200, "f": 0}
    ids = {k: add_customer(f"新客{k}") for k in spend}
    for key, yuan in spend.items():
        if yuan:
            buy(session, ids[key], yuan)
    old = TODAY - timedelta(days=100)
    rf.log_referral(session, kol, ids["a"], referred_on=old)
    rf.log_referral(session, kol, ids["b"])
    rf.log_referral(session, kol, ids["c"])
    rf.log_referral(session, mid, ids["d"])
    rf.log_referral(session, mid, ids["e"], referred_on=old)
    rf.log_referral(session, small, ids["f"])
    board = rf.leaderboard(session)
    assert [(r.rank, r.name, r.referred, r.buyers, r.revenue_cents) for r in board] == [
        (1, "大KOC", 3, 2, 100000), (2, "中KOC", 2, 2, 170000), (3, "小KOC", 1, 0, 0)]
    assert board[0].conversion == pytest.approx(2 / 3)
    recent = rf.leaderboard(session, start=TODAY - timedelta(days=30))
    # 大KOC: b, c (0 + 200); 中KOC: d (500); 小KOC: f — ties on referred broken by buyers, then revenue.
    assert [(r.name, r.referred, r.buyers, r.revenue_cents) for r in recent] == [
        ("大KOC", 2, 1, 20000), ("中KOC", 1, 1, 50000), ("小KOC", 1, 0, 0)]
    assert [r.name for r in rf.leaderboard(session, end=TODAY - timedelta(days=30))] == ["中KOC", "大KOC"]
    assert len(rf.leaderboard(session, limit=1)) == 1


def test_campaign_validation_and_stats(session: Session, people: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        cp.create_campaign(session, " ", method="抖音", starts_on=date(2025, 5, 1), ends_on=date(2025, 4, 1),
                           cost_cents=-1)
    assert set(caught.value.fields) == {"name", "method", "ends_on", "cost_cents"}
    camp = cp.create_campaign(session, "老带新送茶样", method="口碑", starts_on=date(2025, 3, 1),
                              ends_on=date(2025, 3, 31), goal="拉新 30 人", cost_cents=60000)
    with pytest.raises(ValidationError) as caught:
        cp.create_campaign(session, "老带新送茶样")
    assert "已经有" in caught.value.fields["name"]
    assert cp.campaign_stats(session, camp) == cp.CampaignStats(0, 0, 0, 60000, 0, 0, 0, 0)
    buy(session, people["李老师"], 300)
    buy(session, people["张总"], 700)
    buy(session, people["张总"], 100)
    rf.log_referral(session, people["王姐"], people["李老师"], campaign_id=camp, reward_value_cents=2000,
                    reward_status="待发放")
    rf.log_referral(session, people["王姐"], people["张总"], campaign_id=camp, reward_value_cents=2000,
                    reward_status="已发放")
    rf.log_referral(session, people["王姐"], people["赵阿姨"], campaign_id=camp, reward_value_cents=1500,
                    reward_status="待发放")
    rf.log_referral(session, people["陈哥"], people["周姐"], reward_value_cents=800, reward_status="待发放")
    stats = cp.campaign_stats(session, camp)
    assert (stats.new_customers, stats.buyers, stats.revenue_cents) == (3, 2, 110000)
    assert stats.cost_per_new_cents == 20000  # ￥600 / 3
    assert (stats.rewards_owed, stats.rewards_owed_cents, stats.rewards_paid, stats.rewards_paid_cents) == (
        2, 3500, 1, 2000)
    overall = cp.campaign_stats(session, None)
    assert (overall.new_customers, overall.rewards_owed, overall.rewards_owed_cents, overall.cost_cents) == (
        4, 3, 4300, 60000)
    [(campaign, listed)] = cp.all_campaign_stats(session)
    assert campaign.id == camp and listed == stats
    cp.update_campaign(session, camp, cost_cents=90000)
    assert cp.campaign_stats(session, camp).cost_per_new_cents == 30000


def test_campaign_trash_restore_purge(session: Session, people: dict[str, int]) -> None:
    camp = cp.create_campaign(session, "拼团节", method="拼团")
    rid = rf.log_referral(session, people["王姐"], people["李老师"], campaign_id=camp)
    assert cp.trash_campaigns(session, [camp]) == 1
    assert cp.list_campaigns(session) == []
    assert rf.referral_row(session, rid).campaign_name == ""
    with pytest.raises(ValidationError) as caught:
        cp.create_campaign(session, "拼团节")
    assert "回收站" in caught.value.fields["name"]
    with pytest.raises(ValidationError):
        rf.log_referral(session, people["张总"], people["赵阿姨"], campaign_id=camp)
    assert cp.restore_campaigns(session, [camp]) == 1
    assert rf.referral_row(session, rid).campaign_name == "拼团节"
    cp.trash_campaigns(session, [camp])
    assert [c.name for c in cp.list_trashed_campaigns(session)] == ["拼团节"]
    assert cp.purge_campaigns(session, None) == 1
    assert rf.get_referral(session, rid).campaign_id is None


def _loyalty(session: Session, cid: int) -> str:
    session.expire_all()
    return session.scalar(select(Customer.loyalty_type).where(Customer.id == cid)) or ""


def _months_ago(k: int) -> date:
    index = TODAY.year * 12 + TODAY.month - 1 - k
    return date(index // 12, index % 12 + 1, min(TODAY.day, 28))


def test_layers_follow_referrals(session: Session, add_customer: AddCustomer) -> None:
    """忠实型 = bought in each of the last 3 months and referred a buyer: logging makes it, trashing undoes it."""
    loyal, friend = add_customer("老茶客"), add_customer("新朋友")
    for k in range(3):
        save_purchase(session, loyal, _months_ago(k), "岩茶", 1, "500")
    buy(session, friend, 200)
    assert _loyalty(session, loyal) == ""
    rid = rf.log_referral(session, loyal, friend)
    assert _loyalty(session, loyal) == "忠实型"
    rf.trash_referrals(session, [rid])
    assert _loyalty(session, loyal) == ""
    rf.restore_referrals(session, [rid])
    assert _loyalty(session, loyal) == "忠实型"


def test_the_trash_page_lists_and_restores_referrals_and_campaigns(session: Session, people: dict[str, int]) -> None:
    from services.trash import PAGE_SOURCES

    camp = cp.create_campaign(session, "拼团节", method="拼团", starts_on=date(2025, 5, 1))
    rid = rf.log_referral(session, people["王姐"], people["李老师"], campaign_id=camp, method="拼团",
                          referred_on=date(2025, 5, 2))
    rf.trash_referrals(session, [rid])
    cp.trash_campaigns(session, [camp])
    [(entry_id, name, summary, _at)] = PAGE_SOURCES["referral"].listed(session)
    assert (entry_id, name, summary) == (rid, "李老师", "王姐 介绍了 李老师  2025-05-02 拼团")
    [(camp_id, camp_name, camp_summary, _at)] = PAGE_SOURCES["campaign"].listed(session)
    assert (camp_id, camp_name, camp_summary) == (camp, "拼团节", "裂变活动（拼团）2025-05-01 ～ …")
    PAGE_SOURCES["referral"].restore(session, [rid])
    PAGE_SOURCES["campaign"].restore(session, [camp])
    assert rf.referral_row(session, rid).campaign_name == "拼团节"
    rf.trash_referrals(session, [rid])
    PAGE_SOURCES["referral"].purge(session, None)
    assert rf.list_trashed_referrals(session) == []


def test_both_customers_timelines_show_the_referral(session: Session, people: dict[str, int]) -> None:
    from services.timeline import timeline

    rf.log_referral(session, people["王姐"], people["李老师"], referred_on=date(2026, 3, 8), method="拼团",
                    reward_kind="红包", reward_value_cents=5000, reward_status="待发放")
    rf.log_referral(session, people["王姐"], people["张总"], referred_on=date(2026, 4, 1))
    mine = [i for i in timeline(session, people["王姐"]) if i.kind == "referral"]
    assert [(i.title, i.when.date()) for i in mine] == [("介绍了 张总", date(2026, 4, 1)),
                                                        ("介绍了 李老师", date(2026, 3, 8))]
    assert "奖励：红包 ¥50（待发放）" in mine[1].body and not mine[1].done
    [came] = [i for i in timeline(session, people["李老师"]) if i.kind == "referral"]
    assert came.title == "由 王姐 介绍" and came.body.startswith("拼团")
    trash_customers(session, [people["张总"]])  # a customer in the 回收站 leaves the referrer's timeline
    assert [i.title for i in timeline(session, people["王姐"]) if i.kind == "referral"] == ["介绍了 李老师"]
