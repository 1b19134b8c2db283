"""The start-up password: set, verify, change and remove it; only a salted hash is kept, 0600."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from services import lock_password as lock
from services.errors import UserError


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def test_no_password_means_no_lock(root: Path) -> None:
    assert not lock.is_locked(root)
    assert lock.verify(root, "")


def test_a_set_password_opens_and_nothing_else_does(root: Path) -> None:
    lock.set_password(root, "茶叶1234", "茶叶1234")
    assert lock.is_locked(root)
    assert lock.verify(root, "茶叶1234")
    for wrong in ("", "茶叶123", "茶叶12345", "茶叶1234 "):
        assert not lock.verify(root, wrong), wrong


def test_only_a_salted_hash_is_kept(root: Path) -> None:
    lock.set_password(root, "secret-pass", "secret-pass")
    first = lock.lock_file(root).read_text(encoding="utf-8")
    assert "secret-pass" not in first and '"scheme": "scrypt"' in first
    lock.remove_password(root, "secret-pass")
    lock.set_password(root, "secret-pass", "secret-pass")
    assert lock.lock_file(root).read_text(encoding="utf-8") != first  # a new salt each time
    assert lock.verify(root, "secret-pass")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_lock_file_is_private(root: Path) -> None:
    lock.set_password(root, "abcd", "abcd")
    assert stat.S_IMODE(lock.lock_file(root).stat().st_mode) == 0o600
    assert [p.name for p in root.iterdir()] == ["start-lock.json"]  # no temp file left


@pytest.mark.parametrize(("new", "repeated", "message"), [
    ("abc", "abc", "新密码至少要 4 个字符"),
    ("abcd", "abce", "两次输入的新密码不一样"),
    ("x" * 129, "x" * 129, "新密码太长了"),
])
def test_a_bad_new_password_is_refused_and_sets_nothing(root: Path, new: str, repeated: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        lock.set_password(root, new, repeated)
    assert not lock.is_locked(root)


def test_changing_needs_the_current_password(root: Path) -> None:
    lock.set_password(root, "old-pass", "old-pass")
    with pytest.raises(UserError, match="请输入当前的启动密码"):
        lock.set_password(root, "new-pass", "new-pass")
    with pytest.raises(UserError, match="当前的启动密码不对"):
        lock.set_password(root, "new-pass", "new-pass", current="wrong")
    assert lock.verify(root, "old-pass")  # unchanged
    lock.set_password(root, "new-pass", "new-pass", current="old-pass")
    assert lock.verify(root, "new-pass") and not lock.verify(root, "old-pass")


def test_removing_needs_the_current_password(root: Path) -> None:
    lock.set_password(root, "old-pass", "old-pass")
    with pytest.raises(UserError, match="当前的启动密码不对"):
        lock.remove_password(root, "wrong")
    assert lock.is_locked(root)
    lock.remove_password(root, "old-pass")
    assert not lock.is_locked(root) and lock.verify(root, "anything")


def test_a_damaged_lock_file_keeps_the_book_locked_and_says_what_to_do(root: Path) -> None:
    lock.lock_file(root).write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="启动密码文件.*已损坏.*删除这个文件即可取消启动密码"):
        lock.verify(root, "anything")
    lock.lock_file(root).write_text('{"scheme": "scrypt", "salt": "zz"}', encoding="utf-8")
    with pytest.raises(UserError, match="已损坏"):
        lock.verify(root, "anything")


def test_a_full_disk_is_a_clear_message_and_keeps_the_old_password(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock.set_password(root, "old-pass", "old-pass")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(UserError, match="无法保存启动密码到.*磁盘已满"):
        lock.set_password(root, "new-pass", "new-pass", current="old-pass")
    monkeypatch.undo()
    assert lock.verify(root, "old-pass")
    assert [p.name for p in root.iterdir()] == ["start-lock.json"]
