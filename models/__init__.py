"""SQLAlchemy 2 typed models, the engine/session factory and the Alembic migrations.

Nothing here imports Qt. Every other layer reaches the database through these classes.
"""

from models.base import Base
from models.customer import Customer, CustomerTag
from models.groups import (
    ChatGroup,
    GroupDailyStat,
    GroupMember,
    GroupTask,
    GroupTemplateUse,
    SopStep,
    SopTemplate,
)
from models.imports import ImportBatch, ImportChange, SavedMapping
from models.journey import JourneyRule, ReminderState, RepurchaseCycle
from models.library import Material, Script
from models.loyalty import AutoTagRule, CareEntry, MemberTier, PointEntry, Product
from models.moments import MomentInteraction, MomentPost, MomentPostImage, MomentPostTag, Pillar
from models.referral import Campaign, Referral
from models.settings import AppSetting, CustomField, CustomFieldValue, SmartList, WechatAccount
from models.tags import Tag, TagGroup
from models.timeline import FollowUp, Note, Purchase

__all__ = [
    "AutoTagRule",
    "CareEntry",
    "MemberTier",
    "PointEntry",
    "Product",
    "AppSetting",
    "Campaign",
    "JourneyRule",
    "ReminderState",
    "RepurchaseCycle",
    "ChatGroup",
    "GroupDailyStat",
    "GroupMember",
    "GroupTask",
    "GroupTemplateUse",
    "SopStep",
    "SopTemplate",
    "Material",
    "Script",
    "MomentInteraction",
    "MomentPost",
    "MomentPostImage",
    "MomentPostTag",
    "Pillar",
    "Base",
    "Customer",
    "CustomerTag",
    "CustomField",
    "CustomFieldValue",
    "FollowUp",
    "ImportBatch",
    "ImportChange",
    "Referral",
    "SavedMapping",
    "Note",
    "Purchase",
    "SmartList",
    "Tag",
    "TagGroup",
    "WechatAccount",
]
