"""`python main.py report layers`: customers per RFM segment, loyalty type and stage."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import main
from services.customers import CustomerInput, create_customer
from services.paths import DataDir
from services.store import open_store
from services.timeline import save_purchase


@pytest.fixture
def store_with_buyers(tmp_path: Path) -> Path:
    """Three customers: two buyers (one of them twice, long ago) and one who never bought."""
    folder = tmp_path / "cli-layers"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        a = create_customer(s, CustomerInput(remark_name="张丽")).id
        b = create_customer(s, CustomerInput(remark_name="赵磊")).id
        create_customer(s, CustomerInput(remark_name="王芳"))
        save_purchase(s, a, date.today(), "普洱", 1, "3000")
        save_purchase(s, b, date.today() - timedelta(days=200), "白茶", 1, "800")
        save_purchase(s, b, date.today() - timedelta(days=300), "白茶", 1, "800")
    store.close()
    return folder


def test_report_layers_json(store_with_buyers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--data-dir", str(store_with_buyers), "report", "layers", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    payload = json.loads(out)
    assert payload["customers"] == 3
    assert list(payload["rfm_segments"])[:8] == ["重要价值", "重要唤回", "重要深耕", "重要挽留", "潜力", "新客",
                                                 "一般维持", "流失"]
    # Two buyers: each is above the other in one way. 张丽 (R3 F1 M3), 赵磊 (R1 F3 M1).
    assert {k: v for k, v in payload["rfm_segments"].items() if v} == {"重要深耕": 1, "一般维持": 1, "未购买": 1}
    assert payload["loyalty_types"] == {"忠实型": 0, "羊毛型": 0, "需求型": 1, "低需求": 2, "未归类": 0}
    assert payload["stages"] == {"潜在": 1, "新客": 1, "已购": 0, "复购": 0, "VIP": 0, "沉睡": 1, "流失": 0}


def test_report_layers_text_and_an_unknown_report(store_with_buyers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["report", "layers", "--data-dir", str(store_with_buyers)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "共 3 位客户" in out and "RFM 分群" in out and "忠诚类型" in out
    assert any(line.split() == ["需求型", "1"] for line in out.splitlines())
    code = main.main(["--data-dir", str(store_with_buyers), "report", "no-such-report"])
    _, err = capsys.readouterr()
    assert code == 2 and "layers" in err
