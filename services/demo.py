"""演示数据: fill a store with believable Chinese customers, notes, purchases and follow-ups.

Deterministic for a seed (relative to today). Fast enough for 100,000 customers and about
500,000 notes: rows go in through SQLAlchemy Core executemany, with the stored pinyin, initials
and search text computed here exactly as `services.customers.refresh_search_text` would, and the
stored totals and stages recomputed once at the end by `services.timeline.refresh_aggregates`.
"""

from __future__ import annotations

import calendar
import importlib
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, FollowUp, Note, Purchase, Tag, TagGroup, WechatAccount
from services.accounts import save_account
from services.errors import UserError
from services.i18n import t
from services.tags import save_group, save_tag
from services.text import pinyin_of, search_columns
from services.timeline import refresh_aggregates

BATCH = 5000  # customers generated, inserted and reported per step
INSERT_CHUNK = 10000  # rows per executemany


@dataclass
class DemoOptions:
    customers: int = 2000
    seed: int = 1
    notes_per_customer: float | None = None  # None = about 5 per customer


# ---- the setup the demo customers refer to -------------------------------------------------------

ACCOUNTS = (("工作号1", "chaxiang_shop01", "主号，老客都在这里"), ("工作号2", "chaxiang_shop02", "新客和抖音来的"))

# (group, multi, tags); colours come from services.tags.GROUP_COLORS.
TAG_TREE: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("基础属性", True, ("宝妈", "学生", "上班族", "退休")),
    ("消费能力", False, ("高", "中", "低")),
    ("风格偏好", True, ("新中式", "简约", "甜美", "商务")),
    ("兴趣", True, ("普洱", "白茶", "岩茶", "护肤", "养生", "瑜伽")),
    ("渠道", False, ("朋友圈", "转介绍", "门店", "线上平台")),
)

# ---- people ----------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤"
)
_SURNAME_WEIGHTS = [1.0 / (rank + 6) for rank in range(len(SURNAMES))]
FEMALE_CHARS = "丽娜静敏燕艳芳婷雪慧洁玲霞红梅琳莉颖倩晶萍瑶怡欣悦琪佳雯璐蕾露妍晓然萌薇楠蓉菲月云丹宁青茜爽琴秀英华兰凤萱诗涵梦媛岚晴"
MALE_CHARS = "伟强磊军勇杰涛斌鹏浩宇超明刚平辉峰波飞龙俊帆凯鑫毅亮健林晨建国华文博志成东海"
CITIES = ("杭州", "上海", "北京", "深圳", "广州", "成都", "苏州", "南京", "武汉", "西安", "长沙", "重庆",
          "厦门", "福州", "昆明", "宁波", "温州", "合肥", "郑州", "青岛", "天津", "佛山", "东莞", "无锡")
_CITY_WEIGHTS = (18, 12, 8, 8, 7, 6, 6, 5, 4, 4, 4, 4, 4, 4, 3, 4, 3, 2, 2, 2, 2, 2, 2, 2)
DISTRICTS = {
    "杭州": ("西湖区", "上城区", "拱墅区", "滨江区", "余杭区"), "上海": ("浦东新区", "徐汇区", "静安区", "闵行区"),
    "北京": ("朝阳区", "海淀区", "东城区", "丰台区"), "深圳": ("南山区", "福田区", "宝安区", "龙岗区"),
    "广州": ("天河区", "越秀区", "海珠区", "番禺区"), "成都": ("锦江区", "武侯区", "高新区", "青羊区"),
    "苏州": ("姑苏区", "工业园区", "吴中区"), "南京": ("鼓楼区", "玄武区", "建邺区", "江宁区"),
    "武汉": ("江汉区", "武昌区", "洪山区"), "西安": ("雁塔区", "碑林区", "未央区"), "长沙": ("岳麓区", "芙蓉区", "天心区"),
    "重庆": ("渝中区", "江北区", "南岸区"), "厦门": ("思明区", "湖里区", "集美区"), "福州": ("鼓楼区", "台江区", "仓山区"),
    "昆明": ("五华区", "盘龙区", "官渡区"),
}
ROADS = ("人民路", "中山路", "解放路", "建设路", "文化路", "新华路", "长江路", "学院路", "滨江路", "文三路",
         "南京路", "和平路", "青年路", "工农路", "花园路", "胜利街", "东风路", "香樟路")
COMPOUNDS = ("阳光花园", "碧桂园", "万科城", "绿城桂花园", "翠苑小区", "金色家园", "世纪新城", "锦绣华庭", "恒大名都")
OCCUPATIONS = ("教师", "医生", "会计", "企业主", "设计师", "公务员", "护士", "销售", "HR", "律师", "程序员",
               "自由职业", "美容师", "银行职员", "财务", "个体户", "外贸", "行政")
_OCCUPATION_WEIGHTS = (8, 4, 6, 8, 5, 5, 4, 6, 3, 2, 3, 5, 3, 4, 4, 6, 3, 4)
SOURCES = ("朋友圈", "老客转介绍", "门店", "抖音", "小红书", "社群", "地推", "展会")
_SOURCE_WEIGHTS = (22, 24, 16, 12, 10, 8, 4, 4)
SOURCE_CHANNEL = {"朋友圈": "朋友圈", "老客转介绍": "转介绍", "门店": "门店", "地推": "门店", "展会": "门店",
                  "抖音": "线上平台", "小红书": "线上平台", "社群": "线上平台"}
