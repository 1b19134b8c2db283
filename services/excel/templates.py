"""Import templates: an empty sheet per kind with the right headers, an example row, drop-downs.

The headers are those of `services.excel.columns.KINDS`, so a filled-in template imports with no
mapping work. The example row (grey italics) is EXAMPLES[kind]; a second sheet 说明 explains every
column: what it is, how to write it, whether it is required.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from services.errors import UserError
from services.excel.columns import KIND_LABELS, KINDS, SOURCES, Column
from services.excel.export import VALUE_KINDS
from services.excel.pages import PAGE_KINDS
from services.excel.writer import OutColumn, SheetSpec, write_sheets
from services.i18n import t

TEMPLATE_KINDS = ("customers", "notes", "purchases", "follow-ups", "referrals", "groups", "group-members", "group-stats",
                  "scripts", "materials", "posts", "care", "products", "points")
VALIDATED_ROWS = 1000  # rows under the header that get the drop-downs and date checks
HELP_SHEET = "说明"

# One row that looks real, per kind (column key → value); the importer may recognise it. The next
# follow-up date is a week after the day the template is written (see example_row).
NEXT_WEEK_KEYS = ("next_follow_up_on", "due_on")
EXAMPLES: dict[str, dict[str, object]] = {
    "customers": {
        "remark_name": "张丽", "real_name": "张丽", "wechat_id": "zhangli_1988", "nickname": "丽丽",
        "wechat_account": "工作号1", "phone": "13800138000", "gender": "女", "birthday": date(1988, 8, 15),
        "city": "杭州", "address": "浙江省杭州市西湖区文三路 88 号", "occupation": "教师", "source": "朋友圈",
        "added_on": date(2023, 3, 2), "stage": "复购", "member_level": "金卡", "tags": "宝妈、普洱",
        "referrer": "王芳", "total_spent": 128050, "first_purchase_on": date(2023, 3, 10),
        "last_purchase_on": date(2024, 11, 2),
        "remark": "喜欢熟普，不喝太浓的；孩子上小学",
    },
    "notes": {
        "customer_name": "张丽", "customer_wechat_id": "zhangli_1988", "customer_phone": "13800138000",
        "kind": "喜好", "body": "喜欢熟普，不喝太浓的", "noted_at": datetime(2024, 11, 2, 14, 30), "pinned": True,
    },
    "purchases": {
        "customer_name": "张丽", "customer_wechat_id": "zhangli_1988", "customer_phone": "13800138000",
        "purchased_on": date(2024, 11, 2), "product": "2016 年勐海熟普 357 克", "quantity": 2, "amount": 76000,
        "channel": "微信转账", "note": "送了一个茶针",
    },
    "follow-ups": {
        "customer_name": "张丽", "customer_wechat_id": "zhangli_1988", "customer_phone": "13800138000",
        "reason": "问问熟普喝完没有", "done": False, "result": "",
    },
    "referrals": {
        "referrer": "王芳", "referee": "张丽", "referred_on": date(2023, 3, 2), "method": "口碑",
        "reward": "50 元代金券", "reward_status": "已发放", "note": "王芳带她来店里试茶",
    },
}

_CUSTOMER_REF_HELP = "客户、客户微信号、客户手机至少填一项；同名客户靠微信号或手机区分"
_DATE = "日期，如 2024-05-01"

# Column key → (what it is, how to write it). Keys shared by kinds mean the same thing.
HELP: dict[str, tuple[str, str]] = {
    "remark_name": ("你在微信里给客户的备注名，客户列表主要显示它", "文字"),
    "real_name": ("客户的真实姓名", "文字"),
    "wechat_id": ("客户的微信号（不是昵称）；导入时先按微信号找已有客户，再按手机、备注名", "文字"),
    "nickname": ("客户自己起的微信昵称", "文字"),
    "wechat_account": ("客户加在你的哪个微信号上，填“我的微信号”里的名称", "文字，如 工作号1"),
    "phone": ("客户的手机号", "11 位手机号，如 13800138000；可带空格、横线或 +86"),
    "gender": ("性别", "男 或 女（也认 先生、女士）"),
    "birthday": ("客户的生日", "1990-05-01；不知道年份写 5月1日；农历写 农历 1988-08-15"),
    "city": ("客户所在城市", "文字，如 杭州"),
    "address": ("收货地址", "文字"),
    "occupation": ("客户的职业", "文字"),
    "source": ("客户是从哪里来的", "可选：" + "、".join(SOURCES) + "；也可填别的"),
    "added_on": ("加上微信好友的日期", _DATE + "；不填为导入当天"),
    "stage": ("客户阶段；不填则按购买记录自动判断，填了即为手动设定", "从下拉列表中选"),
    "member_level": ("会员等级", "文字，如 金卡"),
    "tags": ("客户的标签", "多个标签用顿号（、）或逗号分开，如 宝妈、普洱"),
    "referrer": ("介绍这位客户来的人：文件里或客本里已有客户的备注名", "文字"),
    "total_spent": ("到目前为止的消费总额", "金额，单位元，如 1280.50；可带 ￥ 和千位分隔符"),
    "first_purchase_on": ("第一次购买的日期", _DATE),
    "last_purchase_on": ("最近一次购买的日期", _DATE),
    "next_follow_up_on": ("下次要跟进的日期", _DATE),
    "remark": ("关于这位客户的其他说明，导入后记在客户的笔记里", "文字"),
    "customer_name": ("这条记录属于哪位客户：客户的备注名", _CUSTOMER_REF_HELP),
    "customer_wechat_id": ("客户的微信号，用来准确找到客户", _CUSTOMER_REF_HELP),
    "customer_phone": ("客户的手机号，用来准确找到客户", _CUSTOMER_REF_HELP),
    "kind": ("笔记的类型", "从下拉列表中选；不填为 其他"),
    "body": ("笔记的内容", "文字"),
    "noted_at": ("这件事发生的时间", "如 2024-05-01 14:30；不填为导入时间"),
    "pinned": ("是否置顶显示在客户详情里", "是 或 否"),
    "purchased_on": ("哪天买的", _DATE),
    "product": ("买了什么", "文字"),
    "quantity": ("买了几件", "整数，不填为 1"),
    "amount": ("这一笔一共付了多少钱", "金额，单位元，如 380 或 380.50；可带 ￥"),
    "channel": ("在哪里买的、怎么付的", "文字，如 微信转账"),
    "note": ("备注", "文字"),
    "due_on": ("哪天跟进", _DATE),
    "reason": ("跟进什么事", "文字，不填为 跟进"),
    "done": ("这次跟进做完了没有", "是 或 否；不填为 否"),
    "result": ("跟进的结果", "文字"),
    "referee": ("被介绍来的新客户的备注名", "文字"),
    "referred_on": ("介绍的日期", _DATE),
    "method": ("用了哪种裂变方式", "从下拉列表中选"),
    "reward": ("给介绍人的奖励", "文字，如 50 元代金券"),
    "reward_status": ("奖励发了没有", "从下拉列表中选；不填为 无"),
}

_GENERAL_HELP = (
    "第 1 行是列名，请不要修改；红色列名是必填列。",
    "第 2 行是灰色斜体的示例，导入前请删掉或直接改成你的数据。",
    "有下拉箭头的列可以直接从列表中选；日期请写成 2024-05-01。",
    "不需要的列可以空着，也可以整列删掉；也可以把已有表格的数据粘贴进来。",
)


def _help_of(kind: str, column: Column) -> tuple[str, str]:
    """(what the column is, how to write it), in the UI language."""
    page = PAGE_KINDS.get(kind)
    if page is not None:  # a page's kind: its own help, else (for most pages) the customer book's
        fallback = HELP.get(column.key, (column.header, "文字")) if page.customer_help else (column.header, "文字")
        what, how = page.help.get(column.key, fallback)
    elif kind == "referrals" and column.key == "note":
        what, how = "关于这次转介绍的备注", "文字"
    else:
        what, how = HELP.get(column.key, (column.header, "文字"))
    return t(what), t(how)


def _value_kinds(kind: str) -> dict[str, str]:
    page = PAGE_KINDS.get(kind)
    return page.value_kinds if page is not None else VALUE_KINDS


def template_columns(kind: str) -> list[OutColumn]:
    columns = []
    for column in KINDS[kind]:
        what, how = _help_of(kind, column)
        columns.append(OutColumn(
            column.header, _value_kinds(kind).get(column.key, "text"),
            column.width, column.choices, column.required,
            note=(t("必填") + "：" if column.required else "") + what, hint=how,
            date_check=column.key != "birthday",
        ))
    return columns


def write_template(kind: str, path: Path | str) -> None:
    """Write the import template of `kind` (one of TEMPLATE_KINDS) to `path` (.xlsx)."""
    if kind not in TEMPLATE_KINDS:
        raise UserError(t("没有“{kind}”的模板，可选：{kinds}", kind=kind, kinds="、".join(TEMPLATE_KINDS)))
    example = example_row(kind)
    sheet = SheetSpec(KIND_LABELS[kind], template_columns(kind), [[example.get(c.key) for c in KINDS[kind]]],
                      total=1, example=True, validate_rows=VALIDATED_ROWS, autofilter=False)
    write_sheets(path, [sheet, _help_sheet(kind)])


def example_row(kind: str, today: date | None = None) -> dict[str, object]:
    """The example of `kind` as written on `today`: column key → value."""
    next_week = (today or date.today()) + timedelta(days=7)
    page = PAGE_KINDS.get(kind)
    example = page.examples[kind] if page is not None else EXAMPLES[kind]
    return {**example, **{key: next_week for key in NEXT_WEEK_KEYS if key in {c.key for c in KINDS[kind]}}}


def _help_sheet(kind: str) -> SheetSpec:
    rows: list[list[object]] = []
    for column in KINDS[kind]:
        what, how = _help_of(kind, column)
        choices = "、".join(column.choices)
        if choices and column.key != "source":
            how = f"{how}：{choices}" if how.startswith("从下拉") else how
        rows.append([column.header, t("必填") if column.required else t("选填"), how, what])
    rows.append([])
    rows += [[t("提示"), "", "", t(line)] for line in _GENERAL_HELP]
    columns = [OutColumn(t("列名"), width=14), OutColumn(t("是否必填"), width=10),
               OutColumn(t("怎么填"), width=48), OutColumn(t("说明"), width=56)]
    return SheetSpec(HELP_SHEET, columns, rows, total=len(rows), autofilter=False)
