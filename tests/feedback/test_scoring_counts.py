"""The scoring page counts examples with proper plurals ("1 example", "2 examples")."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import httpx
import pytest
from bs4 import BeautifulSoup

from feedback.models import TrainingExample, TrainingSource
from portal.app import create_app
from tests.conftest import sign_in

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _add(count: int) -> None:
    await TrainingExample.bulk_create(
        [
            TrainingExample(
                text=f"The parcel came late ({n}).",
                sentiment="negative",
                source=TrainingSource.STAFF,
                source_key=f"staff:{n}",
                created_at=AT,
                labelled_at=AT,
            )
            for n in range(count)
        ]
    )


@pytest.mark.parametrize(
    ("examples", "retrain_after", "expected"),
    [
        (
            1,
            1,
            "1 example: 0 imported, 1 from staff corrections; 1 with a sentiment, 0 with a "
            "category. 1 labelled since the last retraining; it runs by itself after 1 new label.",
        ),
        (
            2,
            50,
            "2 examples: 0 imported, 2 from staff corrections; 2 with a sentiment, 0 with a "
            "category. 2 labelled since the last retraining; it runs by itself after 50 new "
            "labels.",
        ),
    ],
)
async def test_it_counts_examples_in_proper_english(
    installation, manager, examples, retrain_after, expected
) -> None:
    app = create_app(
        dataclasses.replace(installation, retrain_after=retrain_after), manage_database=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await _add(examples)
        await sign_in(client, manager)
        page = BeautifulSoup((await client.get("/manage/scoring")).text, "html.parser")
    assert " ".join(page.select_one("#example-counts").text.split()) == expected
