"""The 朋友圈 demo data: eight weeks of posts on both accounts, results, interactions, a weekly series."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, MomentInteraction
from services import moments as m
from services.demo import PAGE_FILLERS, DemoOptions, fill_demo
from services.demo_moments import fill
from services.moments_report import weekly_hard_sell
from services.paths import DataDir


def test_demo_moments(session: Session, data_dir: DataDir) -> None:
    assert PAGE_FILLERS.index("services.demo_moments.fill") < len(PAGE_FILLERS) - 1  # layers stay last
    counts = fill_demo(session, DemoOptions(customers=300, seed=2))
    today = date.today()
    posts = m.list_posts(session)
    assert counts["moment_posts"] == len(posts) > 100
    assert posts[0].planned_at.date() >= today - timedelta(weeks=4)
    assert posts[-1].planned_at.date() <= today + timedelta(weeks=4)
    assert len({p.account_id for p in posts}) == 2
    statuses = {s: sum(1 for p in posts if p.status == s) for s in ("draft", "scheduled", "published", "skipped")}
    assert statuses["published"] > 40 and statuses["draft"] > 0 and statuses["skipped"] > 0
    now = datetime.now()
    assert all(p.status in ("draft", "scheduled") for p in posts if p.planned_at > now)
    published = [p for p in posts if p.status == "published"]
    assert sum(p.likes for p in published) > 500 and sum(p.revenue_cents for p in published) > 0
    assert {p.visibility for p in posts} >= {"public", "only_tags", "except_tags"}
    assert all(p.tag_ids for p in posts if p.visibility in ("only_tags", "except_tags"))
    series = [p for p in posts if p.series_id is not None]
    assert len(series) == 8 and len({p.series_id for p in series}) == 1
    assert {p.planned_at.weekday() for p in series} == {2}
    with_images = [p for p in posts if p.images]
    assert with_images and all((data_dir.root / path).is_file() for p in with_images for path in p.images)
    linked = session.scalar(select(func.count()).select_from(MomentInteraction))
    assert linked == counts["moment_interactions"] > 50
    customers = set(session.scalars(select(Customer.id)))
    assert set(session.scalars(select(MomentInteraction.customer_id))) <= customers
    assert len(weekly_hard_sell(session, 4, today)) == 4
    assert fill(session, DemoOptions()) == {"moment_posts": 0, "moment_interactions": 0}  # added once
