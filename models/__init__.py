"""SQLAlchemy 2 typed models, the engine/session factory and the Alembic migrations.

Nothing here imports Qt. Every other layer reaches the database through these classes.
"""

from models.base import Base
from models.customer import Customer, CustomerTag
from models.imports import ImportBatch, ImportChange, SavedMapping
from models.referral import Referral
from models.settings import CustomField, CustomFieldValue, SmartList, WechatAccount
from models.tags import Tag, TagGroup
from models.timeline import FollowUp, Note, Purchase

__all__ = [
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
