"""`python main.py report referrals [--from] [--to] [--json]`: methods, campaigns and the leaderboard."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import main
from services.campaigns import create_campaign
from services.customers import CustomerInput, create_customer
from services.paths import DataDir
from services.referrals import log_referral
from services.store import open_store
from services.timeline import save_purchase


@pytest.fixture
def store_with_referrals(tmp_path: Path) -> Path:
    """王姐 brought 李老师 (bought ￥300 + ￥500) and 张总 (not yet) in a campaign; 陈哥 brought 周姐 (￥1,000)."""
    folder = tmp_path / "cli-referrals"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        ids = {n: create_customer(s, CustomerInput(remark_name=n)).id for n in ("王姐", "李老师", "张总", "陈哥", "周姐")}
        save_purchase(s, ids["李老师"], date(2025, 3, 10), "普洱", 1, "300")
        save_purchase(s, ids["李老师"], date(2025, 4, 2), "白茶", 1, "500")
        save_purchase(s, ids["周姐"], date(2025, 5, 20), "岩茶", 1, "1000")
        camp = create_campaign(s, "春茶拼团", method="拼团", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31),
                               cost_cents=40000)
        create_campaign(s, "空活动", method="比赛")
        log_referral(s, ids["王姐"], ids["李老师"], referred_on=date(2025, 3, 5), method="拼团", campaign_id=camp,
                     reward_value_cents=3000, reward_status="待发放")
        log_referral(s, ids["王姐"], ids["张总"], referred_on=date(2025, 3, 8), method="拼团", campaign_id=camp,
                     reward_value_cents=3000, reward_status="已发放")
        log_referral(s, ids["陈哥"], ids["周姐"], referred_on=date(2025, 5, 1), method="口碑")
    store.close()
    return folder


def _report(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main.main(["--data-dir", str(folder), "report", "referrals", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_report_referrals_json(store_with_referrals: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _report(store_with_referrals, capsys)
    assert set(payload) == {"from", "to", "methods", "campaigns", "leaderboard"}
    assert (payload["from"], payload["to"]) == (None, None)
    methods = {m["method"]: m for m in payload["methods"]}
    assert len(methods) == 12
    assert methods["拼团"] == {"method": "拼团", "referrals": 2, "buyers": 1, "revenue": 800.0}
    assert methods["口碑"] == {"method": "口碑", "referrals": 1, "buyers": 1, "revenue": 1000.0}
    assert methods["比赛"]["referrals"] == 0
    campaigns = {c["name"]: c for c in payload["campaigns"]}
    assert campaigns["春茶拼团"] == {
        "name": "春茶拼团", "method": "拼团", "starts_on": "2025-03-01", "ends_on": "2025-03-31",
        "new_customers": 2, "buyers": 1, "revenue": 800.0, "cost": 400.0, "cost_per_new": 200.0,
        "rewards_owed": 1, "rewards_owed_amount": 30.0}
    assert campaigns["空活动"]["new_customers"] == 0 and campaigns["空活动"]["cost_per_new"] is None
    board = payload["leaderboard"]
    assert [(r["rank"], r["referrer"], r["referred"], r["buyers"], r["revenue"]) for r in board] == [
        (1, "王姐", 2, 1, 800.0), (2, "陈哥", 1, 1, 1000.0)]
    assert board[0]["name"] == "王姐" and board[0]["referred_buyers"] == 1 and board[0]["referred_revenue"] == 800.0


def test_report_referrals_period(store_with_referrals: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _report(store_with_referrals, capsys, "--from", "2025-04-01", "--to", "2025-05-31")
    assert (payload["from"], payload["to"]) == ("2025-04-01", "2025-05-31")
    assert [r["referrer"] for r in payload["leaderboard"]] == ["陈哥"]
    assert {c["name"]: c["new_customers"] for c in payload["campaigns"]} == {"春茶拼团": 0, "空活动": 0}


def test_report_referrals_table_and_bad_dates(store_with_referrals: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["--data-dir", str(store_with_referrals), "report", "referrals"]) == 0
    out = capsys.readouterr().out
    assert "共 3 位新客户" in out and "春茶拼团" in out and "介绍人排行榜" in out and "¥800" in out
    code = main.main(["--data-dir", str(store_with_referrals), "report", "referrals", "--from", "2025-06-01",
                      "--to", "2025-01-01"])
    assert code == 2
    assert "晚于" in capsys.readouterr().err
