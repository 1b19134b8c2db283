"""`python main.py export/import --kind scripts|materials`: the 话术库 and 素材库 go out to Excel and come
back whole, into another data folder or again into the same one (updating, never doubling)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from services.library import (
    MaterialInput,
    ScriptInput,
    create_material,
    create_script,
    list_materials,
    list_scripts,
    record_script_use,
)
from services.paths import DataDir
from services.store import open_store


@pytest.fixture
def library_folder(tmp_path: Path) -> Path:
    """Two scripts (one used twice, one with a leading "=" that must stay text) and two materials."""
    folder = tmp_path / "lib-src"
    store = open_store(DataDir.at(folder))
    with store.db.session() as s:
        used = create_script(s, ScriptInput("到货后回访", "回访", "{称呼}，{产品}收到了吧？喝了几泡感觉怎么样？"))
        create_script(s, ScriptInput("", "生日祝福", "=生日快乐！{称呼}，给您准备了一份小礼🎁"))
        record_script_use(s, used)
        record_script_use(s, used)
        create_material(s, folder, MaterialInput("text", "白茶怎么存", "专业知识", "密封、避光、防异味", "白茶 存茶"))
        create_material(s, folder, MaterialInput("link", "", "专业知识", "mp.weixin.qq.com/s/abc", "科普"))
    store.close()
    return folder


def _scripts(folder: Path) -> list[tuple[str, str, str, int]]:
    store = open_store(DataDir.at(folder))
    try:
        with store.db.session() as s:
            return sorted((r.category, r.title, r.body, r.use_count) for r in list_scripts(s))
    finally:
        store.close()


def _json(capsys: pytest.CaptureFixture[str], code: int) -> dict[str, object]:
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_scripts_export_and_import_again(library_folder: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "话术.xlsx"
    exported = _json(capsys, main.main(["export", "--data-dir", str(library_folder), "--kind", "scripts",
                                        "--out", str(book), "--json"]))
    assert exported["rows"] == 2 and book.is_file()

    target = tmp_path / "lib-new"
    imported = _json(capsys, main.main(["import", str(book), "--data-dir", str(target), "--kind", "scripts",
                                        "--json"]))
    assert (imported["created"], imported["errors"]) == (2, [])
    assert _scripts(target) == _scripts(library_folder)  # titles, categories, text (= kept as text), uses
    assert ("回访", "到货后回访", "{称呼}，{产品}收到了吧？喝了几泡感觉怎么样？", 2) in _scripts(target)

    again = _json(capsys, main.main(["import", str(book), "--data-dir", str(target), "--kind", "scripts", "--json"]))
    assert (again["created"], again["updated"]) == (0, 2)  # the same 分类 + 标题: updated, not doubled
    assert len(_scripts(target)) == 2


def test_materials_export_and_import(library_folder: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "素材.xlsx"
    _json(capsys, main.main(["export", "--data-dir", str(library_folder), "--kind", "materials", "--out", str(book),
                             "--json"]))
    target = tmp_path / "lib-new"
    imported = _json(capsys, main.main(["import", str(book), "--data-dir", str(target), "--kind", "materials",
                                        "--json"]))
    assert (imported["created"], imported["errors"]) == (2, [])
    store = open_store(DataDir.at(target))
    with store.db.session() as s:
        found = {(m.kind, m.title, m.body, m.tags) for m in list_materials(s)}
    store.close()
    assert found == {("text", "白茶怎么存", "密封、避光、防异味", ("白茶", "存茶")),
                     ("link", "mp.weixin.qq.com", "https://mp.weixin.qq.com/s/abc", ("科普",))}


def test_scripts_template_and_bad_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "话术模板.xlsx"
    _json(capsys, main.main(["export", "--data-dir", str(tmp_path / "d"), "--kind", "scripts", "--template",
                             "--out", str(template), "--json"]))
    assert template.is_file()
    code = main.main(["export", "--data-dir", str(tmp_path / "d"), "--kind", "script", "--out", str(template)])
    assert code == 2 and "scripts" in capsys.readouterr().err  # one clear line naming the kinds
