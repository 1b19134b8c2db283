"""Settings that belong to the data: declared once, typed, checked, with defaults."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from models import AppSetting
from services import settings_store
from services.errors import ValidationError
from services.settings_store import declare

DAYS = declare("test.days", int, 30, "测试：天数", unit="天", minimum=1, maximum=100, group="test")
RATE = declare("test.rate", float, 0.5, "测试：比例", minimum=0, maximum=1, group="test")
ON = declare("test.on", bool, True, "测试：开关", group="test")
NAMES = declare("test.names", list, ["甲"], "测试：名单")


def test_defaults_until_saved_then_reset(session: Session) -> None:
    assert settings_store.get(session, DAYS) == 30
    settings_store.save(session, {DAYS: 45, RATE: 1, ON: False})
    assert settings_store.get_many(session, [DAYS, RATE, ON, NAMES]) == {
        "test.days": 45, "test.rate": 1.0, "test.on": False, "test.names": ["甲"]}
    assert isinstance(settings_store.get(session, RATE), float)
    settings_store.reset(session, [DAYS, ON])
    assert (settings_store.get(session, DAYS), settings_store.get(session, ON)) == (30, True)
    assert settings_store.get(session, RATE) == 1.0


@pytest.mark.parametrize(("value", "message"), [
    (0, "“测试：天数”不能小于 1"), (101, "“测试：天数”不能大于 100"), (True, "“测试：天数”的值不对"),
    ("30", "“测试：天数”的值不对"), (2.5, "“测试：天数”的值不对"),
])
def test_a_bad_value_is_refused_and_nothing_is_written(session: Session, value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        settings_store.save(session, {RATE: 0.25, DAYS: value})
    assert caught.value.fields == {"test.days": message}
    assert settings_store.get(session, RATE) == 0.5  # the good value was not written either


def test_a_stored_value_that_no_longer_fits_reads_as_the_default(session: Session) -> None:
    session.add(AppSetting(key="test.days", value="三十"))
    session.add(AppSetting(key="test.rate", value=7))
    session.commit()
    assert settings_store.get(session, DAYS) == 30
    assert settings_store.get_many(session, [RATE]) == {"test.rate": 0.5}


def test_declared_lists_a_group_in_order_and_declarations_are_unique() -> None:
    assert settings_store.declared("test") == [DAYS, RATE, ON]  # NAMES has no group: internal
    assert declare("test.days", int, 30, "测试：天数", unit="天", minimum=1, maximum=100, group="test") == DAYS
    with pytest.raises(ValueError, match="declared twice"):
        declare("test.days", int, 31, "测试：天数")
    with pytest.raises(ValueError, match="does not fit"):
        declare("test.bad", int, 0, "测试", minimum=1)
    with pytest.raises(TypeError):
        declare("test.set", set, set(), "测试")  # type: ignore[arg-type]


def test_the_layer_thresholds_are_declared_with_the_seed_defaults() -> None:
    from services.layers import layer_settings

    defaults = {s.key: s.default for s in layer_settings()}
    assert defaults["loyalty.loyal_months"] == 3 and defaults["loyalty.loyal_referred_buyers"] == 1
    assert defaults["loyalty.need_days"] == 90 and defaults["loyalty.low_need_max_purchases"] == 1
    assert defaults["stage.sleeping_days"] == 180 and defaults["stage.lost_days"] == 365
    assert all(s.title and s.unit for s in layer_settings())