INTERESTS = ("普洱", "白茶", "岩茶", "护肤", "养生", "瑜伽")
_INTEREST_WEIGHTS = (26, 20, 10, 24, 12, 8)
CATEGORY = {"普洱": "tea", "白茶": "tea", "岩茶": "tea", "护肤": "skin", "养生": "health", "瑜伽": "health",
            "茶具": "tea"}
TITLES_F = ("姐", "姐", "老师", "总", "阿姨")
TITLES_M = ("哥", "总", "总", "老师", "叔")
INDUSTRIES = ("茶叶", "建材", "外贸", "餐饮", "服装", "地产", "物流", "装修", "医美", "珠宝", "教育")
REMARK_INTERESTS = ("普洱", "白茶", "岩茶", "护肤", "面霜", "燕窝", "瑜伽", "熟普", "老白茶")
ENGLISH = ("Lily", "Amy", "Coco", "Cherry", "Vivian", "Grace", "Sunny", "Linda", "Emma", "Anna", "Yoyo",
           "Helen", "Jenny", "Kiki", "Mia", "Queen", "Jason", "Kevin", "Tony", "Leo", "David", "Eric")
EMOJI = ("🌸", "🍀", "🌷", "🌻", "🌙", "☀️", "🍃", "🌹", "💕", "🐱", "🍵", "✨")
POETIC = ("静待花开", "岁月静好", "向阳而生", "浅笑安然", "一叶知秋", "随遇而安", "花开半夏", "简单快乐",
          "不忘初心", "明天会更好", "云淡风轻", "淡然", "暖暖的阳光", "心若向阳", "知足常乐", "春暖花开",
          "时光不老", "慢生活", "茶香人生", "遇见更好的自己", "平安喜乐", "微笑向暖", "一路向北", "清风徐来")
KIDS = ("朵朵", "乐乐", "豆豆", "果果", "糖糖", "航航", "悠悠", "甜甜", "小宝", "天天", "多多", "琪琪")
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180", "181", "182",
                  "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199")
_WXID_ALPHABET = string.ascii_lowercase + string.digits

# ---- what they buy ----------------------------------------------------------------------------------

# (product, unit price in yuan)
PRODUCTS: dict[str, tuple[tuple[str, int], ...]] = {
    "普洱": (("冰岛古树生普 357g", 1680), ("老班章古树生普 357g", 3280), ("易武刮风寨 357g", 1980),
            ("十年陈普洱熟茶 357g", 468), ("勐海宫廷熟普 200g", 168), ("熟普茶砖 250g", 128),
            ("小青柑普洱 罐装", 138), ("布朗山生普 357g", 328), ("2015年老熟普 357g", 598),
            ("2006年易武老生普 整提7饼", 8800)),
    "白茶": (("2019年老白茶饼 357g", 398), ("2016年寿眉饼 350g", 298), ("福鼎白毫银针 100g", 688),
            ("白牡丹散茶 250g", 238), ("2012年老寿眉 500g", 880), ("白茶品鉴礼盒", 1280)),
    "岩茶": (("正岩肉桂 250g", 580), ("大红袍礼盒", 880), ("老枞水仙 250g", 360), ("牛栏坑肉桂 100g", 2380),
            ("武夷岩茶品鉴装", 198)),
    "护肤": (("玫瑰精华面霜 50g", 398), ("玻尿酸补水面膜 10片", 168), ("修护精华液 30ml", 458),
            ("敏感肌舒缓乳液", 268), ("氨基酸洁面乳", 98), ("清透防晒霜 SPF50", 158), ("抗老眼霜 15g", 520),
            ("护肤套装礼盒", 1280), ("美容院护理卡 10次", 3880), ("年度美容护理卡", 8800)),
    "养生": (("即食燕窝礼盒 6瓶", 1280), ("东阿阿胶糕 500g", 298), ("宁夏枸杞 500g", 68), ("红枣桂圆茶 30包", 78),
            ("西洋参片 100g", 368), ("年度养生调理卡", 6800), ("艾灸贴 30贴", 88)),
    "瑜伽": (("瑜伽私教课 10节", 2800), ("瑜伽垫", 199), ("瑜伽服套装", 368), ("冥想团课 20次", 1600)),
    "茶具": (("汝窑茶具套装", 368), ("紫砂壶 朱泥西施", 1280), ("建盏 兔毫", 458), ("旅行茶具便携装", 168)),
}
PRODUCT_LINES = tuple(PRODUCTS)
PURCHASE_CHANNELS = ("微信转账", "小程序", "门店", "淘宝")
_CHANNEL_WEIGHTS = (50, 25, 15, 10)
PURCHASE_NOTES = ("送了小样", "老客95折", "顺丰包邮", "要开发票", "寄到公司", "礼盒装", "会员日9折", "送了一包小青柑")
MIN_CENTS, MAX_CENTS = 68_00, 8_800_00

