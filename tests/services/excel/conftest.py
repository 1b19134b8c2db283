"""Fixtures of the full-workbook tests: a second, empty store to restore a workbook into."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from services.paths import DataDir
from services.store import open_store


@pytest.fixture
def open_fresh(tmp_path: Path) -> Iterator[Callable[[str], Session]]:
    """Open another empty store (in its own data folder) and give its session."""
    opened: list[Any] = []

    def fresh(name: str) -> Session:
        store = open_store(DataDir.at(tmp_path / name))
        session = store.db.session()
        opened.append((store, session))
        return session

    yield fresh
    for store, session in opened:
        session.close()
        store.close()


@pytest.fixture
def fresh(open_fresh: Callable[[str], Session]) -> Session:
    return open_fresh("restored")
