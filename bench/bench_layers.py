"""Bench (分层): recompute the layers of 100,000 customers with 1,000,000 purchases.

A synthetic store (kept under bench/.data between runs): customers with only the fields the
layers read, purchases over two years (most customers buy a few times, some monthly), 500,000
notes, done follow-ups and 10,000 referrals. Times the full recompute (GUI start, threshold
changes), the cheap path after one customer's edit, the counts the 分层 page and `report layers`
read, and a store-wide refresh_aggregates. Prints a table and one JSON line.
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
PURCHASES = CUSTOMERS * 10
DATA = ROOT / "bench" / ".data" / f"layers-{CUSTOMERS}"


def build(session: Session) -> None:
    from sqlalchemy import insert

    from models import Customer, FollowUp, Note, Purchase, Referral

    rng = random.Random(5)
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    session.execute(insert(Customer), [
        {"id": i, "remark_name": f"客户{i}", "added_on": today - timedelta(days=rng.randint(0, 900))}
        for i in range(1, CUSTOMERS + 1)])
    rows = []
    weights = [1 / (k + 1) for k in range(40)]
    buyers = [i for i in range(1, CUSTOMERS + 1) if rng.random() < 0.7]
    per = rng.choices(range(1, 41), weights=weights, k=len(buyers))
    scale = PURCHASES / sum(per)
    for cid, n in zip(buyers, per, strict=True):
        monthly = rng.random() < 0.05
        for k in range(max(1, round(n * scale))):
            day = today - timedelta(days=30 * k + rng.randint(0, 20)) if monthly else \
                today - timedelta(days=rng.randint(0, 730))
            rows.append({"customer_id": cid, "purchased_on": day, "product": "普洱", "quantity": 1,
                         "amount_cents": rng.choice((39, 68, 99, 168, 299, 599, 1280, 3800)) * 100})
            if len(rows) >= 50_000:
                session.execute(insert(Purchase), rows)
                rows = []
    session.execute(insert(Purchase), rows)
    for _batch in range(CUSTOMERS * 5 // 50_000):
        session.execute(insert(Note), [
            {"customer_id": rng.randint(1, CUSTOMERS), "kind": "其他", "body": "聊了聊",
             "noted_at": now - timedelta(minutes=rng.randint(0, 900 * 1440))} for _ in range(50_000)])
    session.execute(insert(FollowUp), [
        {"customer_id": rng.randint(1, CUSTOMERS), "due_on": today - timedelta(days=d),
         "reason": "回访", "done_at": now - timedelta(days=d)}
        for d in (rng.randint(0, 300) for _ in range(CUSTOMERS // 4))])
    referees = rng.sample(range(1, CUSTOMERS + 1), CUSTOMERS // 10)
    session.execute(insert(Referral), [
        {"referrer_id": rng.randint(1, CUSTOMERS), "referee_id": r} for r in referees])
    session.commit()


def timed(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    from sqlalchemy import func, select

    from models import Purchase
    from services.layer_report import layer_counts
    from services.layers import recompute_layers
    from services.paths import DataDir
    from services.store import open_store
    from services.timeline import refresh_aggregates, save_purchase

    fresh = not (DATA / "keben.db").exists()
    store = open_store(DataDir.at(DATA), exclusive=False)
    results: dict[str, float] = {}
    with store.db.session() as session:
        if fresh:
            started = time.perf_counter()
            build(session)
            results["build_s"] = time.perf_counter() - started
            started = time.perf_counter()
            refresh_aggregates(session)  # totals, then the first full layer pass
            session.commit()
            results["first_refresh_aggregates_ms"] = (time.perf_counter() - started) * 1000
        purchases = session.scalar(select(func.count()).select_from(Purchase))
        results["full_recompute_ms"] = timed(lambda: recompute_layers(session), 5)

        def one_purchase() -> None:
            save_purchase(session, 4242, date.today(), "白茶", 1, "268")

        results["one_purchase_saved_ms"] = timed(one_purchase, 5)  # includes the cheap layer path
        results["layer_counts_ms"] = timed(lambda: layer_counts(session), 5)

        def all_aggregates() -> None:
            refresh_aggregates(session)
            session.commit()

        results["refresh_aggregates_all_ms"] = timed(all_aggregates, 3)
    store.close()
    print(f"KeBen layers bench — {CUSTOMERS:,} customers, {purchases:,} purchases")
    for key, value in results.items():
        print(f"{key:30} {value:10.1f}")
    print(json.dumps({"customers": CUSTOMERS, "purchases": purchases,
                      "results": {k: round(v, 1) for k, v in results.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
