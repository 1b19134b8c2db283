"""Filling a script's placeholders for one customer: {称呼} {姓名} {产品} {上次购买}.

`customer_info(session, customer_id)` reads what the placeholders need (one customer, two small
purchase queries); `fill_script(body, info)` is pure and returns the text with every placeholder
replaced, the placeholders that had no value (`missing`), and the text in segments so the UI can
highlight filled values and gaps.

What each placeholder becomes:

- {称呼} — how the seller addresses the customer in a message, worked out in this order:
  1. the 备注名 already is a form of address — 王姐, 李总, 陈老师, 刘阿姨, 小丽, 小丽宝妈 (decorations
     such as "-普洱", "(建材)", "A-" or a trailing "88" are ignored): used as written;
  2. a surname is known (from 真实姓名, else from a 备注名 that is a full name such as 王丽 or
     "王丽 杭州", else a lone surname as in "Lily 王") and so is the gender: 女 → 王姐, 男 → 李先生; a
     customer aged 60 or more (birth year known) → 王阿姨 / 李叔叔;
  3. no gender: the full name (王丽), which is polite in any chat;
  4. otherwise the 备注名 without its decorations (丽丽, Lily) — {称呼} is never missing.
- {姓名} — 真实姓名; else the 备注名 when it is a full name (王丽); else missing (a nickname such as
  "丽丽" is not a name).
- {产品} — the product the customer bought most often (ties: the latest); missing without purchases.
- {上次购买} — the latest purchase as "3月5日买的冰岛古树生普" (with the year when it is not this
  year), written to follow 您: "您{上次购买}喝完了吗"; missing without purchases.

A missing value leaves a visible gap, 【产品】, never a guess; the UI marks it and says which
placeholders had no value. Placeholders KeBen does not know ({地址}) are left as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, Purchase
from models.library import PLACEHOLDERS
from services.errors import NotFoundError
from services.i18n import t
from services.text import fold

# Products the Excel import makes up to keep imported totals (services.excel.kinds): not real products.
IMPORTED_TOTALS = ("历史累计消费（导入）", "首次购买（导入）")
ELDER_AGE = 60

COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "公孙", "夏侯", "尉迟",
                     "长孙", "宇文", "司徒", "端木", "独孤", "南宫", "西门", "澹台", "呼延")
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
    "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明"
    "佘池乐匡钮鞠鄢国")
# A 备注名 ending in one of these (or "小丽" / "老王") already is the way to address the customer.
ADDRESS_ENDINGS = ("老师", "阿姨", "叔叔", "先生", "女士", "小姐", "老板", "老板娘", "宝妈", "妈妈", "医生", "教授",
                   "律师", "经理", "校长", "主任", "院长", "大哥", "大姐", "姐姐", "哥哥", "总", "姐", "哥", "叔", "姨",
                   "嫂", "董")
_BRACKETED = re.compile(r"[(（\[【<《{].*?[)）\]】>》}]")
_SEPARATORS = re.compile(r"[\s\-_—–~～·•|/\\,，、.。:：;；@#+&*=!！?？\"'“”‘’]+")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,12})\}")
KNOWN = tuple(p.strip("{}") for p in PLACEHOLDERS)  # 称呼, 姓名, 产品, 上次购买


@dataclass(frozen=True)
class CustomerInfo:
    """What the placeholders of one customer are made from (plain values, no session needed)."""

    remark_name: str
    real_name: str = ""
    gender: str = ""  # "" / 男 / 女
    birth_year: int | None = None
    top_product: str = ""  # bought most often
    last_product: str = ""
    last_purchase_on: date | None = None


@dataclass(frozen=True)
class FilledScript:
    """A script filled for a customer.

    `text` is what goes to the clipboard; `missing` the placeholders ("{产品}") that had no value and
    are left as a visible gap (【产品】); `segments` is the same text in pieces, each with the
    placeholder it came from ("" for the script's own words) and whether it is a gap.
    """

    text: str
    missing: list[str] = field(default_factory=list)
    segments: list[tuple[str, str, bool]] = field(default_factory=list)  # (text, placeholder, is_gap)


def gap(name: str) -> str:
    """The visible gap left for a placeholder without a value: 【产品】."""
    return f"【{name}】"


# ---- names -------------------------------------------------------------------------------------------

def name_core(remark_name: str) -> str:
    """The name inside a 备注名: "王丽-普洱" → 王丽, "A-王丽" → 王丽, "王总(建材)" → 王总, "Lily 王" → 王,
    "王丽88" → 王丽; a 备注名 without Chinese is returned without its decorations ("Lily")."""
    text = _BRACKETED.sub(" ", fold(remark_name))
    parts = [p for p in _SEPARATORS.split(text) if p]
    for part in parts:
        chinese = _CJK.findall(part)
        if chinese:
            return str(max(chinese, key=len))
    latin = [p for p in parts if not p.isdigit()]
    return latin[0] if latin else fold(remark_name)


def surname_of(name: str) -> str:
    """The surname of a Chinese name ("" when the first character is not a common surname)."""
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1] if name[:1] in COMMON_SURNAMES else ""


def is_full_name(name: str) -> bool:
    """王丽, 欧阳娜娜: a surname and a one- or two-character given name, not a form of address."""
    if not _CJK.fullmatch(name or "") or is_address(name):
        return False
    surname = surname_of(name)
    doubled = len(name) == 2 and name[0] == name[1]  # 林林, 婷婷: a pet name, not surname + name
    return bool(surname) and not doubled and 1 <= len(name) - len(surname) <= 2


def is_address(name: str) -> bool:
    """王姐, 李总, 陈老师, 小丽, 老王: the way a seller addresses someone, to be used as written."""
    if len(name) < 2 or not _CJK.fullmatch(name):
        return False
    if len(name) == 2 and name[0] in "小老阿":
        return True
    return any(name.endswith(ending) and len(name) > len(ending) for ending in ADDRESS_ENDINGS)


def form_of_address(info: CustomerInfo, today: date | None = None) -> str:
    """{称呼}: see the module docstring for the rules."""
    core = name_core(info.remark_name)
    if is_address(core):
        return core
    real = name_core(info.real_name) if info.real_name else ""
    if is_full_name(real):
        surname, full = surname_of(real), real
    elif is_full_name(core):
        surname, full = surname_of(core), core
    else:
        surname = core if core in COMPOUND_SURNAMES or (len(core) == 1 and core in COMMON_SURNAMES) else ""
        full = ""
    if surname and info.gender in ("男", "女"):
        today = today or date.today()
        elder = info.birth_year is not None and today.year - info.birth_year >= ELDER_AGE
        if info.gender == "女":
            return surname + ("阿姨" if elder else "姐")
        return surname + ("叔叔" if elder else "先生")
    return full or core or fold(info.remark_name)


def full_name(info: CustomerInfo) -> str:
    """{姓名}: 真实姓名, else a 备注名 that is a full name; "" when there is none."""
    if fold(info.real_name):
        return fold(info.real_name)
    core = name_core(info.remark_name)
    return core if is_full_name(core) else ""


def last_purchase_text(product: str, day: date | None, today: date | None = None) -> str:
    """{上次购买}: 3月5日买的冰岛古树生普 (2024年3月5日买的… when not this year)."""
    if not product or day is None:
        return ""
    today = today or date.today()
    when = f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"
    return t("{when}买的{product}", when=when, product=product)


# ---- filling -----------------------------------------------------------------------------------------

def placeholder_values(info: CustomerInfo | None, today: date | None = None) -> dict[str, str]:
    """Placeholder name → value ("" = no value) for a customer; all empty without one."""
    if info is None:
        return dict.fromkeys(KNOWN, "")
    return {"称呼": form_of_address(info, today), "姓名": full_name(info), "产品": info.top_product,
            "上次购买": last_purchase_text(info.last_product, info.last_purchase_on, today)}


def fill_script(body: str, info: CustomerInfo | None, today: date | None = None) -> FilledScript:
    """Replace {称呼} {姓名} {产品} {上次购买} with the customer's values; a placeholder without a
    value becomes a gap (【产品】) and is listed in `missing`. Unknown {words} stay as written."""
    values = placeholder_values(info, today)
    segments: list[tuple[str, str, bool]] = []
    missing: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(body):
        name = match.group(1)
        if name not in values:
            continue
        if match.start() > position:
            segments.append((body[position:match.start()], "", False))
        value = values[name]
        if value:
            segments.append((value, name, False))
        else:
            segments.append((gap(name), name, True))
            if "{" + name + "}" not in missing:
                missing.append("{" + name + "}")
        position = match.end()
    if position < len(body):
        segments.append((body[position:], "", False))
    return FilledScript("".join(text for text, _name, _gap in segments), missing, segments)


def placeholders_in(body: str) -> tuple[list[str], list[str]]:
    """The known placeholders a text uses, and the unknown {words} (left as written when filled)."""
    known: list[str] = []
    unknown: list[str] = []
    for match in _PLACEHOLDER.finditer(body):
        name = "{" + match.group(1) + "}"
        bucket = known if match.group(1) in KNOWN else unknown
        if name not in bucket:
            bucket.append(name)
    return known, unknown


def customer_info(session: Session, customer_id: int) -> CustomerInfo:
    """What the placeholders need for one live customer; NotFoundError when gone or in the trash."""
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFoundError(t("找不到这位客户（可能已被删除）"))
    real = (Purchase.customer_id == customer_id, Purchase.deleted_at.is_(None),
            Purchase.product.not_in({v for p in IMPORTED_TOTALS for v in (p, t(p), fold(p), fold(t(p)))}))
    top = session.execute(
        select(Purchase.product).where(*real).group_by(Purchase.product)
        .order_by(func.count().desc(), func.max(Purchase.purchased_on).desc()).limit(1)).scalar()
    last = session.execute(select(Purchase.product, Purchase.purchased_on).where(*real)
                           .order_by(Purchase.purchased_on.desc(), Purchase.id.desc()).limit(1)).first()
    return CustomerInfo(customer.remark_name, customer.real_name, customer.gender, customer.birthday_year,
                        top or "", last[0] if last else "", last[1] if last else None)
