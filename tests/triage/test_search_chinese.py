"""Chinese text is found without word splitting, on both engines."""

from __future__ import annotations

import pytest

from tests.triage.search_helpers import (
    both_strategies,  # noqa: F401 - a fixture
    find,
    found,
    make_item,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_finds_a_chinese_phrase_in_a_message(db) -> None:
    item = await make_item(
        "搅拌机", "我的搅拌机第二天就着火了，非常危险。", email="wang@example.com"
    )
    await make_item("包裹", "我的包裹已经迟到两周了。", email="li@example.com")

    results = await find("搅拌机着火")
    assert results.hits == []  # not a substring: the words are apart
    results = await find("就着火了")
    assert [hit.item.id for hit in results.hits] == [item.id]
    assert [t for t, is_match in results.hits[0].snippet if is_match] == ["就着火了"]
    assert await found("搅拌机 着火") == [item.reference]  # two terms, same message


async def test_it_finds_a_two_character_chinese_word_in_the_subject(db) -> None:
    item = await make_item("退货政策", "请问新的政策是什么？", email="wang@example.com")
    await make_item("包裹迟到", "退货也很慢。", email="li@example.com")

    # Two characters: the short fields only (subject, reference, order, customer).
    assert await found("退货") == [item.reference]