FOLLOW_UP_REASONS = (
    "问问寿眉喝完没有", "生日前送祝福", "新品到了通知她", "回访面霜使用感受", "提醒复购熟普", "邀请参加春茶品鉴会",
    "T+7 回访", "T+21 发复购券", "30天没联系，唤醒一下", "问问燕窝吃得怎么样", "中秋礼盒预订", "确认收货地址",
    "会员日活动提醒", "送小样试用", "问一下敏感肌用得习惯吗", "约到店试喝白茶", "跟进上次的报价", "节日问候",
)
FOLLOW_UP_RESULTS = (
    "已回复，下周再买", "没回，过几天再问", "已下单2饼", "说暂时不需要", "约了周六到店", "很满意，还介绍了朋友",
    "说最近手头紧，过段时间", "已送达祝福，她很开心", "要了报价单", "回购了一份", "说用完了再找我",
)

# ---- notes: templates with {slots}; a slot comes from the customer (city, job, product …) or a list --

NOTE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "身份": (
        "在{city}做{biz}，{family}",
        "{job}，{family}，{personality}",
        "老家{hometown}，现在在{city}工作，{family}",
        "{job}，{referrer}介绍来的，{family}",
        "自己在{city}开了{shop}，{family}，平时比较忙",
        "{family}，{job}，{hobby}",
        "在{city}{district}住，{job}，{personality}",
    ),
    "购买": (
        "买了{product}，{purchase_remark}",
        "回购{product}，说上次的{feedback}",
        "给{recipient}买了{product}当礼物，要求{gift_req}",
        "一次拿了{qty}份{product}，{purchase_remark}",
        "{holiday}前订了{product}，{delivery}",
        "{product}，{purchase_remark}，{delivery}",
    ),
    "咨询": (
        "问了{topic}，推荐了{product}",
        "咨询{topic}，{answer}",
        "想给{recipient}买点{gift_kind}，预算{budget}左右，推荐了{product}",
        "问{product}有没有活动，{answer2}",
        "问最近有没有{new}，说到了通知她",
        "问了{topic}，{answer}",
    ),
    "售后": (
        "收到货说{problem}，{fix}",
        "{product}{problem2}，{fix}",
        "反馈{problem}，{fix}",
    ),
    "其他": (
        "{other}",
        "{other}，{other2}",
        "{weekday}晚上回消息快，{other2}",
    ),
}
PREFERENCE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "tea": ("{tea_like}，{tea_habit}，{tea_dislike}", "{tea_like}，{tea_dislike}", "{tea_habit}，{tea_like}",
            "{tea_like}，{general_like}"),
    "skin": ("{skin_type}，{skin_like}，{skin_avoid}", "{skin_type}，{skin_avoid}", "{skin_like}，{general_like}"),
    "health": ("{health}，{health_like}", "{health}，{health_like}，{general_like}", "{health_like}，{tea_dislike}"),
}
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "biz": ("外贸", "建材生意", "服装批发", "餐饮", "房产中介", "装修公司", "美容院", "电商", "物流", "茶叶生意",
            "进出口", "财务咨询", "培训机构", "花店"),
    "family_m": ("两个孩子的爸爸", "女儿在读初中", "老婆是老师", "单身", "孩子在国外读书", "儿子刚上幼儿园",
                 "新婚不久", "家里三代同堂", "老婆也喜欢喝茶", "经常出差"),
    "family": ("两个孩子的妈妈，老公做建材", "一个女儿在读初中", "刚生了二胎", "单身，和父母住", "孩子在国外读书",
               "老公是医生", "儿子刚上幼儿园", "新婚不久", "家里三代同堂", "丁克", "女儿今年高考", "孩子上小学三年级",
               "老公经常出差", "儿子在读大学", "刚休完产假"),
    "personality": ("说话爽快", "比较谨慎，买东西喜欢先问清楚", "很好沟通", "对价格比较敏感", "注重品质，不太看价格",
                    "喜欢讲价", "回消息慢，一般晚上回", "朋友圈很活跃", "性格温和", "很有主见"),
    "hometown": ("湖南", "四川", "江西", "安徽", "河南", "山东", "福建", "云南", "东北", "湖北", "广西", "潮汕"),
    "shop": ("一家花店", "美甲店", "咖啡馆", "服装店", "烘焙工作室", "瑜伽馆", "母婴店", "小超市", "民宿"),
    "hobby": ("周末喜欢爬山", "喜欢插花", "每天练瑜伽", "爱旅游，经常去云南", "在学古筝", "喜欢烘焙", "喜欢读书",
              "在学茶艺", "喜欢跑步", "周末带孩子露营"),
    "district": ("市中心", "老城区", "新区", "开发区", "江边", "大学城附近"),
    "purchase_remark": ("用的微信转账", "老客打了95折", "送了一包小青柑", "顺丰到付", "要发票", "地址改到公司",
                        "让下次有新品先通知她", "送了两片面膜", "说喝着不错再来"),
    "feedback": ("喝完了", "用完了", "送人了，朋友都说好", "很满意", "家里人都喜欢", "效果不错"),
    "recipient": ("婆婆", "爸妈", "客户", "领导", "闺蜜", "老公", "老师", "朋友"),
    "gift_req": ("礼盒包装", "写张贺卡", "周五前到", "不要放价格单", "包装好看一点"),
    "holiday": ("中秋", "春节", "端午", "母亲节", "教师节", "双十一", "她生日", "元旦"),
    "delivery": ("已经发顺丰", "约了到店自提", "分两次发货", "直接寄到她老家", "周末送过去"),
    "qty": ("2", "3", "两", "三", "5"),
    "answer": ("发了冲泡视频给她", "约了周末到店试喝", "寄了小样让她先试试", "她说考虑一下", "已经解答，她说很专业",
               "发了两篇文章给她看"),
    "answer2": ("告诉她下周会员日有9折", "说老客可以送小样", "没有活动，她说再看看", "给她申请了老客价"),
    "budget": ("300", "500", "800", "1000", "2000", "3000", "5000"),
    "new": ("新茶", "新品", "明前茶", "礼盒", "春茶"),
    "fix": ("补寄了一份小样", "重新发了一份", "退了差价", "送了一包小青柑赔罪", "已经道歉，她说没关系",
            "让她拍照，申请了快递理赔", "建议先停用，退了货款", "教了她正确的冲泡方法"),
    "other": ("朋友圈经常点赞", "拉进了茶友群", "拉进了老客福利群", "不喜欢被频繁打扰，一个月联系一次就好",
              "加了好友还没聊过", "帮忙转发了新品海报", "参加了春茶品鉴会", "参加了线下插花沙龙", "周年庆抽中了二等奖",
              "说下个月搬家", "推荐了两个朋友过来", "在新品试用群里很活跃", "看朋友圈问过价格"),
    "other2": ("记得节日问候", "下次上新提醒她", "别发太多广告", "喜欢语音聊天", "不喜欢打电话，发文字就好",
               "对我们印象很好"),
    "weekday": ("周一", "周三", "周五", "周末"),
    "tea_like": ("喜欢喝熟普", "爱喝白茶", "只喝普洱", "偏爱岩茶", "喜欢老白茶", "喜欢生普", "喜欢普洱熟茶",
                 "喜欢寿眉", "喜欢冰岛的甜", "肉桂和水仙都喝"),
    "tea_habit": ("每天早上一壶", "办公室常备", "喜欢煮着喝", "周末才有空喝", "用盖碗泡", "怕凉", "胃不太好",
                  "晚上不敢喝浓的"),
    "tea_dislike": ("不喝绿茶", "不喜欢烟味重的", "嫌生普太苦", "不喜欢花茶", "喝不惯红茶", "不要太贵的",
                    "只要整饼不要散茶", "不喝太新的茶"),
    "skin_type": ("敏感肌", "干皮", "油皮", "混合肌", "换季容易过敏", "脸上容易长痘", "肤色偏黄", "敏感肌，容易泛红"),
    "skin_like": ("喜欢清爽的质地", "喜欢玫瑰味", "用惯了面霜", "每天敷面膜", "喜欢大牌小样", "很在意成分"),
    "skin_avoid": ("对酒精过敏", "不要有香精的", "用酸类会泛红", "不喜欢油腻的", "孕期不用功效型", "对芒果过敏"),
    "health": ("体寒，手脚冰凉", "睡眠不好", "经常熬夜", "产后在调理", "气血不足", "颈椎不好", "容易上火"),
    "health_like": ("喜欢吃燕窝", "每天吃阿胶糕", "喝红枣枸杞茶", "每周练三次瑜伽", "在练普拉提", "不爱吃甜",
                    "早上喝一杯白茶"),
    "general_like": ("送礼喜欢礼盒", "喜欢新中式的包装", "喜欢小份装，方便带", "喜欢简约的风格", "喜欢粉色",
                     "不喜欢太花哨的包装"),
}
# Fragments that depend on what the customer is into: tea, skin care or health.
CATEGORY_FRAGMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "tea": {
        "topic": ("白茶饼的存放方法", "熟普怎么泡不苦", "普洱生茶和熟茶的区别", "岩茶的焙火", "孕期能不能喝茶",
                  "老白茶能不能煮", "茶叶受潮怎么办", "普洱放几年好喝", "白茶和绿茶哪个养胃", "紫砂壶怎么开壶",
                  "普洱熟茶适合什么时候喝", "一饼茶能喝多久"),
        "gift_kind": ("茶叶", "茶具", "茶叶礼盒"),
        "problem": ("包装有点破", "少了一饼", "快递太慢了", "茶饼有点潮", "发错了年份", "盒子压扁了", "茶刀没寄"),
        "problem2": ("泡出来有点酸", "味道和上次不一样", "喝了胃不舒服", "有点仓味", "比上次苦"),
    },
    "skin": {
        "topic": ("敏感肌能不能用精华", "面霜和精华的顺序", "换季皮肤干怎么办", "过敏期间能不能用面膜",
                  "孕期能用哪些护肤品", "油皮怎么控油", "眼霜多大开始用", "防晒要不要天天涂", "护理卡怎么预约"),
        "gift_kind": ("护肤品", "护肤套装", "面膜"),
        "problem": ("包装有点破", "快递太慢了", "面霜瓶子漏了", "发错了规格", "颜色和图片不一样", "少了赠品"),
        "problem2": ("用了两天有点过敏", "用了有点刺痛", "味道和上次不一样", "用了长了两颗痘", "有点搓泥"),
    },
    "health": {
        "topic": ("燕窝怎么炖", "阿胶糕每天吃多少", "体寒吃什么好", "孕期能不能吃燕窝", "私教课怎么约时间",
                  "枸杞泡水还是直接吃", "失眠怎么调理", "西洋参适合什么体质"),
        "gift_kind": ("养生的东西", "燕窝礼盒", "滋补品"),
        "problem": ("包装有点破", "快递太慢了", "少了一盒", "发错了规格", "保质期比较短", "盒子压扁了"),
        "problem2": ("吃了有点上火", "味道和上次不一样", "有点太甜", "课程时间排不开"),
    },
}
NOTE_KINDS_WEIGHTED = ("身份", "购买", "咨询", "喜好", "售后", "其他")
_NOTE_KIND_WEIGHTS = (10, 22, 24, 20, 8, 16)
PIN_CHANCE = {"身份": 0.3, "喜好": 0.15, "售后": 0.05, "购买": 0.02, "咨询": 0.02, "其他": 0.02}

