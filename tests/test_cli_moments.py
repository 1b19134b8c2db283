"""`python main.py report moments [--weeks N] [--json]`: pillar engagement and the weekly hard-sell share."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import main
from services import moments as m
from services.paths import DataDir
from services.store import open_store


@pytest.fixture
def store_with_posts(tmp_path: Path) -> Path:
    """This week: two published posts (产品种草 with results, 生活人设) and one planned 活动福利."""
    folder = tmp_path / "cli-moments"
    store = open_store(DataDir.at(folder))
    monday = date.today() - timedelta(days=date.today().weekday())
    with store.db.session() as s:
        pillars = {p.name: p.id for p in m.list_pillars(s)}
        at = datetime.combine(monday, datetime.min.time()).replace(hour=9)
        sell = m.create_post(s, m.PostInput(at, "新茶", pillar_id=pillars["产品种草"]))
        m.publish_post(s, sell, at)
        m.record_results(s, sell, 12, 3, 2, 1, 29850)
        life = m.create_post(s, m.PostInput(at.replace(hour=8), "早安", pillar_id=pillars["生活人设"]))
        m.publish_post(s, life, at.replace(hour=8))
        m.create_post(s, m.PostInput(at + timedelta(days=2), "会员日", pillar_id=pillars["活动福利"]))
    store.close()
    return folder


def test_report_moments_json(store_with_posts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--data-dir", str(store_with_posts), "report", "moments", "--weeks", "2", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload) == ["pillars", "weeks"]
    pillars = {p["pillar"]: p for p in payload["pillars"]}
    assert pillars["产品种草"] == {"pillar": "产品种草", "posts": 1, "likes": 12, "comments": 3, "inquiries": 2,
                                "orders": 1, "revenue": 298.5}
    assert pillars["生活人设"]["posts"] == 1 and pillars["活动福利"]["posts"] == 0
    assert len(payload["weeks"]) == 2
    last = payload["weeks"][-1]
    assert set(last) == {"week", "posts", "hard_sell_share", "over_threshold"}
    assert (last["posts"], last["hard_sell_share"], last["over_threshold"]) == (3, 0.67, True)
    assert payload["weeks"][0]["posts"] == 0


def test_report_moments_table(store_with_posts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["--data-dir", str(store_with_posts), "report", "moments"]) == 0
    out = capsys.readouterr().out
    assert "产品种草" in out and "¥298.50" in out and "67%" in out and "超过提醒线" in out
    assert len([line for line in out.splitlines() if line.startswith("20")]) == 8  # eight weeks by default


def test_report_moments_bad_weeks(store_with_posts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["--data-dir", str(store_with_posts), "report", "moments", "--weeks", "0"]) == 2
    assert "--weeks" in capsys.readouterr().err
