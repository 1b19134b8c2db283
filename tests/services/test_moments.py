"""朋友圈 posts: visibility reach, weekly series, duplicates, images, status, results, interactions,
pillars and the trash."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Material, MomentPost
from services import moments as m
from services.accounts import save_account
from services.customers import trash_customers
from services.demo_library import product_card
from services.errors import NotFoundError, UserError, ValidationError
from services.paths import DataDir
from services.tags import save_group, save_tag
from services.timeline import timeline
from tests.services.helpers import AddCustomer

MON = datetime(2026, 3, 2, 20, 30)  # a Monday evening


@pytest.fixture
def tags(session: Session) -> dict[str, int]:
    group = save_group(session, "兴趣")
    return {name: save_tag(session, group, name) for name in ("白茶", "普洱", "护肤")}


@pytest.fixture
def root(data_dir: DataDir) -> Path:
    return data_dir.root


def png(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(product_card((240, 240, 240), (100, 60, 40), (200, 180, 150), "cake", size=16))
    return path


def post(session: Session, when: datetime = MON, **fields: object) -> int:
    return m.create_post(session, m.PostInput(planned_at=when, **fields))  # type: ignore[arg-type]


# ---- reach ---------------------------------------------------------------------------------------

def test_reach_counts_each_rule(session: Session, add_customer: AddCustomer, tags: dict[str, int]) -> None:
    add_customer("白茶控", tag_ids=[tags["白茶"]])
    add_customer("两样都喝", tag_ids=[tags["白茶"], tags["普洱"]])
    add_customer("普洱客", tag_ids=[tags["普洱"]])
    add_customer("没标签")
    gone = add_customer("已删除", tag_ids=[tags["白茶"]])
    trash_customers(session, [gone])

    assert m.reach(session, "public", []) == 4
    assert m.reach(session, "only_tags", [tags["白茶"]]) == 2
    assert m.reach(session, "only_tags", [tags["白茶"], tags["普洱"]]) == 3  # any of the tags, each once
    assert m.reach(session, "except_tags", [tags["白茶"]]) == 2
    assert m.reach(session, "except_tags", [tags["白茶"], tags["普洱"]]) == 1
    assert m.reach(session, "only_tags", [tags["护肤"]]) == 0
    assert m.reach(session, "private", [tags["白茶"]]) == 0


def test_tag_rules_need_a_tag_and_known_values(session: Session, tags: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as only:
        post(session, visibility="only_tags")
    assert "部分可见" in only.value.fields["tag_ids"]
    with pytest.raises(ValidationError) as hidden:
        post(session, visibility="except_tags")
    assert "不给谁看" in hidden.value.fields["tag_ids"]
    with pytest.raises(ValidationError) as bad:
        post(session, visibility="friends", status="done", text="字" * 2001)
    assert set(bad.value.fields) == {"visibility", "status", "text"}
    pid = post(session, visibility="public", tag_ids=(tags["白茶"],))
    assert m.get_post(session, pid).tag_ids == ()  # tags only belong to the two tag rules


def test_create_read_and_list_filters(session: Session, tags: dict[str, int]) -> None:
    account = save_account(session, "工作号1")
    pillar = next(p for p in m.list_pillars(session) if p.name == "活动福利")
    pid = post(session, text="  会员日来啦\n今晚八点  ", account_id=account, pillar_id=pillar.id,
               visibility="except_tags", tag_ids=(tags["白茶"], tags["白茶"]))
    other = post(session, MON + timedelta(days=1), text="早安", status="draft")
    row = m.get_post(session, pid)
    assert (row.title, row.account_name, row.pillar_name, row.hard_sell) == ("会员日来啦", "工作号1", "活动福利", True)
    assert (row.visibility_label, row.tag_names, row.status_label) == ("不给谁看", ("白茶",), "已排期")
    assert m.get_post(session, post(session, text="")).title == "（无文字）"
    assert m.get_post(session, post(session, text="长" * 40)).title == "长" * 30 + "…"

    day = MON.date()
    assert [r.id for r in m.list_posts(session, day, day + timedelta(days=1))][:1] == [pid]
    assert [r.id for r in m.list_posts(session, status="draft")] == [other]
    assert [r.id for r in m.list_posts(session, tag_id=tags["白茶"])] == [pid]
    assert [r.id for r in m.list_posts(session, account_id=account)] == [pid]
    assert [r.id for r in m.list_posts(session, pillar_id=pillar.id)] == [pid]
    assert [r.id for r in m.list_posts(session, text="早安")] == [other]
    assert m.list_posts(session, day + timedelta(days=2), day + timedelta(days=9)) == []

    m.update_post(session, pid, m.PostInput(MON, text="改了", visibility="public"))
    assert (m.get_post(session, pid).text, m.get_post(session, pid).tag_ids) == ("改了", ())


# ---- moving, copying, repeating ------------------------------------------------------------------

def test_move_and_duplicate(session: Session, root: Path, tags: dict[str, int]) -> None:
    pid = post(session, text="新茶到了", visibility="only_tags", tag_ids=(tags["普洱"],), status="published")
    m.set_images(session, root, pid, [png(root.parent / "in", "a.png")])
    m.record_results(session, pid, 10, 2, 1, 1, 29800)
    m.move_post(session, pid, datetime(2026, 3, 4, 9, 15, 42))
    assert m.get_post(session, pid).planned_at == datetime(2026, 3, 4, 9, 15)

    copy = m.get_post(session, m.duplicate_post(session, pid))
    assert copy.planned_at == datetime(2026, 3, 5, 9, 15)  # same time next day
    assert (copy.text, copy.visibility, copy.tag_ids, copy.status) == ("新茶到了", "only_tags", (tags["普洱"],), "draft")
    assert copy.images == m.get_post(session, pid).images and copy.series_id is None
    assert (copy.likes, copy.revenue_cents, copy.published_at) == (0, 0, None)
    later = m.duplicate_post(session, pid, datetime(2026, 4, 1, 8, 0))
    assert m.get_post(session, later).planned_at == datetime(2026, 4, 1, 8, 0)


def test_repeat_weekly_makes_a_series(session: Session) -> None:
    first = post(session, text="周一种草")
    created = m.repeat_weekly(session, first, date(2026, 3, 30))  # 9, 16, 23, 30 March
    assert created == 4
    series = m.list_posts(session)
    assert [r.planned_at.date() for r in series] == [date(2026, 3, d) for d in (2, 9, 16, 23, 30)]
    assert {r.series_id for r in series} == {first} and all(r.repeat_weekly for r in series)
    assert {r.repeat_until for r in series} == {date(2026, 3, 30)}
    assert m.repeat_weekly(session, first, date(2026, 4, 13)) == 2  # extending adds 6 and 13 April only
    assert len(m.list_posts(session)) == 7
    assert {r.repeat_until for r in m.list_posts(session)} == {date(2026, 4, 13)}
    with pytest.raises(ValidationError):
        m.repeat_weekly(session, first, date(2026, 3, 1))


def test_stop_repeat_keeps_published_and_earlier(session: Session) -> None:
    first = post(session, text="会员日")
    m.repeat_weekly(session, first, date(2026, 4, 6))  # 2, 9, 16, 23, 30 March, 6 April
    ids = [r.id for r in m.list_posts(session)]
    m.publish_post(session, ids[4], datetime(2026, 3, 30, 20, 40))  # already posted in WeChat
    assert m.stop_repeat(session, ids[1]) == 3  # 16, 23 March and 6 April; 30 March was published
    left = m.list_posts(session)
    assert [r.id for r in left] == [ids[0], ids[1], ids[4]]
    assert len(m.list_trashed_posts(session)) == 3
    assert m.stop_repeat(session, post(session, text="单条")) == 0


# ---- images --------------------------------------------------------------------------------------

def test_images_are_copied_kept_and_ordered(session: Session, root: Path) -> None:
    outside = root.parent / "photos"
    a, b = png(outside, "新品 A.png"), png(outside, "b.png")
    pid = post(session, text="九宫格")
    m.set_images(session, root, pid, [a, str(b)])
    first = m.get_post(session, pid).images
    assert len(first) == 2 and all(p.startswith("media/moments/") for p in first)
    assert all(m.image_file(root, p).read_bytes() == a.read_bytes() for p in first)
    assert "新品_A" in first[0]

    a.unlink()  # the copy lives on in the data folder
    c = png(outside, "c.png")
    m.set_images(session, root, pid, [first[1], c, first[0]])  # reorder and add
    now = m.get_post(session, pid).images
    assert now[0] == first[1] and now[2] == first[0] and now[1].startswith("media/moments/")

    m.set_images(session, root, pid, [now[1]])  # dropping an image deletes its unused copy
    assert not m.image_file(root, first[0]).exists() and m.image_file(root, now[1]).exists()


def test_images_limit_and_bad_files(session: Session, root: Path) -> None:
    pid = post(session)
    files = [png(root.parent / "many", f"{n}.png") for n in range(10)]
    with pytest.raises(ValidationError) as many:
        m.set_images(session, root, pid, files)
    assert "9" in many.value.fields["images"]
    fake = root.parent / "fake.jpg"
    fake.write_text("not an image")
    with pytest.raises(ValidationError) as bad:
        m.set_images(session, root, pid, [files[0], fake])
    assert "fake.jpg" in bad.value.fields["images"]
    with pytest.raises(ValidationError) as missing:
        m.set_images(session, root, pid, [root.parent / "nowhere.png"])
    assert "nowhere.png" in missing.value.fields["images"]
    assert m.get_post(session, pid).images == ()  # nothing half-done
    assert not (root / m.MEDIA_FOLDER).exists() or not any((root / m.MEDIA_FOLDER).iterdir())


def test_checklist_lists_images_in_order(session: Session, root: Path, add_customer: AddCustomer,
                                         tags: dict[str, int]) -> None:
    add_customer("白茶控", tag_ids=[tags["白茶"]])
    add_customer("别人")
    pid = post(session, text="只给白茶客", visibility="only_tags", tag_ids=(tags["白茶"],))
    a, b = png(root.parent / "x", "a.png"), png(root.parent / "x", "b.jpg")
    b.write_bytes(b"\xff\xd8\xff" + b"0" * 20)
    m.set_images(session, root, pid, [b, a])
    check = m.publish_checklist(session, root, pid)
    assert check.text == "只给白茶客" and check.visibility_label == "部分可见"
    assert check.tag_names == ("白茶",) and check.reach == 1
    assert [p.name for p in check.image_files] == ["01.jpg", "02.png"] and check.folder is not None
    assert all(p.parent == check.folder and p.is_file() for p in check.image_files)


# ---- status and results --------------------------------------------------------------------------

def test_publish_skip_reschedule(session: Session) -> None:
    pid = post(session)
    m.publish_post(session, pid, datetime(2026, 3, 2, 20, 41, 13))
    row = m.get_post(session, pid)
    assert (row.status, row.status_label, row.published_at) == ("published", "已发布", datetime(2026, 3, 2, 20, 41))
    m.skip_post(session, pid)
    assert (m.get_post(session, pid).status, m.get_post(session, pid).published_at) == ("skipped", None)
    m.reschedule(session, pid)
    assert m.get_post(session, pid).status_label == "已排期"
    m.publish_post(session, pid)
    assert m.get_post(session, pid).published_at is not None


def test_results_validation(session: Session) -> None:
    pid = post(session, note="原备注")
    m.record_results(session, pid, 25, 6, 3, 2, 59600)
    row = m.get_post(session, pid)
    assert (row.likes, row.comments, row.inquiries, row.orders, row.revenue_cents, row.note) == (
        25, 6, 3, 2, 59600, "原备注")
    with pytest.raises(ValidationError) as bad:
        m.record_results(session, pid, -1, 0, 0, -2, 0, note="x")
    assert set(bad.value.fields) == {"likes", "orders"} and "点赞数不能是负数" in bad.value.message
    assert m.get_post(session, pid).likes == 25
    m.record_results(session, pid, 1, 0, 0, 0, 0, note="新备注")
    assert m.get_post(session, pid).note == "新备注"


def test_posts_due(session: Session) -> None:
    now = datetime(2026, 3, 10, 12, 0)
    today = post(session, datetime(2026, 3, 10, 9, 0))
    post(session, datetime(2026, 3, 10, 20, 0))  # later today: not yet
    overdue = post(session, datetime(2026, 3, 5, 8, 0))
    post(session, datetime(2026, 3, 1, 8, 0))  # more than a week ago
    done = post(session, datetime(2026, 3, 10, 8, 0))
    m.publish_post(session, done)
    post(session, datetime(2026, 3, 10, 7, 0), status="draft")
    assert [r.id for r in m.posts_due(session, now)] == [overdue, today]


# ---- interactions --------------------------------------------------------------------------------

def test_interactions_show_on_the_timeline(session: Session, add_customer: AddCustomer) -> None:
    zhang, li = add_customer("张丽"), add_customer("李娜")
    pid = post(session, text="老白茶煮着喝\n第二行")
    m.publish_post(session, pid, datetime(2026, 3, 2, 20, 45))
    assert m.add_interactions(session, pid, [zhang, li, zhang], "like") == 2
    assert m.add_interactions(session, pid, [zhang], "like") == 0  # once per kind
    assert m.add_interactions(session, pid, [zhang], "inquiry", note="问价格") == 1
    found = m.list_interactions(session, pid)
    assert [(i.customer_name, i.kind_label) for i in found] == [("张丽", "点赞"), ("李娜", "点赞"), ("张丽", "私聊咨询")]
    items = [i for i in timeline(session, zhang) if i.kind == "moment"]
    assert sorted(i.body.splitlines()[0] for i in items) == ["点赞「老白茶煮着喝」", "私聊咨询「老白茶煮着喝」"]
    assert {i.title for i in items} == {"朋友圈互动"} and {i.id for i in items} == {pid}
    with pytest.raises(ValidationError):
        m.add_interactions(session, pid, [zhang], "share")

    m.remove_interaction(session, found[0].id)
    assert [i.customer_name for i in m.list_interactions(session, pid)] == ["李娜", "张丽"]
    m.trash_posts(session, [pid])
    assert not [i for i in timeline(session, zhang) if i.kind == "moment"]
    with pytest.raises(NotFoundError):
        m.remove_interaction(session, found[0].id)


# ---- pillars -------------------------------------------------------------------------------------

def test_pillars(session: Session) -> None:
    names = [p.name for p in m.list_pillars(session)]
    assert names == ["产品种草", "用户口碑", "专业知识", "生活人设", "活动福利", "品牌故事"]
    new = m.create_pillar(session, " 节日问候 ", hard_sell=False)
    pid = post(session, pillar_id=new)
    assert next(p for p in m.list_pillars(session) if p.id == new).post_count == 1
    with pytest.raises(ValidationError):
        m.create_pillar(session, "产品种草")
    with pytest.raises(ValidationError):
        m.update_pillar(session, new, "节日", True, "red")
    m.update_pillar(session, new, "节日", True, "#ff0000")
    assert m.get_post(session, pid).hard_sell
    m.delete_pillar(session, new)
    row = m.get_post(session, pid)
    assert (row.pillar_id, row.pillar_name, row.hard_sell) == (None, "", False)
    for pillar in m.list_pillars(session)[1:]:
        m.delete_pillar(session, pillar.id)
    with pytest.raises(UserError, match="至少要保留一个"):
        m.delete_pillar(session, m.list_pillars(session)[0].id)


# ---- trash ---------------------------------------------------------------------------------------

def test_trash_restore_purge(session: Session, root: Path) -> None:
    keep, gone = post(session, text="留着"), post(session, text="删掉")
    image = png(root.parent / "p", "a.png")
    m.set_images(session, root, gone, [image])
    m.set_images(session, root, keep, [image])
    shared = m.get_post(session, keep).images[0]
    m.set_images(session, root, gone, [*m.get_post(session, gone).images, shared])
    own = m.get_post(session, gone).images[0]

    assert m.trash_posts(session, [gone]) == 1
    with pytest.raises(NotFoundError):
        m.get_post(session, gone)
    assert [r.id for r in m.list_posts(session)] == [keep]
    assert m.restore_posts(session, [gone]) == 1 and m.trash_posts(session, [gone]) == 1
    assert [r.id for r in m.list_trashed_posts(session)] == [gone]
    session.add(Material(kind="image", title="素材也用这张", path=own, tags=""))
    session.commit()
    assert m.purge_posts(session, root) == 1
    assert session.scalar(select(func.count()).select_from(MomentPost)) == 1
    assert m.image_file(root, shared).exists()  # still on the other post
    assert m.image_file(root, own).exists()  # a material uses it
