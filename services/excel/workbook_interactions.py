"""朋友圈互动 of a full workbook: which customer liked, commented, asked about or ordered from which post
(moment_interaction), the lines those add to the customers' timelines.

A row names its post by 朋友圈编号 (the 朋友圈 sheet's first column in a full workbook: posts have no
name) and its customer by 客户编号 (the 客户 sheet's 编号); 互动 is 点赞 / 评论 / 私聊咨询 / 下单, 时间 when it was
noted. Restored after the pages (services.excel.workbook_setup.SetupRestore.after_pages), so before the
customers' layers are worked out (their last interaction counts). The restored posts are the batch's
own: undo deletes them, and their interactions with them; an interaction added to a post the store
already had (a restore into a store that had posts) is noted for undo on its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, MomentInteraction, MomentPost
from services.excel import values as v
from services.excel.writing import Problems, parse_cell
from services.i18n import t
from services.moment_interactions import KIND_LABELS

if TYPE_CHECKING:
    from services.excel.workbook_setup import SetupRestore

KEY = "interactions"
_KINDS = {**{label: kind for kind, label in KIND_LABELS.items()}, **{kind: kind for kind in KIND_LABELS}}


def interaction_rows(session: Session) -> tuple[Iterator[Sequence[object]], int]:
    """Every interaction of a live post with a live customer, post by post (a stream and its length)."""
    live = (MomentPost.deleted_at.is_(None), Customer.deleted_at.is_(None))
    joined = (select(MomentInteraction.post_id, MomentInteraction.customer_id, MomentInteraction.kind,
                     MomentInteraction.note, MomentInteraction.created_at)
              .join(MomentPost, MomentPost.id == MomentInteraction.post_id)
              .join(Customer, Customer.id == MomentInteraction.customer_id).where(*live))
    total = int(session.scalar(select(func.count()).select_from(joined.subquery())) or 0)

    def rows() -> Iterator[Sequence[object]]:
        for post_id, customer_id, kind, note, created_at in session.execute(
                joined.order_by(MomentInteraction.post_id, MomentInteraction.id)):
            yield post_id, customer_id, t(KIND_LABELS.get(kind, kind)), note, created_at

    return rows(), total


def restore_interactions(setup: SetupRestore) -> None:
    from services.excel.workbook_setup import SETUP_HEADERS

    restore = setup.restore
    post_header, customer_header, kind_header, note_header, at_header = SETUP_HEADERS[KEY]
    own_posts = set(setup.session.scalars(select(MomentPost.id).where(MomentPost.import_batch_id == restore.batch.id)))
    for row, cells, column_of in setup.rows(KEY):
        problems: Problems = {}
        number = _int(cells.get(customer_header), customer_header, problems)
        if number is not None and number in restore.failed:
            continue  # its customer row was refused and reported: this row would only repeat that
        customer_id = _found(number, customer_header, restore.ctx.by_number, t("“客户”表里没有编号 {n}"), problems)
        post_id = _found(_int(cells.get(post_header), post_header, problems), post_header, restore.post_ids,
                         t("“朋友圈”表里没有编号 {n}"), problems)
        kind = _KINDS.get(v.cell_text(cells.get(kind_header)))
        if kind is None:
            problems[kind_header] = t("互动“{value}”不对，应为 点赞、评论、私聊咨询 或 下单",
                                      value=v.cell_text(cells.get(kind_header)))
        at = parse_cell(cells, problems, at_header, v.parse_datetime)
        if problems or post_id is None or customer_id is None or kind is None:
            setup.report(KEY, row, problems, column_of)
            continue
        made = MomentInteraction(post_id=post_id, customer_id=customer_id, kind=kind,
                                 note=v.cell_text(cells.get(note_header)))
        if at is not None:
            made.created_at = made.updated_at = at
        setup.session.add(made)
        if post_id in own_posts:
            restore.created += 1
        else:  # on a post the store already had: noted for undo on its own
            setup.session.flush()
            restore._made(MomentInteraction, made.id)
    setup.session.flush()


def _int(cell: object, header: str, problems: Problems) -> int | None:
    if v.is_blank(cell):
        problems[header] = t("{header}为空", header=header)
        return None
    return parse_cell({header: cell}, problems, header, v.parse_int)  # type: ignore[no-any-return]


def _found(number: int | None, header: str, ids: dict[int, int], missing: str, problems: Problems) -> int | None:
    """The id here of the record the workbook numbered `number`."""
    if number is None:
        return None
    found = ids.get(number)
    if found is None:
        problems[header] = missing.format(n=number)
    return found
