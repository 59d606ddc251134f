"""Mail settings come from the environment and fail loudly on a bad value."""

from __future__ import annotations

import pytest

from portal.settings import load_settings


def _load(monkeypatch, tmp_path, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(env_file=tmp_path / "none.env", var_dir=tmp_path, secret_key="k")


def test_it_reads_the_smtp_settings(monkeypatch, tmp_path) -> None:
    password_file = tmp_path / "smtp-password"
    password_file.write_text("s3cret\n")
    settings = _load(
        monkeypatch,
        tmp_path,
        PORTAL_SMTP_HOST="smtp.example.com",
        PORTAL_SMTP_PORT="2525",
        PORTAL_SMTP_USERNAME="care",
        PORTAL_SMTP_PASSWORD_FILE=str(password_file),
        PORTAL_SMTP_STARTTLS="false",
        PORTAL_MAIL_FROM="Customer care <care@example.com>",
    )
    assert settings.mail_configured
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "smtp.example.com",
        2525,
        False,
    )
    assert str(settings.smtp_password) == "s3cret"
    assert "s3cret" not in repr(settings)


def test_it_is_not_configured_without_a_host(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PORTAL_SMTP_HOST", raising=False)
    settings = _load(monkeypatch, tmp_path)
    assert not settings.mail_configured and settings.smtp_port == 587 and settings.smtp_starttls


def test_it_refuses_a_host_without_a_sender(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PORTAL_MAIL_FROM", raising=False)
    with pytest.raises(ValueError, match="PORTAL_MAIL_FROM"):
        _load(monkeypatch, tmp_path, PORTAL_SMTP_HOST="smtp.example.com")


def test_it_refuses_a_line_break_in_the_sender(monkeypatch, tmp_path) -> None:
    with pytest.raises(ValueError, match="line breaks"):
        _load(
            monkeypatch,
            tmp_path,
            PORTAL_SMTP_HOST="smtp.example.com",
            PORTAL_MAIL_FROM="Care <care@example.com>\r\nBcc: victim@example.org",
        )
