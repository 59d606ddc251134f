"""Managers override response-time targets per priority and segment, and reset them."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from feedback.models import Priority
from portal.clock import utcnow
from tests.conftest import get_csrf, sign_in
from tests.triage.metrics_helpers import HOUR, customer, item
from triage.models import TargetSetting
from triage.priority import PRIORITY_RULES
from triage.sla import policy_for_item


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def post(client, path: str, data: dict):
    token = await get_csrf(client, "/manage/targets")
    return await client.post(path, data={"csrf_token": token, **data})


def row_values(page: BeautifulSoup, key: str) -> tuple[str, str, str, str]:
    row = page.find(id=f"target-{key}")
    return (
        row.find(id=f"{key}-first_response")["value"],
        row.find(id=f"{key}-resolution")["value"],
        row.find(id=f"{key}-warn_at")["value"],
        row.select_one("td.source").text.strip(),
    )


def target(priority: str, segment: str = "", **overrides: str) -> dict[str, str]:
    data = {
        "priority": priority,
        "segment": segment,
        "first_response": "0.5",
        "resolution": "6",
        "warn_at": "60",
    }
    data.update(overrides)
    return data


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    response = await client.get("/manage/targets")
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"


async def test_it_returns_403_for_an_agent(client, agent) -> None:
    await sign_in(client, agent)
    assert (await client.get("/manage/targets")).status_code == 403
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/manage/targets", data={"csrf_token": token, **target("high")})
    assert response.status_code == 403
    assert await TargetSetting.all().count() == 0


async def test_it_shows_the_shipped_defaults_for_every_priority_and_segment(
    client, manager
) -> None:
    await sign_in(client, manager)
    response = await client.get("/manage/targets")
    assert response.status_code == 200
    page = soup(response)
    assert len(page.select("table.targets tbody tr")) == 4 * 4  # any + key, regular, new
    assert row_values(page, "urgent-any") == ("1", "8", "75", "Shipped default")
    assert row_values(page, "low-new") == ("16", "80", "75", "Shipped default")
    for control in page.select("table.targets input:not([type=hidden])"):
        assert page.find("label", attrs={"for": control["id"]}) is not None
        assert control["form"] == "form-" + control["id"].rsplit("-", 1)[0]


async def test_it_shows_how_priority_is_decided(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manage/targets"))
    section = page.find(id="priority-rules")
    assert section.find("h2").text == "How priority is decided"
    rows = [[td.text for td in tr.find_all("td")] for tr in section.select("tbody tr")]
    assert [(r[1], r[2]) for r in rows] == [(r.description, r.priority) for r in PRIORITY_RULES]
    assert section.find("input") is None  # read-only


async def test_it_saves_an_override_in_minutes_and_resets_it(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/targets", target("high"))
    assert response.status_code == 303
    saved = await TargetSetting.get()
    assert (saved.priority, saved.segment) == ("high", "")
    assert (saved.first_response_minutes, saved.resolution_minutes, saved.warn_at_percent) == (
        30,
        360,
        60,
    )
    assert (await policy_for_item("high", "key")).policy.warn_at == 0.6

    page = soup(await client.get("/manage/targets"))
    assert row_values(page, "high-any") == ("0.5", "6", "60", "Set here")
    assert page.select_one("#target-high-any td.shipped").text == "4 h, 16 h, 75%"
    assert row_values(page, "high-key") == ("0.5", "6", "60", "As for any segment")
    assert page.select_one("#target-high-key form[action$='/reset']") is None

    # A segment row beats the any-segment row; saving again updates in place.
    await post(client, "/manage/targets", target("high", "key", first_response="1.25"))
    await post(client, "/manage/targets", target("high", "key", first_response="0.75"))
    key_row = await TargetSetting.get(priority="high", segment="key")
    assert key_row.first_response_minutes == 45
    assert await TargetSetting.all().count() == 2

    response = await post(client, "/manage/targets/reset", {"priority": "high", "segment": ""})
    assert response.status_code == 303
    assert await TargetSetting.all().values_list("segment", flat=True) == ["key"]
    page = soup(await client.get("/manage/targets"))
    assert row_values(page, "high-any") == ("4", "16", "75", "Shipped default")
    assert row_values(page, "high-key")[3] == "Set here"


async def test_it_keeps_what_was_typed_when_a_value_is_wrong(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(
        client,
        "/manage/targets",
        target("normal", "regular", first_response="2", resolution="1,5", warn_at="100"),
    )
    assert response.status_code == 422
    page = soup(response)
    row = page.find(id="target-normal-regular")
    assert row.find(id="normal-regular-resolution")["value"] == "1,5"
    assert row.find(id="normal-regular-warn_at")["value"] == "100"
    assert "cannot be shorter" in row.find(id="normal-regular-resolution-error").text
    assert "1 to 99" in row.find(id="normal-regular-warn_at-error").text
    warn = row.find(id="normal-regular-warn_at")
    assert warn["aria-invalid"] == "true"
    assert warn["aria-describedby"] == "normal-regular-warn_at-error"
    assert page.find(id="error-summary") is not None
    # Other rows still show what applies.
    assert row_values(page, "normal-any") == ("8", "40", "75", "Shipped default")
    assert await TargetSetting.all().count() == 0


async def test_it_refuses_nonsense_hours(client, manager) -> None:
    await sign_in(client, manager)
    for value in ("", "abc", "-1", "0", "nan", "1e9", "0.001"):
        response = await post(client, "/manage/targets", target("low", first_response=value))
        assert response.status_code == 422, value
        assert soup(response).find(id="low-any-first_response-error") is not None, value
    assert await TargetSetting.all().count() == 0


async def test_it_answers_400_for_an_unknown_row(client, manager) -> None:
    await sign_in(client, manager)
    assert (await post(client, "/manage/targets", target("critical"))).status_code == 400
    assert (await post(client, "/manage/targets", target("high", "vip"))).status_code == 400
    assert await TargetSetting.all().count() == 0


async def test_it_refuses_a_post_without_csrf(client, manager) -> None:
    await sign_in(client, manager)
    response = await client.post("/manage/targets", data=target("high"))
    assert response.status_code == 403
    assert await TargetSetting.all().count() == 0


async def test_it_says_so_when_no_items_came_in_yet(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manage/targets"))
    section = page.find(id="target-review")
    assert section.find("h2").text == "What the last 8 weeks achieved"
    assert section.find("table") is None
    assert "No items received in the last 8 weeks yet" in section.select_one("p.empty").text
    assert page.select_one("#target-high-any td.achieved").text.strip() == "No items yet"


async def test_it_shows_what_each_target_achieved_next_to_it(client, manager) -> None:
    regular = await customer("regular")
    now = utcnow()
    for hours in range(1, 26):  # high: 1 h .. 25 h to first response, against 4 h
        await item(
            regular,
            at=now - timedelta(days=3),
            priority=Priority.HIGH,
            first_response_business_seconds=hours * HOUR,
            resolution_business_seconds=HOUR,
        )
    await sign_in(client, manager)
    page = soup(await client.get("/manage/targets"))

    table = page.select_one("#target-review .table-wrap table.target-review")
    assert table.find("caption") is not None
    groups = [th.text for th in table.select("thead th[scope=colgroup]")]
    assert groups == ["First response", "Resolution"]
    assert len(table.select("tbody tr")) == 4 * 4
    row = table.find(id="review-high-any")
    assert row.find("th", scope="row").text == "high"
    cells = [td.text.strip() for td in row.find_all("td")]
    assert cells[:6] == ["Any segment", "25", "4 h", "16% (4 of 25)", "13.0 h", "22.6 h"]
    assert cells[6] == "kept 16%: p90 is 22.6 h against 4 h — either staff it or promise 24 h"
    assert cells[7:11] == ["16 h", "100% (25 of 25)", "1.0 h", "1.0 h"]
    assert cells[11] == "kept 100% — realistic"
    assert "verdict-warn" in row.select("td.verdict")[0]["class"]
    assert table.find(id="review-low-any").find_all("td")[1].text == "0"
    assert "too few items" in table.find(id="review-low-any").select("td.verdict")[0].text

    # Next to the target itself: the verdicts, linking to the figures.
    achieved = page.select_one("#target-high-any td.achieved")
    assert achieved.find("a")["href"] == "#review-high-any"
    assert [li.text for li in achieved.select("li")] == [
        "First response: " + cells[6],
        "Resolution: kept 100% — realistic",
    ]
