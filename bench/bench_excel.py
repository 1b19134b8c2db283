"""`make bench` (Excel export): all 100,000 customers of the demo store exported to .xlsx, beside
pandas.DataFrame.to_excel of the same rows (fetched with one SQL query, timed writing only).

Each side runs in its own process, so that its peak memory (VmHWM) is its own. Prints a table and
a JSON line: {"export_100k_s", "pandas_to_excel_100k_s", "ratio", "export_peak_mb", …}.
Needs pandas (requirements-bench.txt).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CUSTOMERS = int(os.environ.get("KEBEN_BENCH_CUSTOMERS", "100000"))
DATA = Path(os.environ.get("KEBEN_BENCH_DIR", ROOT / "bench" / ".data" / f"store-{CUSTOMERS}"))

CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
what, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
from services.paths import DataDir
from services.store import open_store
store = open_store(DataDir.at(data), exclusive=False)
extra = {{}}
if what == "export":
    from services.excel.export import export_customers
    with store.db.session() as session:
        started = time.perf_counter()
        rows = export_customers(session, out)
        seconds = time.perf_counter() - started
else:
    import pandas as pd
    started = time.perf_counter()
    frame = pd.read_sql_query({sql!r}, store.db.engine)
    for column in ("添加日期", "首次购买日期", "最近购买日期", "下次跟进"):
        frame[column] = pd.to_datetime(frame[column])
    extra["fetch_s"] = time.perf_counter() - started
    started = time.perf_counter()
    frame.to_excel(out, sheet_name="客户", index=False, engine="xlsxwriter")
    seconds = time.perf_counter() - started
    rows = len(frame)
store.close()
peak = 0
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) / 1024
print(json.dumps({{"seconds": seconds, "rows": rows, "peak_mb": peak, "bytes": Path(out).stat().st_size, **extra}}))
"""

# The same columns and order as the export (without custom fields: the demo store has none).
SQL = """
SELECT c.remark_name AS 备注名, c.real_name AS 真实姓名, c.wechat_id AS 微信号, c.nickname AS 微信昵称,
       a.name AS 我的微信号, c.phone AS 手机, c.gender AS 性别,
       CASE WHEN c.birthday_month IS NULL THEN NULL
            WHEN NOT c.birthday_lunar AND c.birthday_year IS NOT NULL
                 THEN printf('%04d-%02d-%02d', c.birthday_year, c.birthday_month, c.birthday_day)
            ELSE printf('%02d-%02d', c.birthday_month, c.birthday_day) END AS 生日,
       c.city AS 城市, c.address AS 地址, c.occupation AS 职业, c.source AS 来源, c.added_on AS 添加日期,
       COALESCE(NULLIF(c.stage_override, ''), c.stage) AS 阶段, c.member_level AS 会员等级,
       (SELECT group_concat(t.name, '、') FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id
         WHERE ct.customer_id = c.id) AS 标签,
       (SELECT r.remark_name FROM referral f JOIN customer r ON r.id = f.referrer_id
         WHERE f.referee_id = c.id AND f.deleted_at IS NULL AND r.deleted_at IS NULL) AS 介绍人,
       c.total_spent_cents / 100.0 AS 累计消费, c.first_purchase_on AS 首次购买日期,
       c.last_purchase_on AS 最近购买日期, c.next_follow_up_on AS 下次跟进
FROM customer c LEFT JOIN wechat_account a ON a.id = c.wechat_account_id
WHERE c.deleted_at IS NULL ORDER BY c.pinyin, c.id
"""


def build_store() -> float:
    """Create the demo store (kept between runs, shared with bench.py); seconds it took, or 0."""
    if (DATA / "keben.db").exists():
        return 0.0
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(DATA), "demo",
                    "--customers", str(CUSTOMERS), "--seed", "7"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def run(what: str, out: Path) -> dict[str, float]:
    child = CHILD.format(root=str(ROOT), sql=SQL)
    done = subprocess.run([sys.executable, "-c", child, what, str(DATA), str(out)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    demo_seconds = build_store()
    folder = Path(tempfile.mkdtemp(prefix="keben-bench-excel-"))
    ours = run("export", folder / "keben.xlsx")
    pandas = run("pandas", folder / "pandas.xlsx")
    for name in ("keben.xlsx", "pandas.xlsx"):
        (folder / name).unlink(missing_ok=True)
    folder.rmdir()
    ratio = ours["seconds"] / pandas["seconds"]
    print(f"Excel export — {int(ours['rows']):,} customers"
          + (f" (store built in {demo_seconds:.1f} s)" if demo_seconds else ""))
    print(f"{'measure':36} {'value':>10} {'target':>8}")
    print(f"{'KeBen export_customers (s)':36} {ours['seconds']:10.2f}")
    print(f"{'pandas to_excel, writing only (s)':36} {pandas['seconds']:10.2f}")
    print(f"{'  (its one SQL query + dates) (s)':36} {pandas['fetch_s']:10.2f}")
    print(f"{'export / pandas ratio':36} {ratio:10.2f} {'< 1.00':>8}")
    print(f"{'export peak memory (MB)':36} {ours['peak_mb']:10.1f} {'300':>8}")
    print(f"{'pandas peak memory (MB)':36} {pandas['peak_mb']:10.1f}")
    print(f"{'file size KeBen / pandas (MB)':36} {ours['bytes'] / 1e6:5.1f} / {pandas['bytes'] / 1e6:.1f}")
    print(json.dumps({"customers": int(ours["rows"]), "export_100k_s": round(ours["seconds"], 2),
                      "pandas_to_excel_100k_s": round(pandas["seconds"], 2), "ratio": round(ratio, 3),
                      "export_peak_mb": round(ours["peak_mb"], 1), "pandas_peak_mb": round(pandas["peak_mb"], 1),
                      "targets": {"ratio": 1.0, "export_peak_mb": 300}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
