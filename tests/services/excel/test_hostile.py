"""The hostile corpus (tests/data/hostile, built by tests/data/make_hostile.py): every file goes
through the real import path — the reader and the engine's preview, then the command line's
`import --dry-run` — each in a child process with a time limit and a memory limit (RLIMIT_AS), so a
hang, a crash of python-calamine or a runaway allocation fails the test instead of the run.

For every file the outcome is either the customers read with their real values (the 1904 dates give
the right days, cached formula values are used, the merged title is passed over, the hidden sheet is
not chosen) or one Chinese line naming the file and why — never a traceback.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.data.make_hostile import CUSTOMERS, HOSTILE

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="resource limits")]

ROOT = Path(__file__).resolve().parents[3]
SECONDS = 60
MEMORY = 1536 * 1024 * 1024

# The engine's preview of one file: the sheet chosen, its header row, and every row's parsed values.
DRIVER = """
import json, sys
sys.path.insert(0, {root!r})
from services.errors import UserError
from services.excel.engine import ImportOptions, check_rows, suggest_mapping
from services.excel.reader import best_sheet, open_spreadsheet
from services.paths import DataDir
from services.store import open_store

store = open_store(DataDir.at({folder!r}))
try:
    with store.db.session() as session, open_spreadsheet({file!r}) as book:
        sheet, header_row = best_sheet(book, "customers")
        headers, rows, _ = book.iter_table(sheet, header_row)
        mapping = suggest_mapping(session, "customers", headers)
        checked = check_rows(session, "customers", headers, rows, ImportOptions(mapping))
        out = {{"sheet": sheet, "header_row": header_row, "headers": headers,
               "rows": [{{"row": c.row, "values": c.values, "problems": [p.column for p in c.problems]}}
                        for c in checked]}}
except UserError as error:
    out = {{"error": error.message}}
finally:
    store.close()
print(json.dumps(out, ensure_ascii=False, default=str))
"""

READABLE = {  # file → (sheet, header row)
    "libreoffice.xlsx": ("客户", 3),
    "libreoffice.ods": ("客户", 3),
    "libreoffice-excel97.xls": ("客户", 3),
    "wps-like.xlsx": ("客户", 3),
    "google-sheets-like.xlsx": ("工作表1", 3),
    "excel-1904.xlsx": ("客户", 3),
    "excel-1904.xls": ("客户", 3),
    "merged-cells.xlsx": ("客户", 4),
    "formulas-cached.xlsx": ("客户", 1),
    "formulas-no-cache.xlsx": ("客户", 1),
    "hyperlinks.xlsx": ("客户", 3),
    "rich-text.xlsx": ("客户", 3),
    "hidden-sheets.xlsx": ("客户", 1),
    "gbk.csv": ("gbk", 1),
    "utf16.csv": ("utf16", 1),
}
REFUSED = {  # file → what its one line says
    "encrypted.xlsx": "设置了打开密码",
    "zip-bomb.xlsx": "压缩炸弹",
    "zip-bomb-lying.xlsx": "文件可能已损坏",
    "truncated.xlsx": "文件可能已损坏",
    "truncated.xls": "文件可能已损坏",
    "renamed-pdf.xlsx": "看起来是PDF",
    "empty.xlsx": "里没有数据",
    "empty-workbook.xlsx": "里没有数据",
}


def test_the_corpus_is_small_and_every_file_has_an_expectation() -> None:
    names = {path.name for path in HOSTILE.iterdir() if path.name != "README.md"}
    assert names == set(READABLE) | set(REFUSED)
    assert sum(path.stat().st_size for path in HOSTILE.iterdir()) < 2 * 1024 * 1024
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in names)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=SECONDS, env=env,
                              preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {SECONDS} s: {argv}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, _migrated_database: Path) -> Path:
    """One data folder for the module: the preview and --dry-run write nothing."""
    path = tmp_path_factory.mktemp("hostile") / "data"
    path.mkdir(mode=0o700)
    shutil.copyfile(_migrated_database, path / "keben.db")
    (path / "keben.db").chmod(0o600)
    return path


def _preview(folder: Path, name: str) -> dict[str, Any]:
    code = DRIVER.format(root=str(ROOT), folder=str(folder), file=str(HOSTILE / name))
    done = _run([sys.executable, "-c", code])
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return dict(json.loads(done.stdout))


def _expected(name: str) -> list[dict[str, Any]]:
    rows = [{"remark_name": n, "wechat_id": w, "phone": str(p), "birthday": b, "city": c, "total_spent": s}
            for n, w, p, b, c, s in CUSTOMERS]
    if name == "merged-cells.xlsx":
        rows[1]["city"] = "杭州"  # 张丽's city is merged down over 王芳's row
    if name == "formulas-cached.xlsx":
        rows.append({"remark_name": "赵敏", "wechat_id": "zhaomin", "phone": "13612345678", "birthday": None,
                     "city": "广州", "total_spent": 5.0})
    if name == "formulas-no-cache.xlsx":
        for row in rows:
            row["total_spent"] = None  # =G2*H2 with no value saved: blank, never the formula's text
    return rows


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    year = values.get("birthday_year")
    spent = values.get("total_spent")
    return {"remark_name": values["remark_name"], "wechat_id": values["wechat_id"], "phone": values["phone"],
            "birthday": date(year, values["birthday_month"], values["birthday_day"]) if year else None,
            "city": values["city"], "total_spent": None if spent is None else spent / 100}  # cents


@pytest.mark.parametrize("name", sorted(READABLE))
def test_readable_files_give_the_customers_with_their_real_values(folder: Path, name: str) -> None:
    preview = _preview(folder, name)
    assert "error" not in preview, preview
    assert (preview["sheet"], preview["header_row"]) == READABLE[name]
    assert preview["headers"][:6] == ["姓名", "微信", "手机", "生日", "城市", "累计消费"]
    good = [row for row in preview["rows"] if not row["problems"]]
    assert [_shown(row["values"]) for row in good] == _expected(name)
    assert not any(str(value).startswith("=") for row in preview["rows"] for value in row["values"].values())
    problems = [(row["row"], row["problems"]) for row in preview["rows"] if row["problems"]]
    if name == "formulas-no-cache.xlsx":  # 姓名 ="赵"&"敏" with no value saved: reported, not guessed
        assert problems == [(5, ["姓名"])]
    else:
        assert problems == []


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_files_say_why_in_one_line(folder: Path, name: str) -> None:
    preview = _preview(folder, name)
    message = preview.get("error", "")
    assert REFUSED[name] in message and name in message, preview
    assert "\n" not in message


@pytest.mark.parametrize("name", sorted(READABLE) + sorted(REFUSED))
def test_the_command_line_imports_or_says_why(folder: Path, name: str) -> None:
    before = (folder / "keben.db").read_bytes()
    done = _run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(folder), "import", str(HOSTILE / name),
                 "--kind", "customers", "--dry-run", "--json"])
    assert "Traceback" not in done.stderr and "客本出错了" not in done.stderr, done.stderr[-2000:]
    if name in REFUSED:
        assert done.returncode == 2, done.stderr
        line = done.stderr.strip()
        assert "\n" not in line and REFUSED[name] in line and name in line
    else:
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        expected = len(_expected(name))
        assert (result["created"], result["batch_id"]) == (expected, None)
        assert result["rows"] == expected + (1 if name == "formulas-no-cache.xlsx" else 0)
    assert (folder / "keben.db").read_bytes() == before  # a dry run writes nothing
