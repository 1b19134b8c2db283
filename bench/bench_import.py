"""`make bench` (Excel import): a 100,000-row, 12-column customer .xlsx imported into an empty store,
beside the time python-calamine takes merely to read the same file. Prints a table and a JSON line.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("KEBEN_BENCH_IMPORT_ROWS", "100000"))
FILE = ROOT / "bench" / ".data" / f"customers-{ROWS}.xlsx"
HEADERS = ["客户姓名", "微信", "手机号码", "性别", "生日", "所在城市", "职业", "来源", "添加日期", "客户标签",
           "累计消费", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "丽娜芳敏静秀英华慧巧美娟红艳玲桂婷雪琳晶颖倩洁燕萍伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯"
CITIES = ("杭州", "上海", "北京", "深圳", "广州", "成都", "苏州", "南京", "武汉", "西安", "长沙", "厦门")
JOBS = ("教师", "医生", "会计", "宝妈", "企业主", "设计师", "公务员", "护士", "销售", "自由职业")
SOURCES = ("朋友圈", "老客转介绍", "门店", "抖音", "小红书", "社群")
TAGS = ("高", "中", "低", "普洱", "白茶", "岩茶", "护肤", "养生", "宝妈", "上班族")


def make_file() -> None:
    import xlsxwriter

    FILE.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    book = xlsxwriter.Workbook(str(FILE), {"constant_memory": True})
    sheet = book.add_worksheet("客户")
    sheet.write_row(0, 0, HEADERS)
    start = date(2022, 1, 1)
    for r in range(1, ROWS + 1):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        sheet.write_string(r, 0, name)
        sheet.write_string(r, 1, f"wx{r:06d}_{rng.randint(10, 99)}")
        sheet.write_number(r, 2, 13000000000 + r * 37)  # phone stored as a number, as in many files
        sheet.write_string(r, 3, rng.choice(("女", "男", "女士", "先生", "")))
        sheet.write_string(r, 4, f"{rng.randint(1960, 2003)}/{rng.randint(1, 12)}/{rng.randint(1, 28)}")
        sheet.write_string(r, 5, rng.choice(CITIES))
        sheet.write_string(r, 6, rng.choice(JOBS))
        sheet.write_string(r, 7, rng.choice(SOURCES))
        sheet.write_datetime(r, 8, start + timedelta(days=rng.randint(0, 1000)),
                             book.add_format({"num_format": "yyyy-mm-dd"}) if r == 1 else None)
        sheet.write_string(r, 9, "、".join(rng.sample(TAGS, rng.randint(1, 3))))
        sheet.write_number(r, 10, rng.randint(0, 900) * 10)
        sheet.write_string(r, 11, rng.choice(("", "", "怕凉", "喜欢熟普", "送过生日礼物")))
    book.close()


CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
what, path, data = sys.argv[1], sys.argv[2], sys.argv[3]
if what == "calamine":
    import python_calamine
    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(path)
    rows = book.get_sheet_by_index(0).to_python()
    count = len(rows)
else:
    # The app is already open when a seller imports: the store is opened (and migrated) before the
    # clock starts; reading the file, checking, writing and committing are all inside it.
    from services.excel.engine import ImportOptions, run_import, suggest_mapping
    from services.excel.reader import open_spreadsheet
    from services.paths import DataDir
    from services.store import open_store
    store = open_store(DataDir.at(data))
    started = time.perf_counter()
    book = open_spreadsheet(path)
    headers, sheet_rows, total = book.iter_table(book.sheet_names[0], 1)
    read_at = time.perf_counter()
    rows_done_at = [0.0]

    def rows():  # notes when the engine has taken the last row: the rest is totals, stages and saving
        yield from sheet_rows
        rows_done_at[0] = time.perf_counter()

    rows = rows()
    with store.db.session() as session:
        mapping = suggest_mapping(session, "customers", headers)
        result = run_import(session, "customers", headers, rows, ImportOptions(mapping), file_name="bench.xlsx",
                            total=total)  # as the wizard and the CLI pass it
    count = result.created
    store.close()
seconds = time.perf_counter() - started
peak = 0
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) / 1024
phases = {{}} if what == "calamine" else {{"read": read_at - started, "rows": rows_done_at[0] - read_at,
                                          "end": started + seconds - rows_done_at[0]}}
print(json.dumps({{"seconds": seconds, "rows": count, "peak_mb": peak, "phases": phases}}))
"""


def run(what: str) -> dict[str, float]:
    data = tempfile.mkdtemp()
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), what, str(FILE), data],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if not FILE.exists():
        make_file()
    calamine = run("calamine")
    ours = run("import")
    ratio = ours["seconds"] / calamine["seconds"]
    print(f"Excel import — {ROWS:,} rows × {len(HEADERS)} columns")
    print(f"{'measure':34} {'value':>10} {'target':>8}")
    print(f"{'calamine read only (s)':34} {calamine['seconds']:10.2f}")
    print(f"{'KeBen import (s)':34} {ours['seconds']:10.2f}")
    phases = ours["phases"]
    print(f"{'  reading the file (s)':34} {phases['read']:10.2f}")
    print(f"{'  the rows (s, µs a row)':34} {phases['rows']:10.2f} {phases['rows'] / ROWS * 1e6:8.0f}")
    print(f"{'  totals, stages, layers, saving (s)':34} {phases['end']:10.2f}")
    print(f"{'import / read ratio':34} {ratio:10.2f} {'3.00':>8}")
    print(f"{'import peak memory (MB)':34} {ours['peak_mb']:10.1f} {'400':>8}")
    print(json.dumps({"rows": ROWS, "calamine_read_s": round(calamine["seconds"], 2),
                      "import_s": round(ours["seconds"], 2), "ratio": round(ratio, 2),
                      "import_phases_s": {k: round(val, 2) for k, val in phases.items()},
                      "import_peak_mb": round(ours["peak_mb"], 1), "created": ours["rows"],
                      "targets": {"ratio": 3.0, "import_peak_mb": 400}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
