"""The optional start-up password (设置 → 隐私): a shared laptop's other users cannot open the book.

Where it lives: a file of its own in the data folder, `start-lock.json` (0600), holding a salted
scrypt hash — never the password. Not in the store's settings table, because the lock belongs to
this laptop's copy of the book, not to the book: restoring a backup or importing a whole book must
neither bring back an old, forgotten password nor drop the current one, and in 团队模式 (a shared
PostgreSQL book) each laptop keeps its own lock. Not in preferences.json either, which the 外观
settings rewrite as a whole. Being a file in the data folder, it moves to a new laptop with the
folder and can be checked before the database is read.

What it is not: encryption. keben.db stays a plain SQLite file, and whoever can read the data folder
can read it or delete this file; the lock keeps the app shut for someone who borrows the laptop.
The command line is not locked (README "你的数据" says why).
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from services.errors import UserError
from services.i18n import t

log = logging.getLogger("keben")

FILE_NAME = "start-lock.json"
MIN_LENGTH = 4
MAX_LENGTH = 128
ATTEMPTS = 3  # wrong passwords at start before the app closes
# scrypt's cost: ~50 ms and 16 MB on a laptop, so guessing is slow but starting is not.
_N, _R, _P, _LENGTH = 2**14, 8, 1, 32


def lock_file(root: Path) -> Path:
    """The lock file of the data folder `root`."""
    return Path(root) / FILE_NAME


def is_locked(root: Path) -> bool:
    """Whether KeBen asks for a password before showing this data folder's book."""
    return lock_file(root).exists()


def verify(root: Path, password: str) -> bool:
    """True when `password` is the start-up password, or when none is set.

    A lock file that cannot be read or understood keeps the book locked (UserError, saying what to
    do): silently opening would make the lock worthless to anyone who can damage one file.
    """
    record = _read(root)
    if record is None:
        return True
    try:
        salt, expected = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
        n, r, p = int(record["n"]), int(record["r"]), int(record["p"])
        got = _hash(password, salt, n, r, p, len(expected))
    except (KeyError, TypeError, ValueError) as exc:
        raise _damaged(root) from exc
    return hmac.compare_digest(got, expected)


def set_password(root: Path, new: str, repeated: str, current: str | None = None) -> None:
    """Set or change the start-up password. Changing it needs the current one."""
    _check_current(root, current)
    _check_new(new, repeated)
    salt = secrets.token_bytes(16)
    _write(root, {"version": 1, "scheme": "scrypt", "n": _N, "r": _R, "p": _P, "salt": salt.hex(),
                  "hash": _hash(new, salt, _N, _R, _P, _LENGTH).hex()})
    log.info("start-up password set")  # never the password, nor its hash


def remove_password(root: Path, current: str) -> None:
    """Turn the lock off (the current password is needed)."""
    _check_current(root, current)
    try:
        lock_file(root).unlink(missing_ok=True)
    except OSError as exc:
        raise UserError(t("无法取消启动密码：文件“{path}”删不掉（{reason}）", path=lock_file(root),
                          reason=_reason(exc))) from exc
    log.info("start-up password removed")


# ---- inside ----------------------------------------------------------------------------------------

def _hash(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=256 * 1024 * 1024)


def _check_current(root: Path, current: str | None) -> None:
    if not is_locked(root):
        return
    if not current:
        raise UserError(t("请输入当前的启动密码"))
    if not verify(root, current):
        raise UserError(t("当前的启动密码不对"))


def _check_new(new: str, repeated: str) -> None:
    if len(new) < MIN_LENGTH:
        raise UserError(t("新密码至少要 {n} 个字符", n=MIN_LENGTH))
    if len(new) > MAX_LENGTH:
        raise UserError(t("新密码太长了（最多 {n} 个字符）", n=MAX_LENGTH))
    if new != repeated:
        raise UserError(t("两次输入的新密码不一样"))


def _read(root: Path) -> dict[str, Any] | None:
    path = lock_file(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _damaged(root) from exc
    if not isinstance(data, dict) or data.get("scheme") != "scrypt":
        raise _damaged(root)
    return data


def _damaged(root: Path) -> UserError:
    return UserError(t("启动密码文件“{path}”已损坏或无法读取，无法核对密码。"
                       "如果是你自己的电脑，关闭客本后删除这个文件即可取消启动密码。", path=lock_file(root)))


def _write(root: Path, record: dict[str, Any]) -> None:
    """Atomically, 0600 from the start (the hash is no secret to fear, but it is nobody else's)."""
    path = lock_file(root)
    temp = path.with_name(f".{FILE_NAME}.{secrets.token_hex(4)}.tmp")
    try:
        with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UserError(t("无法保存启动密码到“{path}”：{reason}", path=path, reason=_reason(exc))) from exc


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return t("磁盘已满")
    if isinstance(exc, PermissionError):
        return t("没有写入权限")
    return exc.strerror or type(exc).__name__
