"""Bench (会员): tiers, auto-tag rules, points and check-ins at 100,000 customers.

A synthetic store (kept under bench/.data between runs): customers with purchases over two years
(a third linked to catalogue products with categories), a points ledger (purchase points for
everyone who bought, some rewards spent), four tiers on 12-month spending, four auto-tag rules (one
of each kind) switched on, and a 500-member group. Times what the seller waits for: the tiers
recomputed for everyone (the daily pass, a tier edited), an auto-tag rule previewed and run over
everyone, every rule run (立即运行), the customer list sorted by 积分 and by 会员等级, a customer's
ledger, a day's check-in of the whole group, and one purchase saved (points, tier and rules for
that customer). Prints a table and one JSON line.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CUSTOMERS = int(os.environ.get("KEBEN_BENCH_CUSTOMERS", "100000"))
PURCHASES = CUSTOMERS * 4
GROUP_MEMBERS = 500
DATA = ROOT / "bench" / ".data" / f"loyalty-{CUSTOMERS}"
CATEGORIES = ("普洱", "岩茶", "白茶", "红茶", "绿茶", "茶器")


def build(session: Session) -> None:
    """Customers, products, purchases, members of one group; the points, tiers and rules come from
    the services themselves (see prepare)."""
    from sqlalchemy import insert

    from models import ChatGroup, Customer, GroupMember, Product, Purchase

    rng = random.Random(10)
    today = date.today()
    session.execute(insert(Customer), [
        {"id": i, "remark_name": f"客户{i}", "pinyin": f"kehu{i}",
         "added_on": today - timedelta(days=rng.randint(0, 900))} for i in range(1, CUSTOMERS + 1)])
    session.execute(insert(Product), [
        {"id": k + 1, "name": f"{category}{n}号", "category": category, "price_cents": 29_900, "cycle_days": 60}
        for k, (category, n) in enumerate((c, n) for c in CATEGORIES for n in range(1, 21))])
    products = len(CATEGORIES) * 20
    buyers = [i for i in range(1, CUSTOMERS + 1) if rng.random() < 0.7]
    rows = []
    for _ in range(PURCHASES):
        linked = rng.random() < 0.35
        pid = rng.randint(1, products) if linked else None
        rows.append({"customer_id": rng.choice(buyers), "purchased_on": today - timedelta(days=rng.randint(0, 730)),
                     "product": f"{CATEGORIES[(pid - 1) // 20]}{pid % 20 + 1}号" if pid else rng.choice(
                         ("老班章普洱", "大红袍", "白毫银针", "金骏眉", "龙井", "建盏")),
                     "product_id": pid, "quantity": 1,
                     "amount_cents": rng.choice((39, 68, 99, 168, 299, 599, 1280, 3800)) * 100})
        if len(rows) >= 50_000:
            session.execute(insert(Purchase), rows)
            rows = []
    if rows:
        session.execute(insert(Purchase), rows)
    session.execute(insert(ChatGroup), [{"id": 1, "name": "茶友福利群", "kind": "福利群"}])
    session.execute(insert(GroupMember), [
        {"group_id": 1, "customer_id": cid, "joined_on": today - timedelta(days=60)}
        for cid in rng.sample(range(1, CUSTOMERS + 1), GROUP_MEMBERS)])
    session.commit()


def prepare(session: Session) -> dict[str, float]:
    """The aggregates, purchase points, default tiers and one rule of each kind, switched on; the
    seconds each step took (a first start on an imported store does the same)."""
    from services import auto_tags, tiers
    from services import points as pts
    from services.timeline import refresh_aggregates

    took: dict[str, float] = {}

    def step(name: str, work: Callable[[], object]) -> None:
        started = time.perf_counter()
        work()
        session.commit()
        took[name] = time.perf_counter() - started

    step("first_refresh_aggregates_s", lambda: refresh_aggregates(session))
    step("award_history_points_s", lambda: (pts.award_purchase_points(session), pts.refresh_balances(session)))
    step("load_default_tiers_s", lambda: tiers.load_default_tiers(session))
    rules = [("category", {"category": "普洱"}, "普洱"), ("spend_12m", {"cents": 1_000_000}, "高净值"),
             ("no_purchase_days", {"days": 90}, "沉睡"), ("in_group", {"group_id": 1}, "群友")]
    for kind, params, tag in rules:
        rule = auto_tags.save_rule(session, kind, params, auto_tags.ensure_tag(session, "自动", tag))
        step(f"switch_on_{kind}_s", lambda rule=rule: auto_tags.set_enabled(session, rule, True))
    return took


def timed(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    from sqlalchemy import func, select

    from models import AutoTagRule, Purchase
    from models.loyalty import PointEntry
    from services import auto_tags, checkins, tiers
    from services import points as pts
    from services.customer_query import CustomerFilter, customer_ids
    from services.paths import DataDir
    from services.store import open_store
    from services.timeline import save_purchase

    fresh = not (DATA / "keben.db").exists()
    store = open_store(DataDir.at(DATA), exclusive=False)
    results: dict[str, float] = {}
    with store.db.session() as session:
        if fresh:
            started = time.perf_counter()
            build(session)
            results["build_s"] = time.perf_counter() - started
            results.update(prepare(session))
        purchases = session.scalar(select(func.count()).select_from(Purchase))
        entries = session.scalar(select(func.count()).select_from(PointEntry))
        rule_ids = {rule.kind: rule.id for rule in session.scalars(select(AutoTagRule))}
        results["tiers_recompute_all_ms"] = timed(lambda: tiers.recompute_all(session), 3)
        for kind in ("category", "spend_12m", "in_group"):
            rule = auto_tags.get_rule(session, rule_ids[kind])
            results[f"preview_{kind}_ms"] = timed(lambda rule=rule: auto_tags.preview_rule(session, rule), 3)
        results["run_category_rule_ms"] = timed(lambda: auto_tags.run_now(session, [rule_ids["category"]]), 3)
        results["run_all_rules_ms"] = timed(lambda: auto_tags.run_now(session), 3)
        for sort in ("points_balance", "member_level"):
            results[f"sort_{sort}_ms"] = timed(lambda sort=sort: customer_ids(session, CustomerFilter(), sort), 5)
        results["sort_points_first_page_ms"] = timed(
            lambda: customer_ids(session, CustomerFilter(), "points_balance", limit=200), 5)
        results["customers_by_balance_ms"] = timed(lambda: pts.customers_by_balance(session), 5)
        top = pts.customers_by_balance(session, limit=1)[0].id
        results["ledger_ms"] = timed(lambda: pts.ledger(session, top), 5)
        members = [m.customer_id for m in checkins.checkin_members(session, 1, date.today())]
        done_days = session.scalar(select(func.count(func.distinct(PointEntry.entry_on))).where(
            PointEntry.reason == "checkin")) or 0  # each run checks in on days not used yet
        day = iter(date.today() - timedelta(days=n) for n in range(done_days + 1, done_days + 1000))
        results["checkin_whole_group_ms"] = timed(lambda: checkins.record_checkins(session, 1, members, next(day)), 3)

        def one_purchase() -> None:
            save_purchase(session, min(4242, CUSTOMERS), date.today(), "普洱熟茶", 1, "268")

        results["one_purchase_saved_ms"] = timed(one_purchase, 5)
    store.close()
    print(f"KeBen loyalty bench — {CUSTOMERS:,} customers, {purchases:,} purchases, {entries:,} point entries "
          f"({datetime.now():%Y-%m-%d %H:%M})")
    for key, value in results.items():
        print(f"{key:30} {value:10.1f}")
    print(json.dumps({"customers": CUSTOMERS, "purchases": purchases, "point_entries": entries,
                      "results": {k: round(v, 1) for k, v in results.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
