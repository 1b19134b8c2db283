"""话术库 and 素材库: placeholder filling (称呼 rules, missing values), search, usage counts, trash,
image copies, link checks, and the `scripts` / `materials` Excel kinds (registered here)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Material, Purchase, Script
from services import library as lib
from services.demo_library import product_card
from services.errors import NotFoundError, ValidationError
from services.excel import columns, kinds, undo
from services.excel.engine import ImportOptions, run_import, suggest_mapping
from services.excel.kinds_library import (
    LIBRARY_COLUMNS,
    LIBRARY_CREATED_TABLES,
    LIBRARY_KIND_CLASSES,
    LIBRARY_LABELS,
    export_library_kind,
)
from services.excel.undo import undo_import
from services.library_defaults import STARTER_SCRIPTS
from services.library_fill import CustomerInfo, fill_script, form_of_address, full_name
from services.paths import DataDir
from services.timeline import delete_purchase, save_purchase
from tests.services.helpers import AddCustomer

TODAY = date(2025, 6, 1)


# ---- placeholders ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("remark", "real", "gender", "year", "expected"), [
    ("王丽", "", "女", None, "王姐"),
    ("李伟", "", "男", None, "李先生"),
    ("王丽-普洱", "", "女", 1985, "王姐"),  # decorations after the name are ignored
    ("A-张丽", "", "女", 1960, "张阿姨"),  # 65 years old
    ("陈强 杭州", "", "男", 1950, "陈叔叔"),
    ("王总(建材)", "", "男", None, "王总"),  # already a form of address: used as written
    ("刘老师-护肤", "", "女", None, "刘老师"),
    ("小丽宝妈", "", "女", None, "小丽宝妈"),
    ("Lily 王", "", "女", None, "王姐"),  # a lone surname is enough
    ("丽丽", "赵丽", "女", None, "赵姐"),  # the surname comes from 真实姓名
    ("欧阳娜娜", "", "女", None, "欧阳姐"),
    ("张丽", "", "", None, "张丽"),  # no gender: the full name
    ("丽丽", "", "女", None, "丽丽"),  # a pet name, no surname: the 备注名
    ("林林", "", "女", None, "林林"),  # doubled: a pet name, not 林 + 林
    ("Coco🌸", "", "", None, "Coco🌸"),
])
def test_form_of_address_rules(remark: str, real: str, gender: str, year: int | None, expected: str) -> None:
    assert form_of_address(CustomerInfo(remark, real, gender, year), TODAY) == expected


def test_full_name_is_the_real_name_or_a_remark_that_is_a_name() -> None:
    assert full_name(CustomerInfo("王姐", "王丽")) == "王丽"
    assert full_name(CustomerInfo("王丽 杭州")) == "王丽"
    assert full_name(CustomerInfo("王姐")) == ""  # a form of address is not a name
    assert full_name(CustomerInfo("Lily")) == ""


def test_fill_reports_missing_values_and_leaves_a_visible_gap() -> None:
    body = "{称呼}您好！{姓名}，您{上次购买}用得怎么样？{产品}还要吗？{地址}"
    filled = fill_script(body, CustomerInfo("丽丽", gender="女"), TODAY)
    assert filled.text == "丽丽您好！【姓名】，您【上次购买】用得怎么样？【产品】还要吗？{地址}"
    assert filled.missing == ["{姓名}", "{上次购买}", "{产品}"]
    assert [s for s in filled.segments if s[2]] == [("【姓名】", "姓名", True), ("【上次购买】", "上次购买", True),
                                                   ("【产品】", "产品", True)]
    assert "".join(s[0] for s in filled.segments) == filled.text


def test_fill_with_purchases_and_without_customer() -> None:
    info = CustomerInfo("王丽", "", "女", None, "老白茶饼", "熟普茶砖", date(2025, 3, 5))
    assert fill_script("{称呼}，您{上次购买}喝完了吗？{产品}", info, TODAY).text == "王姐，您3月5日买的熟普茶砖喝完了吗？老白茶饼"
    old = CustomerInfo("王丽", last_product="熟普", last_purchase_on=date(2024, 12, 30))
    assert "2024年12月30日买的熟普" in fill_script("{上次购买}", old, TODAY).text
    nobody = fill_script("{称呼}好", None)
    assert (nobody.text, nobody.missing) == ("【称呼】好", ["{称呼}"])


def test_customer_info_most_bought_and_latest_purchase(session: Session, add_customer: AddCustomer) -> None:
    cid = add_customer("李娜-白茶", real_name="李娜", gender="女")
    today = date.today()
    save_purchase(session, cid, today - timedelta(days=90), "老白茶饼", 1, "398")
    save_purchase(session, cid, today - timedelta(days=60), "老白茶饼", 1, "398")
    save_purchase(session, cid, today - timedelta(days=10), "小青柑", 1, "138")
    gone = save_purchase(session, cid, today - timedelta(days=1), "建盏", 1, "458")
    delete_purchase(session, gone)  # in the trash: not the last purchase any more
    session.add(Purchase(customer_id=cid, purchased_on=today, product="历史累计消费（导入）", amount_cents=5000_00))
    session.commit()  # a purchase an import made up to keep a total: not a product
    info = lib.customer_info(session, cid)
    assert (info.top_product, info.last_product, info.last_purchase_on) == (
        "老白茶饼", "小青柑", today - timedelta(days=10))
    script_id = lib.create_script(session, lib.ScriptInput("回访", "回访", "{称呼}，{姓名}，{产品}"))
    assert lib.script_for_customer(session, script_id, cid).text == "李姐，李娜，老白茶饼"
    with pytest.raises(NotFoundError):
        lib.customer_info(session, 9999)


# ---- scripts -----------------------------------------------------------------------------------------

def test_scripts_search_categories_and_most_used_order(session: Session) -> None:
    a = lib.create_script(session, lib.ScriptInput("到货回访", "回访", "{称呼}，{产品}收到了吧？"))
    b = lib.create_script(session, lib.ScriptInput("", "欢迎语", "{称呼}您好，很高兴认识您～我是店主"))
    c = lib.create_script(session, lib.ScriptInput("老客答谢", "VIP专属", "感谢一年的支持 100%真心"))
    assert lib.get_script(session, b).title == "您好，很高兴认识您～我是店主"  # a title made from the text
    assert {s.id for s in lib.list_scripts(session, "收到")} == {a}  # body
    assert {s.id for s in lib.list_scripts(session, "答谢")} == {c}  # title
    assert [s.id for s in lib.list_scripts(session, "100%")] == [c]  # % is a character, not a wildcard
    assert [s.id for s in lib.list_scripts(session, category="欢迎语")] == [b]
    for _ in range(3):
        lib.record_script_use(session, c)
    assert lib.record_script_use(session, a) == 1
    rows = lib.list_scripts(session)
    assert [r.id for r in rows] == [c, a, b]
    assert rows[0].use_count == 3 and rows[0].last_used_at is not None and rows[2].last_used_at is None
    categories = lib.script_categories(session)
    assert [name for name, _n in categories][:8] == list(lib.SCRIPT_CATEGORIES)
    assert ("VIP专属", 1) in categories and ("回访", 1) in categories and ("售后", 0) in categories


def test_script_validation_messages(session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        lib.create_script(session, lib.ScriptInput("x" * 101, "y" * 21, "  "))
    assert caught.value.fields == {"body": "话术内容不能为空", "title": "标题太长了（最多100个字）",
                                   "category": "分类名太长了（最多20个字）"}
    assert lib.script_count(session) == 0
    known, unknown = lib.placeholders_in("{称呼}{地址}{称呼}{产品}")
    assert (known, unknown) == (["{称呼}", "{产品}"], ["{地址}"])


def test_trash_restore_and_purge_scripts(session: Session) -> None:
    sid = lib.create_script(session, lib.ScriptInput("生日", "生日祝福", "{称呼}生日快乐"))
    assert lib.trash_scripts(session, [sid]) == 1
    assert lib.list_scripts(session) == [] and [s.id for s in lib.list_trashed_scripts(session)] == [sid]
    with pytest.raises(NotFoundError):
        lib.record_script_use(session, sid)
    assert lib.restore_scripts(session, [sid]) == 1
    assert [s.id for s in lib.list_scripts(session)] == [sid]
    lib.trash_scripts(session, [sid])
    assert lib.purge_scripts(session, None) == 1
    assert session.get(Script, sid) is None


def test_starter_scripts_cover_every_category_once(session: Session) -> None:
    added = lib.load_starter_scripts(session)
    assert added == len(STARTER_SCRIPTS) >= 25
    assert {c for c, _t, _b in STARTER_SCRIPTS} == set(lib.SCRIPT_CATEGORIES)
    assert lib.load_starter_scripts(session) == 0  # nothing twice
    for _category, _title, body in STARTER_SCRIPTS:
        assert "{称呼}" in body and not lib.placeholders_in(body)[1]


# ---- materials ---------------------------------------------------------------------------------------

def png(path: Path) -> Path:
    path.write_bytes(product_card((250, 240, 230), (120, 80, 40), (220, 200, 160), "cake", size=24))
    return path


def test_image_is_copied_into_the_data_folder_with_a_unique_name(session: Session, data_dir: DataDir,
                                                                   tmp_path: Path) -> None:
    source = png(tmp_path / "新品 图.png")
    first = lib.create_material(session, data_dir.root, lib.MaterialInput("image", "", "产品种草", image=source))
    second = lib.create_material(session, data_dir.root, lib.MaterialInput("image", "另一张", image=source))
    a, b = lib.materials_by_id(session, [first, second])
    assert a.title == "新品 图" and a.path.startswith("media/materials/") and a.path != b.path
    copied = lib.material_file(data_dir.root, a)
    assert copied is not None and copied.parent == data_dir.media / "materials"
    assert copied.read_bytes() == source.read_bytes()
    source.unlink()  # the original may go: the library keeps its copy
    assert lib.material_file(data_dir.root, a) == copied
    assert lib.material_text(session, first) == ""


def test_bad_images_are_refused_with_a_clear_message(session: Session, data_dir: DataDir, tmp_path: Path) -> None:
    fake = tmp_path / "假图.jpg"
    fake.write_text("not an image")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    cases = {fake: "“假图.jpg”打不开：文件内容不是JPG图片", notes: "“notes.txt”不是支持的图片格式",
             tmp_path / "none.png": "找不到图片文件"}
    for path, message in cases.items():
        with pytest.raises(ValidationError) as caught:
            lib.create_material(session, data_dir.root, lib.MaterialInput("image", "x", image=path))
        assert message in caught.value.fields["image"]
    with pytest.raises(ValidationError, match="请选择一张图片"):
        lib.create_material(session, data_dir.root, lib.MaterialInput("image", "x"))
    assert session.scalars(select(Material)).all() == []
    assert not (data_dir.media / "materials").exists() or not any((data_dir.media / "materials").iterdir())


@pytest.mark.parametrize(("typed", "stored"), [
    ("https://mp.weixin.qq.com/s/AbC123", "https://mp.weixin.qq.com/s/AbC123"),
    ("mp.weixin.qq.com/s/AbC123", "https://mp.weixin.qq.com/s/AbC123"),
    ("ＨＴＴＰ://example.com/a?b=1", "HTTP://example.com/a?b=1"),
    ("https://baike.baidu.com/item/普洱茶", "https://baike.baidu.com/item/普洱茶"),
])
def test_links_are_cleaned(typed: str, stored: str) -> None:
    assert lib.clean_link(typed) == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("", "链接地址为空"), ("https://exa mple.com", "不能有空格"), ("ftp://example.com/x", "只支持 http:// 或 https://"),
    ("javascript:alert(1)", "只支持 http:// 或 https://"), ("https://nodot/x", "不是有效的网址"),
    ("http://", "不是有效的网址"), ("https://example.com:99999/", "不是有效的网址"), ("新品介绍", "不是有效的网址"),
])
def test_bad_links_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lib.clean_link(typed)


def test_materials_search_tags_usage_and_text(session: Session, data_dir: DataDir) -> None:
    root = data_dir.root
    text = lib.create_material(session, root, lib.MaterialInput("text", "白茶怎么存", "专业知识", "避光、防潮、无异味",
                                                                "白茶，存茶、科普"))
    link = lib.create_material(session, root, lib.MaterialInput("link", "", "", "mp.weixin.qq.com/s/x", "白茶"))
    assert lib.get_material(session, text).tags == ("白茶", "存茶", "科普")
    assert lib.get_material(session, link).title == "mp.weixin.qq.com"
    assert lib.material_text(session, link) == "https://mp.weixin.qq.com/s/x"
    assert lib.material_text(session, text) == "避光、防潮、无异味"
    assert [m.id for m in lib.list_materials(session, "防潮")] == [text]
    assert [m.id for m in lib.list_materials(session, tag="存茶")] == [text]
    assert [m.id for m in lib.list_materials(session, tag="存")] == []  # whole words only
    assert {m.id for m in lib.list_materials(session, tag="白茶")} == {text, link}
    assert [m.id for m in lib.list_materials(session, kind="link")] == [link]
    assert [m.id for m in lib.list_materials(session, category="")] == [link]
    assert lib.record_material_use(session, text) == 1
    assert [m.id for m in lib.list_materials(session)] == [text, link]  # most used first
    assert ("白茶", 2) in lib.material_tags(session)
    assert ("专业知识", 1) in lib.material_categories(session) and lib.material_categories(session)[-1] == ("", 1)
    with pytest.raises(ValidationError) as caught:
        lib.update_material(session, root, link, lib.MaterialInput("link", "x", body="不是网址"))
    assert "不是有效的网址" in caught.value.fields["body"]
    with pytest.raises(ValidationError, match="每个标签最多20个字"):
        lib.create_material(session, root, lib.MaterialInput("text", "t", body="b", tags="长" * 21))


def test_trash_and_purge_materials_keeps_shared_files(session: Session, data_dir: DataDir, tmp_path: Path) -> None:
    root = data_dir.root
    image = lib.create_material(session, root, lib.MaterialInput("image", "图", image=png(tmp_path / "a.png")))
    twin = lib.create_material(session, root, lib.MaterialInput("image", "同一张", image=png(tmp_path / "b.png")))
    path = lib.get_material(session, image).path
    session.get(Material, twin).path = path  # type: ignore[union-attr]  # two materials, one file
    session.commit()
    assert [m.id for m in lib.materials_by_id(session, [twin, image, twin])] == [twin, image]
    lib.trash_materials(session, [image])
    assert [m.id for m in lib.materials_by_id(session, [twin, image])] == [twin]
    with pytest.raises(NotFoundError):
        lib.material_text(session, image)
    assert lib.restore_materials(session, [image]) == 1 and lib.trash_materials(session, [image]) == 1
    assert lib.purge_materials(session, root, [image]) == 1
    assert (root / path).is_file()  # the twin still uses it
    lib.trash_materials(session, [twin])
    assert lib.purge_materials(session, root) == 1
    assert not (root / path).exists()


# ---- Excel kinds -------------------------------------------------------------------------------------

@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, cols in LIBRARY_COLUMNS.items():
        monkeypatch.setitem(columns.KINDS, kind, cols)
        monkeypatch.setitem(columns.KIND_LABELS, kind, LIBRARY_LABELS[kind])
        monkeypatch.setitem(kinds.KIND_CLASSES, kind, LIBRARY_KIND_CLASSES[kind])
    monkeypatch.setattr(undo, "CREATED_TABLES", (*undo.CREATED_TABLES, *LIBRARY_CREATED_TABLES))
    for model in LIBRARY_CREATED_TABLES:
        monkeypatch.setitem(undo.RECORD_TABLES, model.__tablename__, model)


def sheet_rows(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    return [str(h) for h in values[0]], [(i + 2, row) for i, row in enumerate(values[1:])]


def do_import(session: Session, kind: str, headers: list[str], data: list[tuple[int, list[object]]]):
    mapping = suggest_mapping(session, kind, headers)
    return run_import(session, kind, headers, data, ImportOptions(mapping), file_name="库.xlsx")


@pytest.mark.usefixtures("registered")
def test_scripts_round_trip_through_excel(session: Session, tmp_path: Path) -> None:
    sid = lib.create_script(session, lib.ScriptInput("到货回访", "回访", "{称呼}，{产品}收到了吧？\n有问题随时说"))
    for _ in range(4):
        lib.record_script_use(session, sid)
    lib.create_script(session, lib.ScriptInput("=SUM(A1)", "其他", "+86 开头的也是文字"))
    assert export_library_kind(session, "scripts", tmp_path / "话术.xlsx") == 2
    headers, data = sheet_rows(tmp_path / "话术.xlsx")
    assert headers == ["分类", "标题", "内容", "使用次数", "最近使用"]
    assert ["其他", "=SUM(A1)", "+86 开头的也是文字"] in [cells[:3] for _row, cells in data]  # text, not formulas
    lib.trash_scripts(session, [s.id for s in lib.list_scripts(session)])
    lib.purge_scripts(session)
    result = do_import(session, "scripts", headers, data)
    assert (result.created, result.errors) == (2, [])
    back = {s.title: s for s in lib.list_scripts(session)}
    assert back["到货回访"].body == "{称呼}，{产品}收到了吧？\n有问题随时说" and back["到货回访"].use_count == 4
    again = do_import(session, "scripts", headers, data)  # the same file again updates, adds nothing
    assert (again.created, again.updated) == (0, 2)
    undo_import(session, result.batch_id)
    assert lib.list_scripts(session) == []


@pytest.mark.usefixtures("registered")
def test_script_rows_with_problems_are_named(session: Session) -> None:
    headers = ["话术分类", "标题", "话术内容", "次数"]
    result = do_import(session, "scripts", headers, [
        (2, ["欢迎语", "", "{称呼}您好，欢迎欢迎", 3]), (3, ["回访", "空的", "", ""]), (4, ["回访", "x", "y", "-1"]),
    ])
    assert result.created == 1
    assert [(e.row, e.column) for e in result.errors] == [(3, "话术内容"), (4, "次数")]
    assert lib.list_scripts(session)[0].title == "您好，欢迎欢迎"


@pytest.mark.usefixtures("registered")
def test_materials_round_trip_and_image_files(session: Session, data_dir: DataDir, tmp_path: Path) -> None:
    root = data_dir.root
    lib.create_material(session, root, lib.MaterialInput("text", "白茶怎么存", "专业知识", "避光防潮", "白茶 存茶"))
    lib.create_material(session, root, lib.MaterialInput("link", "百科", "", "https://baike.baidu.com/item/白茶"))
    image = lib.create_material(session, root, lib.MaterialInput("image", "新品图", "产品种草",
                                                                 image=png(tmp_path / "p.png")))
    assert export_library_kind(session, "materials", tmp_path / "素材.xlsx") == 3
    headers, data = sheet_rows(tmp_path / "素材.xlsx")
    assert headers == ["类型", "分类", "标题", "内容", "标签", "图片文件", "使用次数"]
    path = lib.get_material(session, image).path
    lib.trash_materials(session, [m.id for m in lib.list_materials(session)])
    session.execute(Material.__table__.delete())
    session.commit()
    outside = png(tmp_path / "外面的图.png")
    data += [(5, ["图片", "", "", "", "", str(outside), None]), (6, ["链接", "", "坏链接", "ftp://x.com", "", "", None]),
             (7, ["视频", "", "x", "y", "", "", None]), (8, ["图片", "", "丢了", "", "", "media/materials/none.png", None])]
    result = do_import(session, "materials", headers, data)
    assert result.created == 4
    problems = {(e.row, e.column): e.message for e in result.errors}
    assert set(problems) == {(6, "内容"), (7, "类型"), (8, "图片文件")}
    assert "只支持 http:// 或 https://" in problems[(6, "内容")] and "类型“视频”不对" in problems[(7, "类型")]
    by_title = {m.title: m for m in lib.list_materials(session)}
    assert by_title["新品图"].path == path and by_title["白茶怎么存"].tags == ("白茶", "存茶")
    copied = by_title["外面的图"]
    assert copied.path.startswith("media/materials/") and (root / copied.path).read_bytes() == outside.read_bytes()
    undo_import(session, result.batch_id)
    assert lib.list_materials(session) == []


def test_demo_fill_adds_scripts_with_usage_and_image_files(session: Session, data_dir: DataDir) -> None:
    from services.demo import DemoOptions
    from services.demo_library import fill

    counts = fill(session, DemoOptions(customers=0))
    session.commit()
    assert counts["scripts"] == len(STARTER_SCRIPTS) + 2 and counts["materials"] >= 28
    uses = {s.category: s.use_count for s in reversed(lib.list_scripts(session))}  # the most used of each
    assert uses["欢迎语"] > uses["其他"] > 0
    images = lib.list_materials(session, kind="image")
    assert images and all(lib.material_file(data_dir.root, m) is not None for m in images)
    assert all("示例图" in m.tags for m in images)
    assert fill(session, DemoOptions(customers=0)) == {"scripts": 0, "materials": 0}
