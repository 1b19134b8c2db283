"""朋友圈 Moments planner: posts, their images, visibility tags, pillars and results."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps

# WeChat's own four visibility rules.
VISIBILITIES = ("public", "only_tags", "except_tags", "private")
POST_STATUSES = ("draft", "scheduled", "published", "skipped")  # 草稿 已排期 已发布 已跳过
INTERACTION_KINDS = ("like", "comment", "inquiry", "order")  # 点赞 评论 私聊咨询 下单
MAX_IMAGES = 9
# (name, hard-selling) — seed 001: 刷屏卖货 drives friends away; the report warns on the hard share.
DEFAULT_PILLARS = (("产品种草", True), ("用户口碑", False), ("专业知识", False), ("生活人设", False),
                   ("活动福利", True), ("品牌故事", False))


class Pillar(Timestamps, Base):
    """内容支柱: an editable list; `hard_sell` marks the ones counted as selling."""

    __tablename__ = "pillar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    hard_sell: Mapped[bool] = mapped_column(Boolean, default=False)
    color: Mapped[str] = mapped_column(String(9), default="#607d8b")
    sort: Mapped[int] = mapped_column(Integer, default=0)


class MomentPost(Timestamps, Base):
    __tablename__ = "moment_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("wechat_account.id", ondelete="SET NULL"),
                                                   default=None)
    planned_at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text, default="")
    pillar_id: Mapped[int | None] = mapped_column(ForeignKey("pillar.id", ondelete="SET NULL"), default=None)
    visibility: Mapped[str] = mapped_column(String(12), default="public")  # one of VISIBILITIES
    status: Mapped[str] = mapped_column(String(10), default="draft")  # one of POST_STATUSES
    published_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # A weekly series: every post of it carries the first post's id; `repeat_until` bounds it.
    repeat_weekly: Mapped[bool] = mapped_column(Boolean, default=False)
    repeat_until: Mapped[date | None] = mapped_column(Date, default=None)
    series_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    # Results, typed in after publishing.
    likes: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    inquiries: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    revenue_cents: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)  # 回收站
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (Index("ix_moment_post_planned", "planned_at"),)


class MomentPostImage(Base):
    """One image of a post: a file copied into the data folder's `media/` (path relative to it)."""

    __tablename__ = "moment_post_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("moment_post.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(String(260))


class MomentPostTag(Base):
    """The tags of a 部分可见 / 不给谁看 rule."""

    __tablename__ = "moment_post_tag"

    post_id: Mapped[int] = mapped_column(ForeignKey("moment_post.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)


class MomentInteraction(Timestamps, Base):
    """A customer who liked, commented, asked or ordered because of a post (shown on their timeline)."""

    __tablename__ = "moment_interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("moment_post.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="like")  # one of INTERACTION_KINDS
    note: Mapped[str] = mapped_column(Text, default="")
