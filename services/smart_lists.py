"""Smart lists: named, saved customer filters."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import SmartList
from services.customer_query import CustomerFilter
from services.errors import ValidationError
from services.i18n import t
from services.text import fold


def list_smart_lists(session: Session) -> list[tuple[int, str, CustomerFilter]]:
    return [(s.id, s.name, CustomerFilter.from_spec(s.spec))
            for s in session.scalars(select(SmartList).order_by(SmartList.name))]


def save_smart_list(session: Session, name: str, flt: CustomerFilter) -> int:
    """Save under `name`, replacing a list of the same name."""
    name = fold(name)
    if not name:
        raise ValidationError({"name": t("请给这个筛选起个名字")})
    if flt.is_empty:
        raise ValidationError({"filter": t("当前没有任何筛选条件，无需保存")})
    record = session.scalar(select(SmartList).where(SmartList.name == name)) or SmartList(name=name)
    record.spec = flt.to_spec()
    session.add(record)
    session.commit()
    return record.id


def delete_smart_list(session: Session, list_id: int) -> None:
    session.execute(delete(SmartList).where(SmartList.id == list_id))
    session.commit()
