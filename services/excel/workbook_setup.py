"""The settings and rules of a full workbook (`export.export_all`), and how a restore takes them back.

    sheets = setup_sheets(session)             # key → SheetSpec, written after the pages' sheets
    restore = SetupRestore(workbook_restore)   # in services.excel.workbook._Restore
    restore.before_customers() … restore.after_finish()

What a store holds besides its customers, their records and the pages' sheets, table by table (models/),
and what the workbook does with it:

Carried (a sheet each, every one optional: a workbook exported before it existed restores as it did):
- 设置 (app_setting): every setting a settings page lists (services.settings_store, `group` set:
  stage and layer thresholds, points rules, 今天 keep-days, 节日关怀 …) and whether the default 客户SOP
  rules were written (journeys.SEEDED: without it the restored store would write them again over the
  seller's own). One row per setting: 设置项 (its key), 名称, 值 as the JSON text settings_store
  stores, checked by the setting's own declaration on restore. The settings holding ids (节日关怀's
  会员等级 and 标签: ID_SETTINGS) hold names in the sheet, found again by name. Restored before the
  customers, so that their 阶段, layers and the points their purchases earn follow the same rules.
- 会员等级 (member_tier), 复购周期 (repurchase_cycle), 内容支柱 (pillar), 智能列表 (smart_list), 客户SOP
  (journey_rule), 自动标签规则 (auto_tag_rule with its auto_tag_exclusion, as 例外客户编号) and 自动标签
  (which customers hold a rule's tag because of the rule: customer_tag.auto_rule_id, one row each):
  rows of the services' own fields; what they point at (tags, custom fields, accounts, scripts,
  groups) by name.
  客户SOP and 自动标签规则 are restored after the pages (they name 话术 and 社群), 会员等级 after the
  records are finished (see services.excel.workbook_rules).
- SOP模板 (sop_template, sop_step), 群SOP (group_template_use) and 群任务 (group_task): the templates
  with their steps, which group follows which from when, and the tasks on the groups' calendars, done
  or not (services.excel.workbook_sop), after the pages (they name 社群 and 素材).
- 朋友圈互动 (moment_interaction): who liked, commented, asked about or ordered from which post, by
  朋友圈编号 (the 朋友圈 sheet's first column) and 客户编号 (services.excel.workbook_interactions).
- 提醒状态 (reminder_state): the done / snoozed state of computed Today items (客户SOP, 复购, 生日,
  节日关怀, 点赞, 会员升级), keyed again by the restored ids; without it, items done or snoozed in the old
  store would come back in 今天. A key of another shape is left out (nothing shows it).

A record already in the store with the same name (内容支柱 and SOP defaults of a new store, the default
客户SOP rules once 今天 was opened) takes the workbook's values; undo puts it back. A new one is noted
as "created:<table>" and undo removes it when nothing uses it any more; a changed setting is noted as an
"app_setting" change and undo puts the old value back (services.excel.undo).

Derived, so worked out again rather than carried: the customers' 会员等级 (recomputed, without
announcing upgrades: the old store's announcements come from 提醒状态), the automatic tags a rule gives
now (the rules run once after the restore; the 客户 sheet's 标签 already hold the ones given), the RFM cut points
(layers.rfm_cuts), the daily passes' dates (loyalty.last_daily, auto_tags.last_full_pass).

Left out on purpose: the import history (import_batch, import_change: the restore is one batch of its
own) and the remembered column mappings of the import wizard (saved_mapping: a convenience of that
laptop's imports).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AppSetting,
    CustomField,
    MemberTier,
    Pillar,
    RepurchaseCycle,
    SmartList,
    WechatAccount,
)
from models.loyalty import TIER_BASES
from services import settings_store
from services.customer_query import CustomerFilter, FieldCondition
from services.errors import ValidationError
from services.excel import values as v
from services.excel.undo import SETTING_CHANGE
from services.excel.writer import OutColumn, SheetSpec, text_width
from services.excel.writing import Problems, note_change
from services.i18n import t
from services.text import fold
from services.tiers import BASIS_LABELS

if TYPE_CHECKING:
    from services.excel.workbook import _Restore

# key → (sheet name, headers, how each column is written); the restore reads them in its own order.
SETUP_SHEETS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "settings": ("设置", ("设置项", "名称", "值"), ("text", "text", "text")),
    "tiers": ("会员等级", ("等级", "依据", "门槛", "权益", "颜色"), ("text", "text", "number", "text", "text")),
    "cycles": ("复购周期", ("品类", "关键词", "天数"), ("text", "text", "int")),
    "pillars": ("内容支柱", ("支柱", "硬广", "颜色"), ("text", "bool", "text")),
    "smart-lists": ("智能列表", ("名称", "条件"), ("text", "text")),
    "journeys": ("客户SOP", ("规则", "触发", "天数", "日期字段", "条件", "话术分类", "话术标题", "启用"),
                 ("text", "text", "int", "text", "text", "text", "text", "bool")),
    "auto-tags": ("自动标签规则", ("规则", "条件", "参数", "标签", "启用", "例外客户编号"),
                  ("text", "text", "text", "text", "bool", "text")),
    "auto-tagged": ("自动标签", ("规则", "客户编号"), ("text", "int")),
    "sop-templates": ("SOP模板", ("模板", "形式", "说明", "天数", "版本", "第几天", "时间", "步骤", "内容", "素材"),
                      ("text", "text", "text", "int", "int", "int", "text", "text", "text", "text")),
    "group-sops": ("群SOP", ("社群", "模板", "开始日期", "结束日期", "模板版本"), ("text", "text", "date", "date", "int")),
    "group-tasks": ("群任务", ("社群", "模板", "开始日期", "步骤序号", "时间", "标题", "内容", "素材", "状态", "完成时间",
                               "完成备注", "手动改过", "删除时间"),
                    ("text", "text", "date", "int", "datetime", "text", "text", "text", "text", "datetime", "text",
                     "bool", "datetime")),
    "reminders": ("提醒状态", ("提醒", "对象", "客户编号", "日期", "完成时间", "结果", "推迟到"),
                  ("text", "text", "int", "date", "datetime", "text", "date")),
    "interactions": ("朋友圈互动", ("朋友圈编号", "客户编号", "互动", "备注", "时间"),
                     ("int", "int", "text", "text", "datetime")),
}
SETUP_SHEET_NAMES = {key: name for key, (name, _headers, _kinds) in SETUP_SHEETS.items()}
SETUP_HEADERS = {key: headers for key, (_name, headers, _kinds) in SETUP_SHEETS.items()}
SETUP_REQUIRED = {key: headers[:1] for key, headers in SETUP_HEADERS.items()}
# The services declaring the settings a 设置 sheet carries (a setting is known once its module is imported).
SETTING_MODULES = ("services.stages", "services.layers", "services.journeys", "services.points",
                   "services.care_reminders", "services.moments_report")
INTERNAL_CARRIED = ("journeys.defaults_seeded",)  # internal settings that are the seller's data all the same
# Settings holding ids of this store: written as names; → what they name ("tiers" or "tags").
ID_SETTINGS = {"care.tier_ids": "tiers", "care.like_tier_ids": "tiers", "care.tag_ids": "tags",
               "care.like_tag_ids": "tags"}
_BASES = {**{label: basis for basis, label in BASIS_LABELS.items()}, **{b: b for b in TIER_BASES}}


def carried_settings() -> list[settings_store.Setting[Any]]:
    """The settings a 设置 sheet carries, in declaration order."""
    for module in SETTING_MODULES:
        importlib.import_module(module)
    return [s for s in settings_store.all_declared() if s.group or s.key in INTERNAL_CARRIED]


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---- export --------------------------------------------------------------------------------------

Rows = list[Sequence[object]] | tuple[Iterable[Sequence[object]], int]  # a list, or a stream and its length


def setup_sheets(session: Session) -> dict[str, SheetSpec]:
    """Every setup sheet of a full workbook, read straight from the tables (listing the rules through
    their services would write the default rules into a store that has not used them yet)."""
    from services.excel.workbook_interactions import interaction_rows
    from services.excel.workbook_rules import auto_tag_rows, auto_tagged_rows, journey_rows, reminder_rows
    from services.excel.workbook_sop import task_rows, template_rows, use_rows

    rows: dict[str, Rows] = {
        "settings": _setting_rows(session), "tiers": _tier_rows(session), "cycles": _cycle_rows(session),
        "pillars": _pillar_rows(session), "smart-lists": _smart_list_rows(session), "journeys": journey_rows(session),
        "auto-tags": auto_tag_rows(session), "auto-tagged": auto_tagged_rows(session),
        "sop-templates": template_rows(session), "group-sops": use_rows(session), "group-tasks": task_rows(session),
        "reminders": reminder_rows(session), "interactions": interaction_rows(session)}
    return {key: _sheet(key, rows[key]) for key in SETUP_SHEETS}


def _sheet(key: str, rows: Rows) -> SheetSpec:
    """A setup sheet of these rows (a list, or a stream of them and how many)."""
    name, headers, kinds = SETUP_SHEETS[key]
    columns = [OutColumn(h, k, max(10, text_width(h) + 4)) for h, k in zip(headers, kinds, strict=True)]
    if isinstance(rows, tuple):
        return SheetSpec(name, columns, rows[0], total=rows[1])
    return SheetSpec(name, columns, rows, total=len(rows))


def tag_labels(session: Session) -> dict[int, str]:
    """tag id → how the 客户 sheet names it (its name, or 组/标签 when two groups share the name)."""
    from services.excel.export import tag_labels_in_order

    return {tag_id: label for tag_id, (_order, label) in tag_labels_in_order(session).items()}


def _setting_rows(session: Session) -> list[Sequence[object]]:
    settings = carried_settings()
    values = settings_store.get_many(session, settings)
    names = {"tiers": dict(session.execute(select(MemberTier.id, MemberTier.name)).all()),
             "tags": tag_labels(session)}
    rows: list[Sequence[object]] = []
    for setting in settings:
        value = values[setting.key]
        if setting.key in ID_SETTINGS:  # ids of this store: their names (one deleted since is dropped)
            found = names[ID_SETTINGS[setting.key]]
            value = [found[i] for i in value if i in found]
        rows.append((setting.key, t(setting.title), dumps(value)))
    return rows


def _tier_rows(session: Session) -> list[Sequence[object]]:
    return [(tier.name, t(BASIS_LABELS.get(tier.basis, tier.basis)),
             tier.threshold / 100 if tier.basis == "spend_12m" else tier.threshold, tier.benefits, tier.color)
            for tier in session.scalars(select(MemberTier).order_by(MemberTier.sort, MemberTier.id))]


def _cycle_rows(session: Session) -> list[Sequence[object]]:
    return [(c.category, c.keywords, c.days)
            for c in session.scalars(select(RepurchaseCycle).order_by(RepurchaseCycle.id))]


def _pillar_rows(session: Session) -> list[Sequence[object]]:
    return [(p.name, p.hard_sell, p.color) for p in session.scalars(select(Pillar).order_by(Pillar.sort, Pillar.id))]


def _smart_list_rows(session: Session) -> list[Sequence[object]]:
    """智能列表 with their filter as JSON, tags, custom fields and the account named, not numbered."""
    tags = tag_labels(session)
    fields = dict(session.execute(select(CustomField.id, CustomField.name)).all())
    accounts = dict(session.execute(select(WechatAccount.id, WechatAccount.name)).all())
    rows: list[Sequence[object]] = []
    for item in session.scalars(select(SmartList).order_by(SmartList.name)):
        flt = CustomerFilter.from_spec(item.spec)
        spec: dict[str, Any] = {key: value for key, value in flt.to_spec().items() if value}
        for key in ("tags_all", "tags_any", "tags_none"):
            if key in spec:
                spec[key] = [tags[i] for i in spec[key] if i in tags]
        if flt.fields:
            spec["fields"] = [{"field": fields[c.field_id], "op": c.op, "value": c.value}
                              for c in flt.fields if c.field_id in fields]
        if "wechat_account_id" in spec:
            spec["wechat_account"] = accounts.get(spec.pop("wechat_account_id"), "")
        rows.append((item.name, dumps(spec)))
    return rows


# ---- restore -------------------------------------------------------------------------------------

class SetupRestore:
    """The setup sheets of one restore: read in the order what they name exists (see the docstring)."""

    def __init__(self, restore: _Restore) -> None:
        self.restore, self.session = restore, restore.session
        self.id_settings: list[tuple[settings_store.Setting[Any], list[str], int, dict[str, str]]] = []
        self.journey_ids: dict[str, int] = {}  # 客户SOP rule name → id here (for 提醒状态)
        self.refused_tiers: set[str] = set()  # a setting naming one would only repeat its problem

    def has(self, key: str) -> bool:
        return SETUP_SHEET_NAMES[key] in self.restore.book.sheet_names

    def before_customers(self) -> None:
        """设置 (but those naming tiers), 复购周期, 内容支柱, 智能列表: before the customer book."""
        for key, read in (("settings", self._settings), ("cycles", self._cycles), ("pillars", self._pillars),
                          ("smart-lists", self._smart_lists)):
            if self.has(key):
                read()
        self.session.flush()

    def after_pages(self) -> None:
        """客户SOP (names 话术), 自动标签规则 (names 社群) and 朋友圈互动 (names posts), before the records
        are finished."""
        from services.excel.workbook_interactions import KEY, restore_interactions
        from services.excel.workbook_rules import restore_auto_tags, restore_journeys
        from services.excel.workbook_sop import restore_sop

        restore_sop(self)  # SOP模板, 群SOP, 群任务: they name 社群 and 素材
        if self.has(KEY):
            restore_interactions(self)
        if self.has("journeys"):
            self.journey_ids = restore_journeys(self)
        if self.has("auto-tags"):
            restore_auto_tags(self)

    def after_finish(self) -> None:
        """会员等级 (recomputed without announcing), the settings naming them, the automatic tags, and
        提醒状态 (which name rules, tiers and customers by their new ids)."""
        from services.excel.workbook_rules import apply_auto_tags, restore_reminders
        from services.tiers import recompute_tiers

        if self.has("tiers"):
            self._tiers()
            self.session.flush()
            recompute_tiers(self.session, announce=False)
        self._id_settings()
        if self.has("auto-tags"):
            apply_auto_tags(self, self.has("auto-tagged"))
        if self.has("reminders"):
            restore_reminders(self)
        self.session.flush()

    # ---- helpers for the sheets' readers ----------------------------------------------------------

    def rows(self, key: str) -> Any:
        return self.restore.rows(key)

    def report(self, key: str, row: int, problems: Problems, column_of: dict[str, str]) -> None:
        self.restore.report(key, row, problems, column_of)

    def save(self, model: Any, found: Any | None, values: dict[str, Any]) -> int:
        """Create the record (noted for undo), or give the one found with the same name these values
        (the old ones noted for undo); returns its id."""
        if found is None:
            made = model(**values)
            self.session.add(made)
            self.session.flush()
            self.restore._made(model, made.id)
            return int(made.id)
        before = {name: getattr(found, name) for name, value in values.items() if getattr(found, name) != value}
        if before:
            note_change(self.session, self.restore.batch.id, model.__tablename__, found.id, before)
            for name in before:
                setattr(found, name, values[name])
            self.restore.batch.updated += 1
            self.session.flush()
        return int(found.id)

    def tag_ids(self, labels: object, problems: Problems, column: str) -> list[int]:
        """The ids of tags named as the 客户 sheet names them (a JSON list's items)."""
        ids = []
        for label in labels if isinstance(labels, list) else [labels]:
            tag_id = self.restore.tag_labels.get(str(label))
            if tag_id is None:
                problems[column] = t("“标签”表里没有标签“{tag}”", tag=label)
            else:
                ids.append(tag_id)
        return ids

    # ---- the sheets read before the customers ----------------------------------------------------------

    def _settings(self) -> None:
        known = {s.key: s for s in carried_settings()}
        key_header, _title, value_header = SETUP_HEADERS["settings"]
        for row, cells, column_of in self.rows("settings"):
            problems: Problems = {}
            key = v.cell_text(cells.get(key_header))
            setting = known.get(key)
            value = _json(cells.get(value_header), value_header, problems)
            if setting is None:
                problems[key_header] = t("没有“{key}”这个设置（这个工作簿来自更新版本的客本？）", key=key)
            elif value_header not in problems and setting.key in ID_SETTINGS:
                if isinstance(value, list) and all(isinstance(x, str) for x in value):
                    self.id_settings.append((setting, value, row, column_of))
                else:
                    problems[value_header] = t("“{title}”的值不对", title=t(setting.title))
            elif value_header not in problems:
                problem = setting.problem(value)
                if problem is not None:
                    problems[value_header] = problem
                else:
                    self.put(setting, value)
            if problems:
                self.report("settings", row, problems, column_of)

    def put(self, setting: settings_store.Setting[Any], value: object) -> None:
        """Write a setting (checked), the old value noted for undo; nothing when it is the same."""
        row = self.session.get(AppSetting, setting.key)
        if row is None and value == setting.default or row is not None and row.value == value:
            return
        note_change(self.session, self.restore.batch.id, SETTING_CHANGE, 0,
                    {"key": setting.key} if row is None else {"key": setting.key, "value": row.value})
        settings_store.put(self.session, setting, value)

    def _id_settings(self) -> None:
        """The settings naming tiers or tags, once the tiers are in."""
        tiers = dict(self.session.execute(select(MemberTier.name, MemberTier.id)).all())
        value_header = SETUP_HEADERS["settings"][2]
        for setting, names, row, column_of in self.id_settings:
            problems: Problems = {}
            if ID_SETTINGS[setting.key] == "tags":
                ids = self.tag_ids(names, problems, value_header)
            else:
                ids = [tiers[name] for name in names if name in tiers]
                missing = [name for name in names if name not in tiers and name not in self.refused_tiers]
                if missing:
                    problems[value_header] = t("“会员等级”表里没有“{name}”", name=missing[0])
            if problems:
                self.report("settings", row, problems, column_of)
            elif len(ids) == len(names):
                self.put(setting, ids)

    def _tiers(self) -> None:
        name_header, basis_header, threshold_header, benefits_header, color_header = SETUP_HEADERS["tiers"]
        for sort, (row, cells, column_of) in enumerate(self.rows("tiers"), 1):
            problems: Problems = {}
            name = " ".join(v.cell_text(cells.get(name_header)).split())
            basis = _BASES.get(v.cell_text(cells.get(basis_header)))
            threshold = _threshold(cells, threshold_header, basis, problems)
            color = _color(cells, color_header, problems) or "#b8860b"
            if not name or len(name) > 32:
                problems[name_header] = t("等级名称为空或太长（最多 32 个字）")
            if basis is None:
                problems[basis_header] = t("等级按什么算：积分、近12个月消费 或 购买次数")
            if problems:
                self.report("tiers", row, problems, column_of)
                self.refused_tiers.add(name)
                continue
            found = self.session.scalar(select(MemberTier).where(MemberTier.name == name))
            self.save(MemberTier, found, {"name": name, "basis": basis, "threshold": threshold, "color": color,
                                          "benefits": v.cell_text(cells.get(benefits_header)), "sort": sort})

    def _cycles(self) -> None:
        category, keywords, days_header = SETUP_HEADERS["cycles"]
        for row, cells, column_of in self.rows("cycles"):
            problems: Problems = {}
            name = " ".join(v.cell_text(cells.get(category)).split())
            words = " ".join(dict.fromkeys(w for w in v.cell_text(cells.get(keywords)).replace("，", " ").split()))
            days = _int(cells, days_header, problems)
            if not name or len(name) > 50:
                problems[category] = t("品类为空或太长（最多 50 个字）")
            if not words:
                problems[keywords] = t("请填写至少一个关键词")
            if days is not None and not 1 <= days <= 3650:
                problems[days_header] = t("复购周期应在 1 到 {max} 天之间", max=3650)
            if problems:
                self.report("cycles", row, problems, column_of)
                continue
            found = self.session.scalar(select(RepurchaseCycle).where(RepurchaseCycle.category == name))
            self.save(RepurchaseCycle, found, {"category": name, "keywords": words, "days": days or 60})

    def _pillars(self) -> None:
        name_header, hard_header, color_header = SETUP_HEADERS["pillars"]
        for sort, (row, cells, column_of) in enumerate(self.rows("pillars"), 1):
            problems: Problems = {}
            name = fold(v.cell_text(cells.get(name_header)))
            hard = _bool(cells, hard_header, problems)
            color = _color(cells, color_header, problems) or "#607d8b"
            if not name or len(name) > 30:
                problems[name_header] = t("内容支柱名称为空或太长（最多30个字）")
            if problems:
                self.report("pillars", row, problems, column_of)
                continue
            found = self.session.scalar(select(Pillar).where(Pillar.name == name))
            self.save(Pillar, found, {"name": name, "hard_sell": hard, "color": color, "sort": sort})

    def _smart_lists(self) -> None:
        name_header, spec_header = SETUP_HEADERS["smart-lists"]
        fields = dict(self.session.execute(select(CustomField.name, CustomField.id)).all())
        accounts = dict(self.session.execute(select(WechatAccount.name, WechatAccount.id)).all())
        for row, cells, column_of in self.rows("smart-lists"):
            problems: Problems = {}
            name = fold(v.cell_text(cells.get(name_header)))
            spec = _json(cells.get(spec_header), spec_header, problems)
            if not name or len(name) > 50:
                problems[name_header] = t("名称为空或太长（最多50个字）")
            flt = self._filter(spec, fields, accounts, problems, spec_header) if spec_header not in problems else None
            if problems or flt is None:
                self.report("smart-lists", row, problems, column_of)
                continue
            found = self.session.scalar(select(SmartList).where(SmartList.name == name))
            self.save(SmartList, found, {"name": name, "spec": flt.to_spec()})

    def _filter(self, spec: object, fields: dict[str, int], accounts: dict[str, int], problems: Problems,
                column: str) -> CustomerFilter | None:
        if not isinstance(spec, dict):
            problems[column] = t("筛选条件不对")
            return None
        data = dict(spec)
        for key in ("tags_all", "tags_any", "tags_none"):
            data[key] = self.tag_ids(data.get(key, []), problems, column)
        conditions = []
        for item in data.pop("fields", []) or []:
            field_id = fields.get(str(item.get("field"))) if isinstance(item, dict) else None
            if field_id is None:
                problems[column] = t("“自定义字段”表里没有“{name}”", name=item.get("field") if isinstance(item, dict) else item)
            else:
                conditions.append(FieldCondition(field_id, str(item.get("op", "")), str(item.get("value", ""))))
        account = data.pop("wechat_account", None)
        if account:
            data["wechat_account_id"] = accounts.get(str(account))
            if data["wechat_account_id"] is None:
                problems[column] = t("“我的微信号”表里没有“{name}”", name=account)
        try:
            flt = CustomerFilter.from_spec(data)
        except (TypeError, ValueError):
            problems[column] = t("筛选条件不对")
            return None
        flt.fields = conditions
        return None if problems else flt


def _json(cell: object, column: str, problems: Problems) -> Any:
    """A cell holding a value as JSON text (what settings_store stores): 180, 0.5, true, ["春节"] …"""
    text = v.cell_text(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return cell  # a number the spreadsheet kept as one
    try:
        return json.loads(text)
    except ValueError:
        problems[column] = t("“{text}”不是客本能读的值", text=text[:40])
        return None


def _int(cells: dict[str, Any], key: str, problems: Problems, minimum: int | None = None) -> int | None:
    cell = cells.get(key)
    if v.is_blank(cell):
        return None
    try:
        return v.parse_int(cell, minimum=minimum)
    except ValueError as error:
        problems[key] = str(error)
        return None


def _threshold(cells: dict[str, Any], key: str, basis: str | None, problems: Problems) -> int:
    """门槛: yuan for 近12个月消费 (kept in fen), else points or purchases."""
    cell = cells.get(key)
    if v.is_blank(cell):
        return 0
    try:
        return v.parse_money(cell) if basis == "spend_12m" else v.parse_int(cell, minimum=0)
    except ValueError as error:
        problems[key] = str(error)
        return 0


def _bool(cells: dict[str, Any], key: str, problems: Problems) -> bool:
    cell = cells.get(key)
    if v.is_blank(cell):
        return False
    try:
        return v.parse_bool(cell)
    except ValueError as error:
        problems[key] = str(error)
        return False


def _color(cells: dict[str, Any], key: str, problems: Problems) -> str:
    text = v.cell_text(cells.get(key))
    if text and not (text.startswith("#") and len(text) in (4, 7, 9)):
        problems[key] = t("颜色“{text}”不对：请写成 #e91e63 这样", text=text)
    return text


def validation_problems(error: ValidationError, columns: dict[str, str]) -> Problems:
    """A service's ValidationError (keyed by its fields) as problems keyed by the sheet's headers."""
    return {columns.get(name, next(iter(columns.values()))): message for name, message in error.fields.items()}
