"""`portal demo` brings saved replies in English and Chinese, each fit to insert and send."""

from __future__ import annotations

from feedback.models import FeedbackItem, SavedReply
from feedback.saved_replies import fill, placeholder_problem, unfilled_gaps, values_for
from portal.demo import load_demo
from portal.models import StaffUser
from tests.conftest import sign_in
from tests.feedback.saved_reply_helpers import soup


async def test_it_loads_saved_replies_in_both_languages(db, tmp_path) -> None:
    assert await load_demo(db, tmp_path / "sign-ins.txt", only_if_empty=True)
    replies = await SavedReply.all().select_related("team")
    assert {r.language for r in replies} == {"en", "zh_CN"}
    assert any(r.team is not None and r.team.name == "Billing" for r in replies)
    assert all(placeholder_problem(r.body) is None for r in replies)
    assert any(r.use_count for r in replies)
    # On the demo's Chinese item, with its order number, nothing is left to fill in.
    item = await FeedbackItem.get(language="zh_CN").select_related("customer", "team")
    ana = await StaffUser.get(email="ana@demo.example")
    for reply in replies:
        if reply.language == "zh_CN":
            text = fill(reply.body, values_for(item, ana))
            assert "{" not in text and text.startswith("王芳")
            assert unfilled_gaps(text) == []


async def test_it_lists_the_chinese_replies_first_on_the_chinese_item(
    client, agent, db, tmp_path
) -> None:
    assert await load_demo(db, tmp_path / "sign-ins.txt", only_if_empty=False)
    item = await FeedbackItem.get(language="zh_CN")
    await sign_in(client, agent)
    page = soup(await client.get(f"/staff/items/{item.id}"))
    groups = page.select("#saved-reply optgroup")
    assert [g["label"] for g in groups] == ["For this item (Chinese (简体中文))", "Other languages"]
    assert [o.text for o in groups[0].find_all("option")] == ["包裹查询", "已升级处理", "退款时间"]
