"""Mail settings come from the environment and fail loudly on a bad value."""

from __future__ import annotations

import pytest

from portal.settings import load_settings

SMTP_VARIABLES = ("PORTAL_SMTP_SECURITY", "PORTAL_SMTP_STARTTLS", "PORTAL_SMTP_PORT")


def _load(monkeypatch, tmp_path, **env: str):
    for name in (*SMTP_VARIABLES, "PORTAL_SMTP_CA_FILE"):
        monkeypatch.delenv(name, raising=False)
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


@pytest.mark.parametrize(
    ("env", "security", "port"),
    [
        ({}, "starttls", 587),
        ({"PORTAL_SMTP_SECURITY": "starttls"}, "starttls", 587),
        ({"PORTAL_SMTP_SECURITY": "TLS"}, "tls", 465),
        ({"PORTAL_SMTP_SECURITY": "tls", "PORTAL_SMTP_PORT": "2465"}, "tls", 2465),
        ({"PORTAL_SMTP_SECURITY": "none"}, "none", 587),
        # The older variable still works alone...
        ({"PORTAL_SMTP_STARTTLS": "false"}, "none", 587),
        ({"PORTAL_SMTP_STARTTLS": "true"}, "starttls", 587),
        # ...and may sit next to the new one when they agree.
        ({"PORTAL_SMTP_SECURITY": "tls", "PORTAL_SMTP_STARTTLS": "false"}, "tls", 465),
        ({"PORTAL_SMTP_SECURITY": "starttls", "PORTAL_SMTP_STARTTLS": "1"}, "starttls", 587),
    ],
)
def test_it_reads_the_smtp_security(monkeypatch, tmp_path, env, security, port) -> None:
    settings = _load(monkeypatch, tmp_path, **env)
    assert (settings.smtp_security, settings.smtp_port) == (security, port)
    assert settings.smtp_starttls is (security == "starttls")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"PORTAL_SMTP_SECURITY": "ssl"},
            "PORTAL_SMTP_SECURITY must be one of starttls, tls, none",
        ),
        ({"PORTAL_SMTP_SECURITY": "tls", "PORTAL_SMTP_STARTTLS": "true"}, "contradicts"),
        ({"PORTAL_SMTP_SECURITY": "none", "PORTAL_SMTP_STARTTLS": "1"}, "contradicts"),
        ({"PORTAL_SMTP_STARTTLS": "maybe"}, "PORTAL_SMTP_STARTTLS"),
    ],
)
def test_it_refuses_a_bad_smtp_security(monkeypatch, tmp_path, env, message) -> None:
    with pytest.raises(ValueError, match=message):
        _load(monkeypatch, tmp_path, **env)


def test_it_reads_a_ca_file_and_refuses_a_missing_one(monkeypatch, tmp_path) -> None:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = _load(monkeypatch, tmp_path, PORTAL_SMTP_CA_FILE=str(ca_file))
    assert settings.smtp_ca_file == str(ca_file)
    with pytest.raises(ValueError, match="PORTAL_SMTP_CA_FILE: no such file"):
        _load(monkeypatch, tmp_path, PORTAL_SMTP_CA_FILE=str(tmp_path / "missing.pem"))
    with pytest.raises(ValueError, match="PORTAL_SMTP_CA_FILE needs"):
        _load(monkeypatch, tmp_path, PORTAL_SMTP_CA_FILE=str(ca_file), PORTAL_SMTP_SECURITY="none")
