"""The columns of each kind, as exports write them and imports recognise them.

One list per kind. `header` is what exports and templates write (so an export re-imports with no
mapping work); `aliases` are the other ways shop owners title that column (Chinese and English).
Header matching ignores case, spaces, full-width forms and trailing '*' or '(必填)'.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = ()  # a drop-down in templates
    width: int = 12  # characters, for exports


GENDERS = ("男", "女")
SOURCES = ("朋友圈", "老客转介绍", "门店", "抖音", "小红书", "社群", "地推", "展会", "其他")
NOTE_KIND_CHOICES = ("身份", "购买", "咨询", "喜好", "售后", "其他")
STAGE_CHOICES = ("潜在", "新客", "已购", "复购", "VIP", "沉睡", "流失")
METHOD_CHOICES = ("分销", "任务", "内容", "现场", "地推", "口碑", "积分", "打卡", "联合", "工具", "拼团", "比赛")
REWARD_STATUS_CHOICES = ("无", "待发放", "已发放")
REWARD_KIND_CHOICES = ("现金", "红包", "积分", "礼品", "优惠券", "服务", "其他")

# Columns that name the customer a note / purchase / follow-up / referral belongs to.
CUSTOMER_REF = (
    Column("customer_name", "客户", ("备注名", "客户姓名", "客户名称", "姓名", "名字", "顾客", "Customer", "Name"), width=14),
    Column("customer_wechat_id", "客户微信号", ("微信号", "微信", "WeChat", "WeChat ID", "wxid"), width=16),
    Column("customer_phone", "客户手机", ("手机", "手机号", "手机号码", "电话", "联系电话", "Phone", "Mobile"), width=14),
)

KINDS: dict[str, tuple[Column, ...]] = {
    "customers": (
        Column("remark_name", "备注名", ("客户姓名", "客户名称", "姓名", "名字", "客户", "顾客", "称呼", "Name",
                                          "Customer", "Remark"), required=True, width=14),
        Column("real_name", "真实姓名", ("真名", "Real Name", "Full Name"), width=10),
        Column("wechat_id", "微信号", ("微信", "微信ID", "WeChat", "WeChat ID", "wxid"), width=16),
        Column("nickname", "微信昵称", ("昵称", "Nickname"), width=12),
        Column("wechat_account", "我的微信号", ("所属微信", "添加的微信号", "My WeChat", "Account"), width=10),
        Column("phone", "手机", ("手机号", "手机号码", "电话", "联系电话", "联系方式", "Phone", "Mobile", "Tel"), width=14),
        Column("gender", "性别", ("Gender", "Sex"), choices=GENDERS, width=6),
        Column("birthday", "生日", ("出生日期", "生日日期", "Birthday", "Date of Birth", "DOB"), width=12),
        Column("city", "城市", ("所在城市", "地区", "所在地", "City", "Region"), width=8),
        Column("address", "地址", ("收货地址", "详细地址", "Address"), width=30),
        Column("occupation", "职业", ("工作", "行业", "Occupation", "Job"), width=10),
        Column("source", "来源", ("来源渠道", "渠道", "客户来源", "Source", "Channel"), choices=SOURCES, width=10),
        Column("added_on", "添加日期", ("添加时间", "加好友日期", "加微信日期", "Added", "Added On"), width=12),
        Column("stage", "阶段", ("客户阶段", "Stage"), choices=STAGE_CHOICES, width=6),
        Column("member_level", "会员等级", ("等级", "会员级别", "Level", "Tier"), width=8),
        Column("tags", "标签", ("客户标签", "Tags", "Tag"), width=24),
        Column("referrer", "介绍人", ("推荐人", "转介绍人", "Referrer", "Referred By"), width=10),
        Column("total_spent", "累计消费", ("消费金额", "累计金额", "总消费", "消费总额", "Total Spent", "Spent"), width=10),
        Column("first_purchase_on", "首次购买日期", ("首次购买", "第一次购买", "First Purchase"), width=12),
        Column("last_purchase_on", "最近购买日期", ("最近购买", "最后购买", "上次购买", "Last Purchase"), width=12),
        Column("next_follow_up_on", "下次跟进", ("下次跟进日期", "跟进日期", "Next Follow-up"), width=12),
        Column("remark", "备注", ("备注信息", "说明", "Note", "Notes", "Remark Notes"), width=30),
    ),
    "notes": (
        *CUSTOMER_REF,
        Column("kind", "类型", ("笔记类型", "Type", "Kind"), choices=NOTE_KIND_CHOICES, width=6),
        Column("body", "内容", ("笔记", "备注", "笔记内容", "Note", "Content", "Text"), required=True, width=50),
        Column("noted_at", "时间", ("日期", "记录时间", "Date", "Time"), width=16),
        Column("pinned", "置顶", ("Pinned",), choices=("是", "否"), width=6),
    ),
    "purchases": (
        *CUSTOMER_REF,
        Column("purchased_on", "购买日期", ("日期", "下单日期", "下单时间", "购买时间", "Date", "Order Date"),
               required=True, width=12),
        Column("product", "商品", ("产品", "商品名称", "产品名称", "品名", "Product", "Item"), required=True, width=24),
        Column("quantity", "数量", ("件数", "Qty", "Quantity"), width=6),
        Column("amount", "金额", ("实付", "实付金额", "订单金额", "成交金额", "价格", "Amount", "Total", "Price"),
               width=10),
        Column("channel", "渠道", ("购买渠道", "付款方式", "Channel"), width=10),
        Column("note", "备注", ("说明", "Note"), width=24),
    ),
    "follow-ups": (
        *CUSTOMER_REF,
        Column("due_on", "跟进日期", ("日期", "计划日期", "Due", "Date"), required=True, width=12),
        Column("reason", "事由", ("跟进内容", "内容", "Reason"), width=24),
        Column("done", "已完成", ("完成", "Done"), choices=("是", "否"), width=6),
        Column("result", "结果", ("跟进结果", "Result"), width=24),
    ),
    "referrals": (
        Column("referrer", "介绍人", ("推荐人", "转介绍人", "老客户", "Referrer"), required=True, width=12),
        Column("referee", "被介绍人", ("新客户", "新客", "被推荐人", "客户", "Referee", "New Customer"),
               required=True, width=12),
        Column("referred_on", "日期", ("介绍日期", "转介绍日期", "Date"), width=12),
        Column("method", "方式", ("裂变方式", "转介绍方式", "Method"), choices=METHOD_CHOICES, width=8),
        Column("campaign", "活动", ("裂变活动", "活动名称", "Campaign"), width=14),
        Column("reward_kind", "奖励类型", ("奖励种类", "Reward Kind", "Reward Type"), choices=REWARD_KIND_CHOICES,
               width=8),
        Column("reward_value", "奖励金额", ("奖励价值", "奖励价格", "Reward Value", "Reward Amount"), width=10),
        Column("reward", "奖励", ("奖励内容", "Reward"), width=12),
        Column("reward_status", "奖励状态", ("是否发放", "发放状态", "Reward Status"), choices=REWARD_STATUS_CHOICES,
               width=8),
        Column("note", "备注", ("说明", "Note"), width=24),
    ),
}

KIND_LABELS = {"customers": "客户", "notes": "笔记", "purchases": "购买记录", "follow-ups": "跟进",
               "referrals": "转介绍"}

_DECORATION = re.compile(r"[\s*＊:：()（）\[\]【】]|必填|选填|可选")


def normalize_header(text: object) -> str:
    """'  客户姓名（必填）*' → '客户姓名'; 'WeChat ID' → 'wechatid'."""
    folded = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip().lower()
    return _DECORATION.sub("", folded)


def header_index(kind: str) -> dict[str, str]:
    """Normalised header or alias → field key, for one kind (the header wins over an alias)."""
    index: dict[str, str] = {}
    for column in KINDS[kind]:
        for alias in column.aliases:
            index.setdefault(normalize_header(alias), column.key)
    for column in KINDS[kind]:
        index[normalize_header(column.header)] = column.key
    return index
