"""`python main.py report groups [--from] [--to] [--json]`: each group's metrics of a period."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import main
from services.group_metrics import DayStat, save_stats
from services.groups import GroupInput, save_group
from services.paths import DataDir
from services.store import open_store


@pytest.fixture
def store_with_groups(tmp_path: Path) -> Path:
    """Two groups: one with two days of stats in March 2025, one with none at all."""
    folder = tmp_path / "cli-groups"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        vip = save_group(s, GroupInput(name="VIP茶友群", kind="VIP群", created_on=date(2025, 1, 1)))
        save_group(s, GroupInput(name="新人引流群", kind="引流群", created_on=date(2025, 3, 1)))
        save_stats(s, vip, [
            DayStat(date(2025, 3, 1), members=200, joined=20, left=5, exposures=400, messages=300,
                    active_speakers=40, buyers=6, orders=7, revenue_cents=1800_00, cost_cents=300_00),
            DayStat(date(2025, 3, 2), members=210, joined=15, left=5, exposures=100, messages=220,
                    active_speakers=30, buyers=4, orders=4, revenue_cents=1200_00, cost_cents=200_00),
            DayStat(date(2025, 4, 1), members=300, joined=100, left=10, exposures=1000),  # outside the period
        ])
    store.close()
    return folder


def _run(folder: Path, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "report", "groups", *args]


def test_report_groups_json(store_with_groups: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(_run(store_with_groups, "--from", "2025-03-01", "--to", "2025-03-31", "--json"))
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert (payload["from"], payload["to"]) == ("2025-03-01", "2025-03-31")
    by_name = {g["name"]: g for g in payload["groups"]}
    assert list(by_name) == ["VIP茶友群", "新人引流群"]
    vip = by_name["VIP茶友群"]["metrics"]
    assert list(vip) == ["join_rate", "leave_rate", "interaction_rate", "messages_per_member", "retention_rate",
                         "conversion_rate", "avg_order_value", "roi"]
    # joined 35 / exposures 500; M_end 210, left 10 → M_ever 220; member-days 410.
    assert vip == {"join_rate": 0.07, "leave_rate": round(10 / 220, 4), "interaction_rate": round(70 / 410, 4),
                   "messages_per_member": round(520 / 410, 4), "retention_rate": round(210 / 220, 4),
                   "conversion_rate": round(10 / 220, 4), "avg_order_value": 300.0, "roi": 6.0}
    assert by_name["新人引流群"]["metrics"] == dict.fromkeys(vip)  # no stats: every denominator is 0 → null
    assert by_name["VIP茶友群"]["stage"] == "变现期"


def test_report_groups_table(store_with_groups: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(_run(store_with_groups, "--from", "2025-03-01", "--to", "2025-03-31"))
    out, _err = capsys.readouterr()
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "社群数据 2025-03-01 至 2025-03-31（共 2 个群）"
    assert lines[1].split() == ["群名称", "类型", "阶段", "进群率", "退群率", "互动率", "人均消息量", "留存率", "转化率",
                                "客单价", "ROI"]
    assert lines[2].split() == ["VIP茶友群", "VIP群", "变现期", "7.0%", "4.5%", "17.1%", "1.27", "95.5%", "4.5%", "¥300",
                                "6.00"]
    assert lines[3].split()[3:] == ["—"] * 8


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2025-13-01"), "--from 的日期“2025-13-01”不对"),
    (("--to", "昨天"), "--to 的日期“昨天”不对"),
    (("--from", "2025-03-10", "--to", "2025-03-01"), "--from 2025-03-10 晚于 --to 2025-03-01"),
])
def test_bad_dates_exit_2_with_a_clear_line(store_with_groups: Path, capsys: pytest.CaptureFixture[str],
                                            args: tuple[str, ...], message: str) -> None:
    code = main.main(_run(store_with_groups, *args, "--json"))
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
