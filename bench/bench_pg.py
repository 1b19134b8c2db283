"""`make bench`, 团队模式: the customer list's searches and tag filter on PostgreSQL, same targets.

Copies the 100,000-customer bench store (bench.py builds it) into a throwaway PostgreSQL server on
loopback (tests/pg.py: initdb + pg_ctl from Debian's postgresql package; PostgreSQL's default
shared_buffers of 128MB), with `transfer` — as 迁移到服务器 does — then VACUUM ANALYZE (what
autovacuum does on a server in use) and times what the list does before it paints, as bench.py does
on SQLite. Prints a table and one JSON object with the medians, the targets and their ratios.
Skipped with a message when PostgreSQL is not installed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import CUSTOMERS, DATA, build_store, time_list_searches  # noqa: E402  (bench/bench.py: this folder is on sys.path)

TARGETS = {"search_name_ms": 30, "search_initials_ms": 30, "search_note_ms": 30, "tag_filter_ms": 30}


def main() -> int:
    from tests.pg import find_binaries, running_server

    try:
        find_binaries()
    except RuntimeError as exc:
        print(f"bench_pg skipped: {exc}")
        return 0
    build_store()

    from sqlalchemy import text

    from services.store import open_database
    from services.transfer import transfer

    results: dict[str, float] = {}
    with running_server(shared_buffers="128MB") as server:
        server.admin("CREATE DATABASE bench")
        local = open_database(f"sqlite:///{DATA / 'keben.db'}")
        remote = open_database(server.url("bench"))
        try:
            started = time.perf_counter()
            copied = transfer(local, remote)
            results["transfer_s"] = time.perf_counter() - started
            with remote.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            with remote.session() as session:
                time_list_searches(session, results)
        finally:
            local.dispose()
            remote.dispose()

    print(f"KeBen bench on PostgreSQL — {CUSTOMERS:,} customers, {copied.total:,} rows copied "
          f"in {results['transfer_s']:.1f} s")
    print(f"{'measure':32} {'median':>10} {'target':>8} {'ratio':>6}")
    for key, value in results.items():
        target = TARGETS.get(key)
        print(f"{key:32} {value:10.1f} {target if target else '':>8} {f'{value / target:.2f}' if target else '':>6}")
    print(json.dumps({"customers": CUSTOMERS, "database": "postgresql",
                      "results": {k: round(v, 2) for k, v in results.items()}, "targets": TARGETS,
                      "ratios": {k: round(v / TARGETS[k], 3) for k, v in results.items() if k in TARGETS}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
