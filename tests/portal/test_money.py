"""Remedy amounts are written as money in the installation's currency (PORTAL_CURRENCY)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.i18n import format_money
from portal.settings import load_settings


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (Decimal("12.50"), "USD", "en", "$12.50"),
        (Decimal("1200"), "EUR", "en", "€1,200.00"),
        (Decimal("0.5"), "GBP", "en", "£0.50"),
        (Decimal("88"), "CNY", "zh_CN", "¥88.00"),
        (Decimal("12.50"), "USD", "zh_CN", "US$12.50"),
        (None, "USD", "en", ""),
    ],
)
def test_it_writes_amounts_as_the_reader_writes_money(amount, currency, language, expected) -> None:
    assert format_money(amount, currency, language) == expected


def _load(monkeypatch, tmp_path, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(env_file=tmp_path / "none.env", var_dir=tmp_path, secret_key="k")


def test_it_reads_the_currency_in_any_case(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PORTAL_CURRENCY", raising=False)
    assert _load(monkeypatch, tmp_path).currency == "USD"
    assert _load(monkeypatch, tmp_path, PORTAL_CURRENCY=" eur ").currency == "EUR"


def test_it_refuses_a_currency_that_does_not_exist(monkeypatch, tmp_path) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        _load(monkeypatch, tmp_path, PORTAL_CURRENCY="DOLLARS")
