"""The ready message for a Today item, with the customer's name filled in.

Which script: the journey rule's own script; else the oldest script of the item's 话术库 category
(欢迎语, 回访, 催复购, 唤醒, 生日祝福 …); else a built-in text of that category, so that "copy the
script" always gives something sensible on day one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Customer, Purchase, Script
from services.i18n import t
from services.journeys import first_script_id

BUILT_IN = {
    "欢迎语": "{称呼}你好呀～很高兴认识你！我是店主，平时在朋友圈分享好茶和生活小知识，有任何问题随时找我。"
              "给你准备了一份新人小礼，回复“1”就可以领取哦🌸",
    "回访": "{称呼}，上次的{产品}用得怎么样？有什么感受或者问题随时跟我说，我都在～",
    "催复购": "{称呼}，算算时间，上次的{产品}差不多快用完了吧？这周老客回购有专属优惠，需要的话我先帮你留一份～",
    "唤醒": "{称呼}，好久没聊啦，最近还好吗？店里上了几款新品，还有老朋友专享的福利，第一个想到你～",
    "生日祝福": "{称呼}，生日快乐！🎂 祝你新的一岁平安喜乐、万事顺意。给你准备了一份生日小礼，记得来领哦～",
    "其他": "{称呼}，你好～",
}


@dataclass(frozen=True)
class FilledScript:
    script_id: int | None  # None: a built-in text
    title: str
    text: str


def customer_values(session: Session, customer_id: int | None) -> dict[str, str]:
    """What the placeholders stand for: {称呼} {姓名} {产品} {上次购买}."""
    if customer_id is None:
        return {}
    customer = session.get(Customer, customer_id)
    if customer is None:
        return {}
    last = session.execute(
        select(Purchase.product, Purchase.purchased_on)
        .where(Purchase.customer_id == customer_id, Purchase.deleted_at.is_(None))
        .order_by(Purchase.purchased_on.desc(), Purchase.id.desc()).limit(1)).first()
    name = customer.display_name
    return {"称呼": name, "姓名": customer.real_name or name, "产品": last[0] if last else t("宝贝"),
            "上次购买": f"{last[1].month}月{last[1].day}日买的{last[0]}" if last else ""}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the placeholders present in `values`; unknown ones are left as written."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def script_for(session: Session, script_id: int | None, category: str, customer_id: int | None) -> FilledScript:
    """The script to copy for an item, filled for the customer."""
    chosen = script_id if script_id is not None else first_script_id(session, category or "其他")
    script = session.get(Script, chosen) if chosen is not None else None
    values = customer_values(session, customer_id)
    if script is not None and script.deleted_at is None:
        return FilledScript(script.id, script.title, fill(script.body, values))
    text = BUILT_IN.get(category, BUILT_IN["其他"])
    return FilledScript(None, t(category or "其他"), fill(t(text), values))
