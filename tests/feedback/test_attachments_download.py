"""Downloading a file: who may, and what the answer says so the browser runs nothing."""

from __future__ import annotations

from urllib.parse import quote

from feedback.models import Attachment
from tests.conftest import sign_in, submit
from tests.feedback.attachment_helpers import PDF, PNG, TEXT, submit_with_files


async def _item_with_files(client, **overrides):
    response = await submit_with_files(
        client,
        ("mug.png", PNG, "image/png"),
        ("reçu de caisse.pdf", PDF, "application/pdf"),
        ("notes.txt", TEXT, "text/html"),
        **overrides,
    )
    assert response.status_code == 303
    token = response.headers["location"].rsplit("/", 1)[1]
    files = await Attachment.filter(item__submission_token=overrides["submission_token"])
    return token, {f.filename: f for f in files}


async def test_the_customer_downloads_their_own_files(client, store_dir) -> None:
    token, files = await _item_with_files(client, submission_token="tok-own")
    png = await client.get(f"/t/{token}/files/{files['mug.png'].id}")
    assert png.status_code == 200 and png.content == PNG
    assert png.headers["content-type"] == "image/png"
    assert png.headers["x-content-type-options"] == "nosniff"
    assert png.headers["content-security-policy"].startswith("sandbox")
    assert png.headers["content-disposition"].startswith("inline;")
    text = await client.get(f"/t/{token}/files/{files['notes.txt'].id}")
    assert text.headers["content-type"].startswith("text/plain")  # not the claimed text/html
    assert text.headers["content-disposition"].startswith("attachment;")
    pdf = await client.get(f"/t/{token}/files/{files['reçu de caisse.pdf'].id}")
    assert pdf.headers["content-disposition"].startswith("attachment;")
    params = dict(
        part.strip().split("=", 1) for part in pdf.headers["content-disposition"].split(";")[1:]
    )
    assert params["filename"] == '"re_u de caisse.pdf"'  # ASCII for old clients
    assert params["filename*"] == "UTF-8''" + quote("reçu de caisse.pdf")  # RFC 6266


async def test_another_customer_s_token_gets_404(client, store_dir) -> None:
    _token, files = await _item_with_files(client, submission_token="tok-a")
    other = await submit(client, email="someone.else@example.com")
    other_token = other.headers["location"].rsplit("/", 1)[1]
    response = await client.get(f"/t/{other_token}/files/{files['mug.png'].id}")
    assert response.status_code == 404
    assert response.content != PNG


async def test_a_forged_token_gets_404(client, store_dir) -> None:
    token, files = await _item_with_files(client, submission_token="tok-forged")
    response = await client.get(f"/t/{token[:-2]}xx/files/{files['mug.png'].id}")
    assert response.status_code == 404


async def test_staff_download_at_the_staff_address(client, agent, manager, store_dir) -> None:
    _token, files = await _item_with_files(client, submission_token="tok-staff")
    attachment = files["mug.png"]
    url = f"/staff/items/{attachment.item_id}/files/{attachment.id}"
    for user in (agent, manager):
        await sign_in(client, user)
        response = await client.get(url)
        assert response.status_code == 200 and response.content == PNG, user.role
        assert response.headers["content-security-policy"].startswith("sandbox")


async def test_anonymous_is_sent_to_sign_in(client, store_dir) -> None:
    _token, files = await _item_with_files(client, submission_token="tok-anon")
    attachment = files["mug.png"]
    response = await client.get(f"/staff/items/{attachment.item_id}/files/{attachment.id}")
    assert response.status_code == 303
    assert "/staff/sign-in" in response.headers["location"]


async def test_a_file_under_another_item_s_address_is_404(client, agent, store_dir) -> None:
    _token, files = await _item_with_files(client, submission_token="tok-x")
    await submit(client, email="second@example.com", submission_token="tok-y")
    other = await Attachment.get(filename="mug.png")
    await sign_in(client, agent)
    other_item = other.item_id + 1
    response = await client.get(f"/staff/items/{other_item}/files/{other.id}")
    assert response.status_code == 404
    assert (await client.get(f"/staff/items/{other.item_id}/files/999999")).status_code == 404


async def test_missing_bytes_are_404_not_an_error(client, agent, store_dir) -> None:
    token, files = await _item_with_files(client, submission_token="tok-gone")
    attachment = files["mug.png"]
    (store_dir / attachment.sha256[:2] / attachment.sha256).unlink()
    assert (await client.get(f"/t/{token}/files/{attachment.id}")).status_code == 404
