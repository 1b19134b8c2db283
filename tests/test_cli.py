"""The command line as a user runs it: exit codes, one clear line on stderr, --json output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import main
from services.customers import CustomerInput, create_customer
from services.paths import DataDir
from services.store import open_store
from services.tags import save_group, save_tag
from services.timeline import save_note

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A data folder with three customers, two tags and a note."""
    folder = tmp_path / "cli-data"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        group = save_group(s, "消费能力", multi=False)
        high, low = save_tag(s, group, "高"), save_tag(s, group, "低")
        interests = save_group(s, "兴趣")
        tea = save_tag(s, interests, "普洱")
        zl = create_customer(s, CustomerInput(remark_name="张丽", wechat_id="zhangli88", phone="13800138000"), [high, tea])
        create_customer(s, CustomerInput(remark_name="赵磊", phone="13900139000"), [low, tea])
        create_customer(s, CustomerInput(remark_name="王芳"), [high])
        save_note(s, zl.id, "喜好", "喜欢喝熟普，不喝绿茶")
    store.close()
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_find_json_by_pinyin_initials(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--data-dir", str(filled), "find", "zl", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["total"] == 2  # 张丽 and 赵磊 both have the initials zl
    assert {r["name"] for r in payload["results"]} == {"张丽", "赵磊"}
    assert isinstance(payload["elapsed_ms"], float)
    first = next(r for r in payload["results"] if r["name"] == "张丽")
    assert first == {"id": first["id"], "name": "张丽", "wechat_id": "zhangli88", "phone": "13800138000",
                     "tags": ["高", "普洱"]}


def test_find_tags_and_note_text_with_options_after_the_command(filled: Path, capsys) -> None:
    code, out, _ = run(capsys, "find", "", "--tag", "普洱", "--not-tag", "低", "--json", "--data-dir", str(filled))
    assert code == 0
    assert [r["name"] for r in json.loads(out)["results"]] == ["张丽"]
    code, out, _ = run(capsys, "--data-dir", str(filled), "find", "熟普", "--json")
    assert [r["name"] for r in json.loads(out)["results"]] == ["张丽"]
    code, out, _ = run(capsys, "--data-dir", str(filled), "find", "", "--any-tag", "高", "--limit", "1", "--json")
    payload = json.loads(out)
    assert payload["total"] == 2 and len(payload["results"]) == 1


def test_unknown_tag_is_bad_input_with_one_line(filled: Path, capsys) -> None:
    code, out, err = run(capsys, "--data-dir", str(filled), "find", "--tag", "不存在的标签")
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0 and "不存在的标签" in err


def test_bad_usage_exits_2(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "find", "--limit", "many")
    assert code == 2 and "--limit" in err
    code, _, err = run(capsys, "no-such-command")
    assert code == 2 and err.strip()


def test_second_copy_on_the_same_folder_is_refused(filled: Path, capsys) -> None:
    holder = open_store(DataDir.at(filled))  # another KeBen has the folder open
    try:
        code, _, err = run(capsys, "--data-dir", str(filled), "demo", "--customers", "5")
    finally:
        holder.close()
    assert code == 2
    assert "已经在使用" in err


def test_a_bug_exits_1_with_the_traceback_in_the_log(filled: Path, capsys, monkeypatch) -> None:
    from services import cli

    def broken(session, args):
        raise RuntimeError("boom")

    monkeypatch.setitem(cli.COMMANDS, "find", broken)
    code, _, err = run(capsys, "--data-dir", str(filled), "find", "x")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "keben.log" in err
    log = (filled / "logs" / "keben.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom" in log


def _gui(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)


def test_smoke_visits_every_page_on_an_empty_and_a_filled_store(tmp_path: Path, filled: Path) -> None:
    empty = _gui("--data-dir", str(tmp_path / "empty"), "--smoke", home=tmp_path)
    assert empty.returncode == 0, empty.stderr
    with_data = _gui("--smoke", "--data-dir", str(filled), home=tmp_path)
    assert with_data.returncode == 0, with_data.stderr


def test_screenshot_renders_every_page(tmp_path: Path, filled: Path) -> None:
    out = tmp_path / "shots"
    result = _gui("--data-dir", str(filled), "screenshot", "--out", str(out), "--size", "1200x800", home=tmp_path)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    for page in ("today", "customers", "trash", "settings"):
        image = QImage(str(out / f"{page}.png"))
        assert (image.width(), image.height()) == (1200, 800)
    bad = _gui("--data-dir", str(filled), "screenshot", "--out", str(out), "--size", "big", home=tmp_path)
    assert bad.returncode == 2 and "--size" in bad.stderr


def test_demo_fills_a_believable_store(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "demo"
    code, out, err = run(capsys, "demo", "--customers", "40", "--seed", "3", "--json", "--data-dir", str(folder))
    assert code == 0, err
    counts = json.loads(out)
    assert counts["customers"] == 40 and counts["notes"] > 40 and counts["purchases"] > 0
    code, out, _ = run(capsys, "--data-dir", str(folder), "find", "", "--limit", "100", "--json")
    found = json.loads(out)
    assert found["total"] == 40
    assert all(r["name"] and any("\u4e00" <= ch <= "\u9fff" for ch in r["name"]) for r in found["results"])
    assert sum(bool(r["tags"]) for r in found["results"]) == 40
    code, _, err = run(capsys, "--data-dir", str(folder), "demo", "--customers", "-1")
    assert code == 2 and "不能是负数" in err
