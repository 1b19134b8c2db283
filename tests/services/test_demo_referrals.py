"""演示数据 for 转介绍: believable chains, a few big referrers, campaigns and rewards — and never a loop."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Campaign, Customer, Referral
from services.demo import DemoOptions, fill_demo
from services.referrals import cycle_chain


def test_demo_referrals_are_chains_without_loops(session: Session) -> None:
    counts = fill_demo(session, DemoOptions(customers=1200, seed=3, notes_per_customer=0))
    assert counts["campaigns"] == 3 and counts["referrals"] > 200
    links = session.execute(select(Referral.referrer_id, Referral.referee_id, Referral.referred_on,
                                   Referral.reward_status, Referral.campaign_id)).all()
    added = dict(session.execute(select(Customer.id, Customer.added_on)).all())
    parent = {referee: referrer for referrer, referee, *_rest in links}
    assert len(parent) == len(links)  # one referrer per customer
    for referrer, referee, referred_on, *_rest in links:
        assert referrer != referee and added[referrer] <= added[referee] and referred_on == added[referee]
    depth = Counter()
    for referee in parent:
        level, current = 0, referee
        while current in parent:
            current, level = parent[current], level + 1
            assert level <= 3  # at most four people in a chain
        depth[level] += 1
    assert set(depth) == {1, 2, 3}
    brought = Counter(referrer for referrer, *_rest in links)
    assert max(brought.values()) >= 8  # a KOC
    statuses = Counter(status for *_x, status, _c in links)
    assert statuses["待发放"] and statuses["已发放"] and statuses["无"]
    assert sum(1 for *_x, campaign in links if campaign) > 20
    assert cycle_chain(session, links[0][1], links[0][0]) is not None  # the service sees the links
    again = fill_demo(session, DemoOptions(customers=0, seed=3))
    assert again["referrals"] == 0  # a store with referrals keeps them
    assert session.scalar(select(func.count()).select_from(Campaign)) == 3
