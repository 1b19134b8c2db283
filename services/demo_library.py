"""演示数据 for the 素材话术 page: the starter scripts (services.library_defaults) plus two the seller
wrote herself, with believable usage counts; and about thirty materials of the demo tea shop — texts
(product copy, tea knowledge, client praise, the brand story), links, and a few images.

The images are honest placeholders: small product cards drawn here (a tea cake or a jar on a pastel
card, written as PNG with zlib — services cannot use Qt), titled and tagged 示例图. They are written
into the data folder of a store kept in a SQLite file; a server database gets no image materials.

Registered in services.demo.PAGE_FILLERS; deterministic for a seed; safe to run twice (what is there
already, by title, is kept).
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Material, Script
from services.library import load_starter_scripts
from services.library_materials import MEDIA_FOLDER, data_root_of

# How often each category's scripts get copied in a month or two of work (low, high).
USE_RANGES = {"欢迎语": (25, 140), "回访": (20, 90), "催复购": (10, 60), "唤醒": (8, 45), "开场": (6, 40),
              "生日祝福": (5, 30), "售后": (2, 18), "其他": (1, 12)}
OWN_SCRIPTS = (
    ("VIP专属", "新茶到货私聊（老茶客）",
     "{称呼}，今年的头春古树刚到，一共就二十几饼，先跟您说一声。您之前喜欢{产品}这个口感，这批更醇一些，"
     "方便的话我给您留一饼，周末拿样茶过来给您品鉴。"),
    ("VIP专属", "年度答谢",
     "{称呼}，这一年谢谢您的信任！年底给老朋友们准备了一份答谢礼，想问下您这周哪天方便，我亲自给您送过去～"),
)

TEXTS = (
    ("产品种草", "冰岛古树生普 卖点", "冰岛古树生普 357g｜入口甜润，回甘快而持久，杯底冰糖香明显。"
     "采自临沧冰岛村百年以上古树，春茶头采，石磨压制。适合喜欢生普又怕苦涩的朋友，可喝可藏。", "普洱 新品 古树"),
    ("产品种草", "2019年老白茶饼 文案", "2019年老白茶饼｜五年陈，枣香、药香已经出来了，汤色橙黄透亮。"
     "煮着喝更香甜，冬天围炉来一壶，暖胃又舒服。", "白茶 煮茶"),
    ("产品种草", "小青柑 一句话", "一颗小青柑=半个新会柑皮+宫廷熟普，办公室泡一颗，能喝一下午🍊", "普洱 办公室"),
    ("产品种草", "玫瑰精华面霜 文案", "玫瑰精华面霜｜换季干燥、上妆卡粉的姐妹看过来：质地像融化的奶油，"
     "一抹就吸收，第二天起来脸是软的。敏感肌也可以先要小样试。", "护肤 换季"),
    ("产品种草", "即食燕窝礼盒 文案", "即食燕窝礼盒 6瓶｜每瓶足干3克，开盖即食，早上一瓶，"
     "送妈妈、送客户都体面。", "养生 送礼"),
    ("专业知识", "普洱生茶和熟茶的区别", "很多朋友问生普和熟普有什么不同：生普是自然陈化，新茶清香、微苦回甘，"
     "越存越醇；熟普经过渥堆发酵，汤色红浓，口感醇厚顺滑，更温和养胃。肠胃敏感的先喝熟普。", "普洱 科普"),
    ("专业知识", "白茶怎么存", "白茶存放记住三点：避光、防潮、无异味。用原包装+密封袋，"
     "放在通风干燥的柜子里，不要和香料、化妆品放在一起。一年茶、三年药、七年宝，存得好越放越香。", "白茶 存茶 科普"),
    ("专业知识", "盖碗泡茶四步", "盖碗泡茶四步：①温杯烫盏 ②投茶5～8克 ③第一泡快速洗茶 ④之后每泡出汤10秒左右，"
     "逐泡延长。水温：绿茶85℃，白茶、普洱、岩茶100℃。", "泡茶 科普"),
    ("专业知识", "秋冬护肤提醒", "秋冬护肤三件事：洁面别太用力，氨基酸洁面就够；精华+面霜锁水；"
     "出门记得防晒，阴天紫外线一样在。", "护肤 科普"),
    ("用户口碑", "王姐的回购反馈", "“上次的老白茶煮着喝太香了，家里老人天天喝，这次再要两饼，顺便给我妹也寄一饼。”"
     "——杭州 王姐（第三次回购）", "白茶 好评 回购"),
    ("用户口碑", "面霜使用反馈", "“用了两周，脸上干皮没了，早上上妆服帖很多，同事问我是不是去做了护理😂”"
     "——上海 Lily", "护肤 好评"),
    ("用户口碑", "企业客户团购", "感谢陈总公司的信任，中秋团购了80份茶礼送客户，"
     "说包装大气、茶也好喝，已经预订明年的春茶了🙏", "团购 送礼 好评"),
    ("生活人设", "周末茶席", "周末在店里布了个小茶席，窗外下着小雨，一壶老白茶慢慢煮。"
     "做茶这些年，最喜欢的就是这样的下午。", "日常"),
    ("生活人设", "去茶山", "又到春天，明天出发去云南茶山，这一趟会在山里待一周，"
     "每天给大家直播采茶、杀青、晒青，想看哪座山头的留言告诉我～", "茶山 日常"),
    ("活动福利", "周三会员日文案", "【周三会员日】今晚8点，老白茶饼会员价298（原价398），限30饼，"
     "接龙或私聊我下单，老规矩顺丰包邮📦", "会员日 活动"),
    ("活动福利", "新人礼", "新朋友福利：加微信回复“1”，免费领3款茶样（付邮费即可），喝好了再买，不踩雷。", "新人 活动"),
    ("活动福利", "老带新奖励", "老带新：介绍朋友来买，朋友首单立减30，您也得一份小青柑礼盒。好茶一起喝才香～",
     "转介绍 活动"),
    ("品牌故事", "我为什么做茶", "十年前在云南旅行，第一次在茶农家喝到古树茶，从此就放不下了。"
     "后来每年春天都去山里收茶，只卖自己喝过、敢给家人喝的茶。", "品牌"),
    ("品牌故事", "我们的承诺", "每一饼茶都有来源可查；喝着不满意，7天无理由退换；"
     "有任何问题找我本人，不推给客服。", "品牌 售后"),
)
LINKS = (
    ("专业知识", "普洱茶（百度百科）", "https://baike.baidu.com/item/普洱茶", "普洱 科普"),
    ("专业知识", "白茶（百度百科）", "https://baike.baidu.com/item/白茶", "白茶 科普"),
    ("专业知识", "武夷岩茶（百度百科）", "https://baike.baidu.com/item/武夷岩茶", "岩茶 科普"),
    ("活动福利", "小程序商城首页（示例链接）", "https://shop.example.com/chaxiang", "商城"),
    ("活动福利", "会员日预约表（示例链接）", "https://forms.example.com/chaxiang/huiyuanri", "会员日"),
)
# (category, title, tags, background, shape colour, inner colour, "cake" or "jar")
IMAGES = (
    ("产品种草", "示例图·冰岛古树生普", "普洱 示例图", (244, 236, 222), (139, 94, 60), (214, 190, 150), "cake"),
    ("产品种草", "示例图·老白茶饼", "白茶 示例图", (236, 240, 232), (170, 150, 110), (230, 222, 196), "cake"),
    ("产品种草", "示例图·小青柑罐装", "普洱 示例图", (228, 240, 230), (60, 120, 80), (200, 226, 190), "jar"),
    ("产品种草", "示例图·玫瑰精华面霜", "护肤 示例图", (250, 232, 236), (200, 90, 120), (246, 200, 210), "jar"),
    ("活动福利", "示例图·会员日海报", "会员日 示例图", (255, 240, 220), (220, 120, 40), (255, 214, 160), "cake"),
    ("品牌故事", "示例图·茶山", "品牌 示例图", (226, 236, 246), (70, 120, 90), (180, 210, 180), "jar"),
)
IMAGE_SIZE = 360


def fill(session: Session, options: Any) -> dict[str, int]:
    """Add the demo scripts and materials; returns {"scripts": added, "materials": added}."""
    rng = random.Random(getattr(options, "seed", 1) * 7919 + 17)
    now = datetime.now().replace(microsecond=0)
    scripts = load_starter_scripts(session)
    have = set(session.scalars(select(Script.title)))
    for category, title, body in OWN_SCRIPTS:
        if title not in have:
            session.add(Script(category=category, title=title, body=body, use_count=0))
            scripts += 1
    session.flush()
    for script_id, category, used in session.execute(select(Script.id, Script.category, Script.use_count)).all():
        if used:
            continue  # counts the seller already has are hers
        low, high = USE_RANGES.get(category, (1, 15))
        count = int(rng.triangular(low, high, low + (high - low) / 4))
        last = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        session.execute(update(Script).where(Script.id == script_id).values(use_count=count, last_used_at=last))
    materials = _materials(session, rng)
    session.flush()
    return {"scripts": scripts, "materials": materials}


def _materials(session: Session, rng: random.Random) -> int:
    have = set(session.scalars(select(Material.title)))
    rows: list[dict[str, Any]] = []
    for category, title, body, tags in TEXTS:
        rows.append({"kind": "text", "category": category, "title": title, "body": body, "tags": tags})
    for category, title, url, tags in LINKS:
        rows.append({"kind": "link", "category": category, "title": title, "body": url, "tags": tags})
    root = data_root_of(session)
    if root is not None:
        for index, (category, title, tags, background, shape, inner, form) in enumerate(IMAGES, 1):
            if title in have:
                continue
            path = f"{MEDIA_FOLDER}/demo-{index:02d}.png"
            target = root / path
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(product_card(background, shape, inner, form))
            rows.append({"kind": "image", "category": category, "title": title, "body": "", "path": path,
                         "tags": tags})
    added = 0
    for row in rows:
        if row["title"] in have:
            continue
        session.add(Material(use_count=int(rng.triangular(0, 40, 4)), **row))
        added += 1
    return added


# ---- a tiny PNG writer -------------------------------------------------------------------------------

Colour = tuple[int, int, int]


def product_card(background: Colour, shape: Colour, inner: Colour, form: str, size: int = IMAGE_SIZE) -> bytes:
    """A flat product card: a tea cake (two discs) or a jar (a rounded body and lid) on a pastel card
    with a darker band at the bottom. Rows are built from spans, so this takes milliseconds."""
    band = tuple(max(0, round(c * 0.82)) for c in background)
    centre, radius = size / 2, size * 0.32
    rows = []
    for y in range(size):
        if y >= size * 0.84:
            rows.append(bytes(band) * size)
            continue
        spans: list[tuple[float, float, Colour]] = []
        if form == "cake":
            spans += _disc(y, centre, size * 0.45, radius, shape)
            spans += _disc(y, centre, size * 0.45, radius * 0.34, inner)
        else:
            top, bottom, half = size * 0.22, size * 0.72, size * 0.2
            if size * 0.14 <= y < top:
                spans.append((centre - half * 0.8, centre + half * 0.8, inner))
            elif top <= y < bottom:
                spans.append((centre - half, centre + half, shape))
                if size * 0.38 <= y < size * 0.56:
                    spans.append((centre - half * 0.7, centre + half * 0.7, inner))
        rows.append(_row(size, background, spans))
    return _png(size, size, rows)


def _disc(y: int, cx: float, cy: float, r: float, colour: Colour) -> list[tuple[float, float, Colour]]:
    dy = y + 0.5 - cy
    if abs(dy) >= r:
        return []
    half = (r * r - dy * dy) ** 0.5
    return [(cx - half, cx + half, colour)]


def _row(size: int, background: Colour, spans: list[tuple[float, float, Colour]]) -> bytes:
    row = bytearray(bytes(background) * size)
    for start, end, colour in spans:  # later spans paint over earlier ones
        a, b = max(0, round(start)), min(size, round(end))
        if b > a:
            row[a * 3:b * 3] = bytes(colour) * (b - a)
    return bytes(row)


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
