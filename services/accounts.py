"""我的微信号: the seller's own WeChat accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import Customer, WechatAccount
from services.errors import ValidationError
from services.i18n import t
from services.text import fold


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    wechat_id: str
    note: str
    customers: int


def list_accounts(session: Session, *, counts: bool = True) -> list[AccountInfo]:
    """My WeChat accounts in their order; `counts=False` leaves `customers` at 0 (a pick list does
    not need them, and counting is a pass over every customer)."""
    found: dict[int | None, int] = {account: n for account, n in session.execute(
        select(Customer.wechat_account_id, func.count()).where(Customer.deleted_at.is_(None))
        .group_by(Customer.wechat_account_id)
    )} if counts else {}
    return [AccountInfo(a.id, a.name, a.wechat_id, a.note, found.get(a.id, 0))
            for a in session.scalars(select(WechatAccount).order_by(WechatAccount.sort, WechatAccount.id))]


def save_account(session: Session, name: str, wechat_id: str = "", note: str = "",
                 account_id: int | None = None) -> int:
    name = fold(name)
    if not name:
        raise ValidationError({"name": t("请给这个微信号起个名字，如“工作号1”")})
    clash = session.scalar(select(WechatAccount.id).where(WechatAccount.name == name,
                                                          WechatAccount.id != (account_id or 0)))
    if clash:
        raise ValidationError({"name": t("已经有叫“{name}”的微信号了", name=name)})
    account = WechatAccount() if account_id is None else session.get(WechatAccount, account_id)
    if account is None:
        raise ValidationError({"name": t("这个微信号已被删除")})
    if account_id is None:
        account.sort = int(session.scalar(select(func.count()).select_from(WechatAccount)) or 0)
    account.name, account.wechat_id, account.note = name, fold(wechat_id), note.strip()
    session.add(account)
    session.commit()
    return account.id


def delete_account(session: Session, account_id: int) -> None:
    """Delete an account; its customers stay, with no account set."""
    session.execute(update(Customer).where(Customer.wechat_account_id == account_id).values(wechat_account_id=None))
    account = session.get(WechatAccount, account_id)
    if account is not None:
        session.delete(account)
    session.commit()
