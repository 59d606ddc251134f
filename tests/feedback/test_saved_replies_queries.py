"""No N+1: the manage list and the item page's picker run as many queries for many saved
replies (each with its own team and author) as for a few."""

from __future__ import annotations

from portal.auth import create_staff
from portal.models import Role
from tests.conftest import PASSWORD, sign_in
from tests.feedback.saved_reply_helpers import make_item, make_reply
from tests.portal.test_query_counts import counting
from triage.models import Team


async def _add(start: int, count: int, item_team: Team) -> None:
    for n in range(start, start + count):
        author = await create_staff(f"m{n}@example.test", f"Manager {n}", PASSWORD, Role.MANAGER)
        team = item_team if n % 2 else await Team.create(name=f"Team {n}")
        await make_reply(
            f"Reply {n}", language="en" if n % 3 else "zh_CN", team=team, author=author
        )


async def test_it_runs_no_more_queries_for_more_replies(client, agent, manager) -> None:
    care = await Team.create(name="Care")
    await care.members.add(agent)
    item = await make_item(client)
    await _add(0, 2, care)
    pages = {"manage": (manager, "/manage/replies"), "item": (agent, f"/staff/items/{item.id}")}
    before = {}
    for name, (user, path) in pages.items():
        await sign_in(client, user)
        with counting() as few:
            assert (await client.get(path)).status_code == 200
        before[name] = len(few.statements)
    await _add(2, 10, care)
    for name, (user, path) in pages.items():
        await sign_in(client, user)
        with counting() as many:
            response = await client.get(path)
        assert response.status_code == 200
        assert "Reply 11" in response.text
        assert len(many.statements) == before[name], name
