"""`make bench`: speed and memory of the customer book at 100,000 customers / 500,000 notes.

Prints a table and one JSON object with the medians, the targets and their ratios. Never run by
`make test` (speed is measured here, not asserted in tests).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CUSTOMERS = int(os.environ.get("KEBEN_BENCH_CUSTOMERS", "100000"))
DATA = Path(os.environ.get("KEBEN_BENCH_DIR", ROOT / "bench" / ".data" / f"store-{CUSTOMERS}"))
REPEAT = 15


def median_ms(work: Callable[[], object], repeat: int = REPEAT) -> float:
    work()  # warm the page cache once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def time_list_searches(session: Any, results: dict[str, float]) -> None:
    """The customer list's searches and tag filter at this store's size, timed as the list does them
    before it paints (the ordered ids, then the rows of one screen); bench_pg.py times the same on
    PostgreSQL. Two-character queries show the customer-field matches first (notes=False) and
    complete the list with the notes scan in the background; both figures are reported."""
    from services import customer_query as cq
    from services.tags import tag_by_name

    def first_page(flt: cq.CustomerFilter, notes: bool) -> Callable[[], object]:
        return lambda: cq.customer_rows(session, cq.customer_ids(session, flt, "remark_name", False, notes=notes)[:50])

    a, b, c = (tag_by_name(session, n) for n in ("高", "普洱", "低"))
    assert a and b and c, "the demo store lacks the tags 高 / 普洱 / 低"
    for key, flt, notes in (("search_name_ms", cq.CustomerFilter(text="张丽"), False),
                            ("search_initials_ms", cq.CustomerFilter(text="zl"), False),
                            ("search_note_ms", cq.CustomerFilter(text="敏感肌"), True),
                            ("search_name_complete_ms", cq.CustomerFilter(text="张丽"), True),
                            ("search_note_2chars_complete_ms", cq.CustomerFilter(text="熟普"), True),
                            ("tag_filter_ms", cq.CustomerFilter(tags_all=[a.id, b.id], tags_none=[c.id]), True)):
        results[key] = median_ms(first_page(flt, notes))


def build_store() -> float:
    """Create the store with `demo` (kept between runs); returns the seconds it took, or 0."""
    if (DATA / "keben.db").exists():
        return 0.0
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(DATA), "demo",
                    "--customers", str(CUSTOMERS), "--seed", "7"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    demo_seconds = build_store()
    home = tempfile.mkdtemp()
    os.environ["HOME"] = home  # qt-material writes icons under ~

    from PySide6.QtWidgets import QApplication

    from services.layers import recompute_layers
    from services.paths import DataDir
    from services.preferences import Preferences
    from services.store import open_store
    from ui.context import AppContext
    from ui.state import UiState

    store = open_store(DataDir.at(DATA), exclusive=False)
    results: dict[str, float] = {}
    with store.db.session() as session:
        time_list_searches(session, results)
        # 分层: the full pass (the first start of a day, threshold edits, 重新计算).
        results["layers_recompute_ms"] = median_ms(lambda: recompute_layers(session), repeat=3)

    app = QApplication.instance() or QApplication([])
    from ui.customers.page import CustomersPage
    from ui.theme import apply_theme

    apply_theme(app, "light")  # type: ignore[arg-type]
    ctx = AppContext(store, Preferences(), UiState(Path(home) / "ui.ini"))
    pages: list[CustomersPage] = []

    def open_page() -> None:
        page = CustomersPage(ctx)
        page.resize(1400, 860)
        page.show()
        page.table.viewport().grab()  # paint the first screen of rows
        pages.append(page)

    results["customer_page_ms"] = median_ms(open_page, repeat=5)
    page = pages[-1]
    results["queries_for_first_screen"] = page.model.queries
    column = [c.key for c in page.model.columns].index("total_spent")
    from PySide6.QtCore import Qt

    def sort_spent() -> None:
        page.model.sort(column, Qt.SortOrder.DescendingOrder)
        page.table.viewport().grab()

    results["sort_total_spent_ms"] = median_ms(sort_spent, repeat=5)
    for extra in pages:
        extra.close()
    store.close()

    def cold_start() -> float:
        """Milliseconds from starting Python to the window painted on Today (the child prints its
        line then); the background work it then finishes before quitting is not counted."""
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(DATA), "--bench-start",
                                  "today"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                 env={**os.environ, "HOME": home})
        assert child.stdout is not None
        child.stdout.readline()
        shown = (time.perf_counter() - started) * 1000
        child.communicate()
        if child.returncode:
            raise RuntimeError(f"--bench-start exited {child.returncode}")
        return shown

    cold_start()  # warm the page cache once
    results["cold_start_ms"] = statistics.median(cold_start() for _ in range(5))

    def today_cli() -> None:  # the whole command: start Python, open the store, compute, print the JSON
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(DATA), "today", "--json"],
                       check=True, capture_output=True, env={**os.environ, "HOME": home})

    results["today_cli_ms"] = median_ms(today_cli, repeat=5)
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(DATA), "--bench-start", "customers"],
                         check=True, capture_output=True, text=True, env={**os.environ, "HOME": home})
    results["customers_page_rss_mb"] = json.loads(out.stdout.strip().splitlines()[-1])["max_rss_mb"]

    targets = {"search_name_ms": 30, "search_initials_ms": 30, "search_note_ms": 30, "tag_filter_ms": 30,
               "customer_page_ms": 300, "cold_start_ms": 2000, "layers_recompute_ms": 3000, "customers_page_rss_mb": 250,
               "queries_for_first_screen": 2}
    targets["today_cli_ms"] = 1000  # `python main.py today --json`, issue 6
    print(f"KeBen bench — {CUSTOMERS:,} customers" + (f" (store built in {demo_seconds:.1f} s)" if demo_seconds else ""))
    print(f"{'measure':28} {'median':>10} {'target':>8} {'ratio':>6}")
    for key, value in results.items():
        target = targets.get(key)
        ratio = f"{value / target:.2f}" if target else ""
        print(f"{key:28} {value:10.1f} {target if target else '':>8} {ratio:>6}")
    print(json.dumps({"customers": CUSTOMERS, "demo_seconds": round(demo_seconds, 1),
                      "results": {k: round(v, 2) for k, v in results.items()}, "targets": targets,
                      "ratios": {k: round(v / targets[k], 3) for k, v in results.items() if k in targets}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
