"""`python main.py report loyalty [--json]`: customers per tier, points issued and spent, care cost."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import main
from models.loyalty import CareEntry
from services import points as pts
from services import tiers
from services.customers import CustomerInput, create_customer
from services.paths import DataDir
from services.store import open_store
from services.timeline import save_purchase


@pytest.fixture
def loyal_store(tmp_path: Path) -> Path:
    folder = tmp_path / "cli-loyalty"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        a = create_customer(s, CustomerInput(remark_name="王芳")).id
        b = create_customer(s, CustomerInput(remark_name="张丽")).id
        create_customer(s, CustomerInput(remark_name="赵磊"))
        tiers.load_default_tiers(s)
        save_purchase(s, a, date.today(), "老班章", 1, "12000")  # 12,000 points, 金卡
        save_purchase(s, b, date.today() - timedelta(days=30), "大红袍", 1, "880")  # 880 points, 普通
        pts.spend_points(s, a, 500, "兑换建盏")
        s.add_all([CareEntry(customer_id=a, given_on=date.today() - timedelta(days=10), kind="gift", cost_cents=58850),
                   CareEntry(customer_id=b, given_on=date.today() - timedelta(days=400), kind="gift", cost_cents=10000),
                   CareEntry(customer_id=b, given_on=date.today(), kind="visit", cost_cents=20000,
                             deleted_at=date.today())])
        s.commit()
    store.close()
    return folder


def test_report_loyalty_json(loyal_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--data-dir", str(loyal_store), "report", "loyalty", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert payload["tiers"] == [{"name": "普通会员", "customers": 2}, {"name": "银卡会员", "customers": 0},
                                {"name": "金卡会员", "customers": 1}, {"name": "黑金会员", "customers": 0}]
    assert (payload["points_issued"], payload["points_spent"]) == (12880, 500)
    assert payload["care_cost_12m"] == 588.5  # the gift of 10 days ago; not last year's, not the trashed one


def test_report_loyalty_text(loyal_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["--data-dir", str(loyal_store), "report", "loyalty"]) == 0
    out = capsys.readouterr().out
    assert "金卡会员" in out and "发放 12,880" in out and "￥588.50" in out
