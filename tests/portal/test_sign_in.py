"""Staff sign-in, sign-out, throttling and the signed session cookie."""

from __future__ import annotations

from bs4 import BeautifulSoup

from portal.models import ThrottleHit
from tests.conftest import PASSWORD, csrf_from, get_csrf, sign_in


async def test_it_signs_in_and_out(client, agent) -> None:
    assert (await client.get("/staff/items")).status_code == 303
    await sign_in(client, agent)
    response = await client.get("/staff/items")
    assert response.status_code == 200
    assert "Ana Costa" in response.text
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/staff/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert (await client.get("/staff/items")).status_code == 303


async def test_it_sets_a_httponly_samesite_cookie(client, agent) -> None:
    token = await get_csrf(client, "/staff/sign-in")
    response = await client.post(
        "/staff/sign-in", data={"email": agent.email, "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


async def test_it_refuses_a_wrong_password_and_keeps_the_email(client, agent) -> None:
    token = await get_csrf(client, "/staff/sign-in")
    response = await client.post(
        "/staff/sign-in", data={"email": agent.email, "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find(id="sign-in-error") is not None
    assert page.find(id="email")["value"] == agent.email
    assert "nope" not in response.text


async def test_it_locks_out_after_repeated_failures(client, agent) -> None:
    token = await get_csrf(client, "/staff/sign-in")
    for _ in range(5):
        await client.post(
            "/staff/sign-in", data={"email": agent.email, "password": "bad", "csrf_token": token}
        )
    response = await client.post(
        "/staff/sign-in", data={"email": agent.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert await ThrottleHit.filter(bucket="sign-in").count() == 10  # per e-mail and per address


async def test_it_stores_only_an_argon2_hash(agent) -> None:
    assert agent.password_hash.startswith("$argon2")
    assert PASSWORD not in agent.password_hash


async def test_it_does_not_redirect_off_site_after_sign_in(client, agent) -> None:
    token = await get_csrf(client, "/staff/sign-in")
    response = await client.post(
        "/staff/sign-in",
        data={
            "email": agent.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/staff/board"


async def test_it_sends_htmx_requests_to_sign_in_with_hx_redirect(client) -> None:
    response = await client.get("/staff/items", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].endswith("/staff/sign-in?next=%2Fstaff%2Fitems")


async def test_it_comes_back_to_the_page_with_its_query_after_signing_in(client, agent) -> None:
    response = await client.get("/staff/search?q=parcel&status=open")
    assert response.status_code == 303
    assert response.headers["location"].endswith(
        "/staff/sign-in?next=%2Fstaff%2Fsearch%3Fq%3Dparcel%26status%3Dopen"
    )
    form = await client.get(response.headers["location"])
    token = csrf_from(form.text)
    signed_in = await client.post(
        "/staff/sign-in",
        data={
            "email": agent.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/staff/search?q=parcel&status=open",
        },
    )
    assert signed_in.headers["location"] == "/staff/search?q=parcel&status=open"
    # The sign-in form carries it along as typed into the address bar.
    assert 'value="/staff/search?q=parcel&amp;status=open"' in form.text


async def test_it_sends_an_htmx_request_back_to_the_page_the_browser_shows(client) -> None:
    response = await client.get(
        "/staff/notifications/count",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/staff/board?owner=me",
        },
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].endswith(
        "/staff/sign-in?next=%2Fstaff%2Fboard%3Fowner%3Dme"
    )
