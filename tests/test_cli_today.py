"""`python main.py today [--date YYYY-MM-DD] [--json]`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import main
from services.birthday import Birthday
from services.customers import CustomerInput, create_customer
from services.paths import DataDir
from services.store import open_store
from services.timeline import save_follow_up, save_purchase

D = date(2026, 3, 10)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """张丽: an overdue follow-up and her first purchase a week before D; 王芳: added on D, a birthday."""
    folder = tmp_path / "cli-today"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        a = create_customer(s, CustomerInput(remark_name="张丽", added_on=D - timedelta(days=60))).id
        create_customer(s, CustomerInput(remark_name="王芳", added_on=D, birthday=Birthday(3, 12)))
        save_follow_up(s, a, D - timedelta(days=1), "回访面霜使用感受")
        save_purchase(s, a, D - timedelta(days=7), "玫瑰精华面霜 50g", 1, "398")
    store.close()
    return folder


def test_today_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["today", "--date", "2026-03-10", "--json", "--data-dir", str(folder)])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert payload["date"] == "2026-03-10"
    assert [(i["kind"], i["customer"], i["title"], i["due"]) for i in payload["items"]] == [
        ("follow_up", "张丽", "回访面霜使用感受", "2026-03-09"),
        ("journey", "王芳", "T+0 欢迎", "2026-03-10"),
        ("journey", "张丽", "T+7 回访", "2026-03-10"),
        ("birthday", "王芳", "生日", "2026-03-12"),
    ]
    assert payload["counts"] == {"overdue": 1, "journey": 2, "birthday": 1}


def test_today_text(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--data-dir", str(folder), "today", "--date", "2026-10-01"])
    out, _ = capsys.readouterr()
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("2026-10-01 星期四 农历八月廿一 国庆节 放假：共 ")
    assert "逾期跟进（1）" in out and "回访面霜使用感受" in out


def test_a_bad_date_is_refused_with_one_clear_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--data-dir", str(folder), "today", "--date", "2026-02-30", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.strip().splitlines() == ["--date 应写成 YYYY-MM-DD，如 2026-05-01（收到的是“2026-02-30”）"]