_SLOTS = {template: tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)
          for templates in (*NOTE_TEMPLATES.values(), *PREFERENCE_TEMPLATES.values()) for template in templates}


# ---- the entry point ---------------------------------------------------------------------------------

# The other pages' demo data, filled after the customers: "module.function" names, each called as
# function(session, options) -> counts (it may commit; it must stay quick at 100,000 customers).
PAGE_FILLERS: tuple[str, ...] = (
    "services.demo_groups.fill",
    "services.demo_library.fill",
    "services.demo_referrals.fill",
    "services.demo_moments.fill",
    "services.demo_loyalty.fill",
    "services.demo_care.fill",
    "services.layers.fill_demo_layers",  # keep last: the layers read the referrals etc. added above
)


def fill_demo(session: Session, options: DemoOptions, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> dict[str, int]:
    """Fill the store with believable Chinese demo data; returns counts per kind.

    The keys: customers, notes, purchases, follow_ups (rows added), customer_tags (tag assignments
    added), tags and tag_groups (the demo tag tree, created or reused), wechat_accounts (the two
    demo accounts, created or reused). Adds to a store that already holds customers without
    clashing phones or WeChat IDs. One transaction for the customers; cancelling rolls it back
    and raises UserError.
    """
    if options.customers < 0:
        raise UserError(t("演示客户数不能是负数"))
    notes_per = 5.0 if options.notes_per_customer is None else max(0.0, options.notes_per_customer)
    # Setup first (these helpers commit): accounts and the tag tree, reused by name.
    account_ids = _ensure_accounts(session)
    tags, group_multi, group_count = _ensure_tags(session)
    try:
        counts = _fill(session, options, notes_per, account_ids, tags, group_multi, progress, cancelled)
        if counts["customers"] and session.get_bind().dialect.name == "postgresql":
            # Customer ids were given explicitly: move the id sequence past them.
            session.execute(text("SELECT setval(pg_get_serial_sequence('customer', 'id'), "
                                 "(SELECT max(id) FROM customer))"))
        refresh_aggregates(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    counts.update(tags=len(tags), tag_groups=group_count, wechat_accounts=len(account_ids))
    for path in PAGE_FILLERS:
        module, name = path.rsplit(".", 1)
        filler = getattr(importlib.import_module(module), name)
        try:
            counts.update(filler(session, options))
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return counts


def _ensure_accounts(session: Session) -> list[int]:
    ids = []
    for name, wechat_id, note in ACCOUNTS:
        existing = session.scalar(select(WechatAccount.id).where(WechatAccount.name == name))
        ids.append(existing if existing is not None else save_account(session, name, wechat_id, note))
    return ids


def _ensure_tags(session: Session) -> tuple[dict[str, int], dict[int, bool], int]:
    """The demo tag tree: tag name → id, group id → multi (as stored), and how many groups."""
    tags: dict[str, int] = {}
    multi: dict[int, bool] = {}
    for group_name, group_multi, tag_names in TAG_TREE:
        group = session.scalar(select(TagGroup).where(TagGroup.name == group_name))
        group_id = group.id if group is not None else save_group(session, group_name, multi=group_multi)
        multi[group_id] = group.multi if group is not None else group_multi
        for tag_name in tag_names:
            tag_id = session.scalar(select(Tag.id).where(Tag.group_id == group_id, Tag.name == tag_name))
            tags[f"{group_name}/{tag_name}"] = tag_id if tag_id is not None else save_tag(session, group_id, tag_name)
    return tags, multi, len(TAG_TREE)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows in multi-row INSERT … VALUES statements.

    Asking for RETURNING makes SQLAlchemy batch an executemany into multi-row statements
    ("insertmanyvalues"). That matters on SQLite: the full-text (FTS5) triggers cost about three
    times as much when every row is its own statement (measured: 100k customers and 500k notes
    took 23 s row by row, 8 s batched).
    """
    key = next(iter(table.primary_key.columns))
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(table.insert().returning(key), rows[start:start + INSERT_CHUNK]).close()


def _fill(session: Session, options: DemoOptions, notes_per: float, account_ids: list[int],
          tags: dict[str, int], group_multi: dict[int, bool],
          progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None) -> dict[str, int]:
    first_id = int(session.scalar(select(func.max(Customer.id))) or 0) + 1
    # An empty store gets the seed's own sequence; adding to a store continues with other people.
    rng = random.Random(options.seed if first_id == 1 else f"{options.seed}+{first_id}")
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    used_phones: set[str] = set()
    used_wechat_ids: set[str] = set()
    if first_id > 1:
        used_phones.update(session.scalars(select(Customer.phone).where(Customer.phone != "")))
        used_wechat_ids.update(w.lower() for w in session.scalars(
            select(Customer.wechat_id).where(Customer.wechat_id != "")))
    tag_group = {tag_id: group_id for tag_id, group_id in
                 session.execute(select(Tag.id, Tag.group_id).where(Tag.id.in_(tags.values())))}
    maker = _Maker(rng, today, now, notes_per, account_ids, tags, tag_group, group_multi,
                   used_phones, used_wechat_ids)
    counts = {"customers": 0, "notes": 0, "purchases": 0, "follow_ups": 0, "customer_tags": 0}
    total = options.customers
    tables = {name: _table(model) for name, model in (
        ("customers", Customer), ("notes", Note), ("purchases", Purchase), ("follow_ups", FollowUp),
        ("customer_tags", CustomerTag))}
    done = 0
    while True:
        if cancelled is not None and cancelled():
            session.rollback()
            raise UserError(t("已取消"))
        if done >= total:
            break
        size = min(BATCH, total - done)
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for i in range(size):
            maker.customer(first_id + done + i, batch)
        for name, rows in batch.items():  # customers first: the others refer to them
            _insert(session, tables[name], rows)
            counts[name] += len(rows)
        done += size
        if progress is not None:
            progress(done, total)
    return counts


class _Maker:
    """Makes one customer's rows at a time from a seeded random generator."""

    def __init__(self, rng: random.Random, today: date, now: datetime, notes_per: float,
                 account_ids: list[int], tags: dict[str, int], tag_group: dict[int, int],
                 group_multi: dict[int, bool], used_phones: set[str], used_wechat_ids: set[str]) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.notes_per = notes_per
        self.account_ids = account_ids
        self.tags = tags
        self.tag_group = tag_group
        self.group_multi = group_multi
        self.used_phones = used_phones
        self.used_wechat_ids = used_wechat_ids
        self.today_ordinal = today.toordinal()
        self.referrers = tuple(f"{s}{title}" for s in SURNAMES[:40] for title in ("姐", "老师", "总"))
        self.surname_cum = _cumulative(_SURNAME_WEIGHTS)
        self.city_cum = _cumulative(_CITY_WEIGHTS)
        self.occupation_cum = _cumulative(_OCCUPATION_WEIGHTS)
        self.source_cum = _cumulative(_SOURCE_WEIGHTS)
        self.interest_cum = _cumulative(_INTEREST_WEIGHTS)
        self.channel_cum = _cumulative(_CHANNEL_WEIGHTS)
        self.kind_cum = _cumulative(_NOTE_KIND_WEIGHTS)

    def pick(self, items: Sequence[str], cum: list[float]) -> str:
        return self.rng.choices(items, cum_weights=cum)[0]

    # -- one customer ------------------------------------------------------------------------------

    def customer(self, cid: int, out: dict[str, list[dict[str, Any]]]) -> None:
        rng = self.rng
        r = rng.random()
        gender = "女" if r < 0.78 else "男" if r < 0.98 else ""
        surname = self.pick(SURNAMES, self.surname_cum)
        chars = MALE_CHARS if gender == "男" else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.65 else rng.choice(chars) + rng.choice(chars)
        name = surname + given
        birth_year = int(rng.triangular(1958, 2006, 1987))
        age = self.today.year - birth_year
        occupation = self._occupation(gender, age)
        city = self.pick(CITIES, self.city_cum)
        source = self.pick(SOURCES, self.source_cum)
        interest = self.pick(INTERESTS, self.interest_cum)
        tier = "高" if (r := rng.random()) < 0.2 else "中" if r < 0.65 else "低"
        added_on = date.fromordinal(self.today_ordinal - rng.randint(0, 3 * 365))
        remark = self._remark(surname, given, name, gender, city, interest, occupation, source, birth_year)
        real_name = name if rng.random() < 0.75 else ""
        nickname = self._nickname(surname, given, name, gender)
        wechat_id = self._wechat_id(name, birth_year, nickname)
        phone = self._phone(cid) if rng.random() < 0.85 else ""

        b_year: int | None = None
        b_month: int | None = None
        b_day: int | None = None
        lunar = False
        if rng.random() < 0.7:
            lunar = rng.random() < 0.2
            b_month = rng.randint(1, 12)
            b_year = birth_year if rng.random() >= 0.3 else None
            last = 29 if lunar else calendar.monthrange(b_year or 2000, b_month)[1]
            b_day = rng.randint(1, last)
        address = ""
        if rng.random() < 0.35:
            district = rng.choice(DISTRICTS.get(city, ("高新区", "经开区", "新城区")))
            address = (f"{city}市{district}{rng.choice(ROADS)}{rng.randint(1, 388)}号"
                       f"{rng.choice(COMPOUNDS)}{rng.randint(1, 30)}幢{rng.randint(1, 28)}0{rng.randint(1, 4)}")
        member_level = ""
        if tier == "高" and rng.random() < 0.6:
            member_level = rng.choice(("金卡", "钻石卡"))
        elif tier == "中" and rng.random() < 0.3:
            member_level = "银卡"

        out["customers"].append({
            "id": cid, "remark_name": remark, "real_name": real_name, "wechat_id": wechat_id,
            "nickname": nickname, "wechat_account_id": self.account_ids[0 if rng.random() < 0.6 else 1],
            "phone": phone, "gender": gender, "birthday_year": b_year, "birthday_month": b_month,
            "birthday_day": b_day, "birthday_lunar": lunar, "birthday_leap_month": False, "city": city,
            "address": address, "occupation": occupation, "source": source, "added_on": added_on,
            "stage": "潜在", "stage_override": "", "member_level": member_level,
            **search_columns(remark, real_name, nickname, wechat_id, phone),
        })
        self._tags(cid, tier, source, occupation, gender, age, interest, out["customer_tags"])
        line = interest if rng.random() < 0.85 else rng.choice(PRODUCT_LINES)
        products = PRODUCTS[line]
        self._notes(cid, added_on, city, occupation, gender, CATEGORY[line], products, out["notes"])
        self._purchases(cid, added_on, tier, products, out["purchases"])
        self._follow_ups(cid, added_on, out["follow_ups"])

    def _occupation(self, gender: str, age: int) -> str:
        rng = self.rng
        if age <= 22 and rng.random() < 0.6:
            return "学生"
        if age >= 58 and rng.random() < 0.6:
            return "退休"
        if gender == "女" and 25 <= age <= 42 and rng.random() < 0.25:
            return "宝妈"
        if rng.random() < 0.06:
            return ""
        return self.pick(OCCUPATIONS, self.occupation_cum)

    def _remark(self, surname: str, given: str, name: str, gender: str, city: str, interest: str,
                occupation: str, source: str, birth_year: int) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.36:
            return name
        if r < 0.46:
            return f"{name}-{rng.choice(REMARK_INTERESTS)}"
        if r < 0.58:
            title = rng.choice(TITLES_M if gender == "男" else TITLES_F)
            suffix = f"-{interest}" if rng.random() < 0.6 else ""
            return f"{surname}{title}{suffix}"
        if r < 0.68:
            return f"{name} {city}"
        if r < 0.73:
            return f"{surname}总({rng.choice(INDUSTRIES)})"
        if r < 0.78 and gender == "女":
            return f"小{given[-1]}宝妈" if occupation == "宝妈" or rng.random() < 0.5 else f"{given[-1]}{given[-1]}"
        if r < 0.83:
            return f"{name}-{source}"
        if r < 0.88:
            return f"{rng.choice('ABC')}-{name}"
        if r < 0.93:
            return f"{name}{birth_year % 100:02d}"
        if r < 0.97:
            return f"{rng.choice(ENGLISH)} {surname}"
        return f"{name}({occupation or city})"

    def _nickname(self, surname: str, given: str, name: str, gender: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.22:
            return rng.choice(EMOJI) + rng.choice(ENGLISH)
        if r < 0.42:
            return rng.choice(POETIC)
        if r < 0.55:
            return rng.choice(ENGLISH)
        if r < 0.65 and gender == "女":
            return f"{rng.choice(KIDS)}妈妈"
        if r < 0.75:
            return given[-1] * 2 if len(given) == 1 else given
        if r < 0.85:
            return name
        if r < 0.92:
            return f"{rng.choice(ENGLISH)}{rng.choice(EMOJI)}"
        return f"{rng.choice(POETIC)}{rng.choice(EMOJI)}"

    def _wechat_id(self, name: str, birth_year: int, nickname: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            return ""
        if r < 0.5:
            candidate = "wxid_" + "".join(rng.choices(_WXID_ALPHABET, k=14))
        else:
            full, initials = pinyin_of(name)
            base = full if len(full) <= 12 else initials
            style = rng.random()
            if style < 0.4:
                candidate = f"{base}_{birth_year}"
            elif style < 0.6:
                candidate = f"{base}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            elif style < 0.8:
                candidate = f"{initials}{rng.randint(1000, 99999)}"
            else:
                english = [n for n in ENGLISH if n in nickname]
                candidate = f"{(english[0] if english else base).lower()}_{rng.randint(100, 9999)}"
        candidate = candidate[:18]
        while candidate.lower() in self.used_wechat_ids:
            candidate += str(rng.randint(0, 9))
        self.used_wechat_ids.add(candidate.lower())
        return candidate

    def _phone(self, cid: int) -> str:
        """A valid mobile, unique per customer id (a scramble of the id), never an existing one."""
        n = (cid * 7_368_787 + 24_681_357) % 100_000_000
        n = int(f"{n:08d}"[::-1])
        n = (n * 5_219_243 + 61_803_398) % 100_000_000
        for _ in range(5):
            phone = self.rng.choice(PHONE_PREFIXES) + f"{n:08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone
        return ""

    def _tags(self, cid: int, tier: str, source: str, occupation: str, gender: str, age: int, interest: str,
              out: list[dict[str, Any]]) -> None:
        rng = self.rng
        tags = self.tags
        candidates = [tags["消费能力/" + tier], tags["渠道/" + SOURCE_CHANNEL[source]]]
        if occupation in ("宝妈", "学生", "退休"):
            candidates.append(tags["基础属性/" + occupation])
        elif occupation:
            candidates.append(tags["基础属性/上班族"])
        candidates.append(tags["兴趣/" + interest])
        if rng.random() < 0.4:
            candidates.append(tags["兴趣/" + rng.choice(INTERESTS)])
        if occupation == "企业主" or gender == "男":
            candidates.append(tags["风格偏好/商务"])
        candidates.append(tags["风格偏好/" + ("甜美" if age < 30 else rng.choice(("新中式", "简约", "新中式")))])
        if gender == "女" and 25 <= age <= 42 and occupation != "宝妈" and rng.random() < 0.2:
            candidates.append(tags["基础属性/宝妈"])
        rng.shuffle(candidates)
        want = rng.choices((1, 2, 3, 4, 5), cum_weights=(15, 40, 70, 90, 100))[0]
        chosen: list[int] = []
        single_used: set[int] = set()
        for tag_id in candidates:
            if len(chosen) >= want:
                break
            group = self.tag_group[tag_id]
            if tag_id in chosen or (not self.group_multi[group] and group in single_used):
                continue
            chosen.append(tag_id)
            single_used.add(group)
        out.extend({"customer_id": cid, "tag_id": tag_id} for tag_id in chosen)

    def _notes(self, cid: int, added_on: date, city: str, occupation: str, gender: str, category: str,
               products: tuple[tuple[str, int], ...], out: list[dict[str, Any]]) -> None:
        rng = self.rng
        if self.notes_per <= 0:
            return
        spread = rng.expovariate(1.0 / self.notes_per)  # many with a few notes, some with many
        count = min(60, int(spread) + (rng.random() < spread % 1))
        context = {"city": city, "job": occupation or "上班族"}
        fragments = CATEGORY_FRAGMENTS[category]
        male = gender == "男"
        start = added_on.toordinal()
        span = self.today_ordinal - start
        for index in range(count):
            if index == 0 and rng.random() < 0.6:
                kind, day = "身份", start
            else:
                kind, day = self.pick(NOTE_KINDS_WEIGHTED, self.kind_cum), start + rng.randint(0, span)
            if kind == "喜好":
                template = rng.choice(PREFERENCE_TEMPLATES[category])
            else:
                template = rng.choice(NOTE_TEMPLATES[kind])
            values: dict[str, str] = {}
            for slot in _SLOTS[template]:
                if slot in context:
                    values[slot] = context[slot]
                elif slot == "product":
                    values[slot] = rng.choice(products)[0]
                elif slot == "referrer":
                    values[slot] = rng.choice(self.referrers)
                elif slot in fragments:
                    values[slot] = rng.choice(fragments[slot])
                elif slot == "family" and male:
                    values[slot] = rng.choice(FRAGMENTS["family_m"])
                else:
                    values[slot] = rng.choice(FRAGMENTS[slot])
            when = datetime.combine(date.fromordinal(day), time(rng.randint(8, 22), rng.randint(0, 59)))
            if when > self.now:
                # Later today than now: an hour or two ago instead (no random draw, so the rest
                # of the data does not depend on the time of day).
                when = self.now.replace(second=0) - timedelta(minutes=1 + when.minute + 60 * (when.hour % 2))
            body = template.format_map(values)
            if male:
                body = body.replace("她", "他")
            out.append({"customer_id": cid, "kind": kind, "body": body,
                        "pinned": rng.random() < PIN_CHANCE[kind], "noted_at": when})

    def _purchases(self, cid: int, added_on: date, tier: str, products: tuple[tuple[str, int], ...],
                   out: list[dict[str, Any]]) -> None:
        rng = self.rng
        if rng.random() >= 0.65:
            return
        if tier == "高":
            count, limit = rng.randint(2, 8), 10_000
        elif tier == "中":
            count, limit = rng.choices((1, 2, 3, 4, 5), cum_weights=(30, 60, 80, 92, 100))[0], 1_500
        else:
            count, limit = rng.choices((1, 2, 3), cum_weights=(60, 90, 100))[0], 500
        affordable = [p for p in products if p[1] <= limit] or [min(products, key=lambda p: p[1])]
        start = max(added_on.toordinal(), self.today_ordinal - 730)
        for _ in range(count):
            product, price = rng.choice(affordable)
            quantity = 1 if price > 1500 or rng.random() < 0.7 else rng.randint(2, 3)
            discount = rng.choice((1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.88))
            cents = round(price * quantity * discount) * 100
            out.append({
                "customer_id": cid, "purchased_on": date.fromordinal(rng.randint(start, self.today_ordinal)),
                "product": product, "quantity": quantity, "amount_cents": min(MAX_CENTS, max(MIN_CENTS, cents)),
                "channel": self.pick(PURCHASE_CHANNELS, self.channel_cum),
                "note": rng.choice(PURCHASE_NOTES) if rng.random() < 0.15 else "",
            })

    def _follow_ups(self, cid: int, added_on: date, out: list[dict[str, Any]]) -> None:
        rng = self.rng
        if rng.random() >= 0.25:
            return
        for _ in range(1 if rng.random() < 0.75 else 2):
            due = date.fromordinal(self.today_ordinal + rng.randint(-30, 30))
            if due < added_on:
                due = added_on + timedelta(days=rng.randint(0, 7))
            done_at: datetime | None = None
            result = ""
            if due < self.today and rng.random() < 0.6:
                done_at = datetime.combine(due, time(rng.randint(9, 21), rng.randint(0, 59)))
                result = rng.choice(FOLLOW_UP_RESULTS)
            out.append({"customer_id": cid, "due_on": due, "reason": rng.choice(FOLLOW_UP_REASONS),
                        "done_at": done_at, "result": result})


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out
