"""File names from clients: no folders, no tricks, an extension that fits, a safe header."""

from __future__ import annotations

import pytest

from feedback.attachments import content_disposition, safe_filename
from feedback.models import Attachment
from tests.feedback.attachment_helpers import PNG, TEXT, soup, submit_with_files


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\jo\\Desktop\\mug.PNG", "image/png", "mug.PNG"),
        ("photo\u202egnp.exe", "image/png", "photognp.exe.png"),  # no right-to-left override
        ("line\r\nbreak.txt", "text/plain", "linebreak.txt"),
        ('quote"d name.txt', "text/plain", "quoted name.txt"),
        ("page.html", "text/plain", "page.html.txt"),
        ("...", "image/png", "attachment.png"),
        ("", "application/pdf", "attachment.pdf"),
        ("a" * 300 + ".pdf", "application/pdf", "a" * 116 + ".pdf"),
        ("收据.pdf", "application/pdf", "收据.pdf"),
    ],
)
def test_it_makes_a_safe_name(name: str, content_type: str, expected: str) -> None:
    assert safe_filename(name, content_type) == expected


def test_the_header_never_breaks() -> None:
    header = content_disposition("收据 a;b%.pdf", "application/pdf")
    assert header == (
        "attachment; filename=\"__ a_b_.pdf\"; filename*=UTF-8''%E6%94%B6%E6%8D%AE%20a%3Bb%25.pdf"
    )
    assert "\n" not in header and "\r" not in header


async def test_a_hostile_name_is_stored_and_shown_escaped(client, store_dir) -> None:
    response = await submit_with_files(
        client,
        ("../<img src=x onerror=alert(1)>.png", PNG, "image/png"),
        ("..\\..\\boot.ini", TEXT, "text/plain"),
    )
    assert response.status_code == 303
    names = [a.filename for a in await Attachment.all().order_by("id")]
    assert names == ["<img src=x onerror=alert(1)>.png", "boot.ini.txt"]
    tracking = await client.get(response.headers["location"].replace("/feedback/thanks/", "/t/"))
    page = soup(tracking)
    assert page.select("#conversation img[onerror]") == []
    assert [a.text for a in page.select(".attachment .file-name")] == names
    assert not list(store_dir.rglob("*.png")) and not list(store_dir.rglob("*.ini*"))


async def test_a_download_address_takes_ids_only(client, store_dir) -> None:
    response = await submit_with_files(client, ("mug.png", PNG, "image/png"))
    token = response.headers["location"].rsplit("/", 1)[1]
    for tail in ("../../secret_key", "%2e%2e%2fsecret_key", "1/../../x", "mug.png"):
        assert (await client.get(f"/t/{token}/files/{tail}")).status_code == 404, tail
