"""Preferences: saved, loaded, and never a reason not to start."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.preferences import Preferences


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    Preferences(theme="dark", language="en").save(path)
    assert Preferences.load(path) == Preferences(theme="dark", language="en")
    assert not path.with_suffix(".tmp").exists()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert Preferences.load(tmp_path / "nothing.json") == Preferences()


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe\x00garbage", b"[]", b"null", b'"dark"', b'{"theme": ["dark"]}'])
def test_damaged_file_falls_back_to_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "preferences.json"
    path.write_bytes(content)
    assert Preferences.load(path) == Preferences()


def test_unknown_values_and_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text('{"theme": "purple", "language": "fr", "font": "big"}', encoding="utf-8")
    assert Preferences.load(path) == Preferences()
