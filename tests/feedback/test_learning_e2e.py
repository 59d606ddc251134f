"""From history to the board: import labelled history, retrain, and a new complaint sent on
the public form shows the learned label and category on its card, routed by that category."""

from __future__ import annotations

import io

import pytest

from feedback.models import Event, FeedbackItem, ScorerModel
from portal.app import create_app
from portal.cli import build_parser
from portal.cli_learning import run_import, run_retrain
from tests.conftest import sign_in, submit
from tests.feedback.learning_helpers import make_history, write_csv
from tests.triage.board_helpers import soup
from triage.models import RoutingRule, Team


@pytest.fixture
def app(installation):
    return create_app(installation, manage_database=False)


async def _run(body, settings, *argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = await body(build_parser().parse_args(list(argv)), settings, out, err)
    assert (code, err.getvalue()) == (0, ""), err.getvalue()
    return out.getvalue()


async def test_imported_history_teaches_the_board(installation, client, agent, tmp_path) -> None:
    history = make_history(n_per_template=12)  # 300 rows
    assert len(history) == 300
    path = write_csv(tmp_path / "old-tool-export.csv", history)
    imported = await _run(
        run_import,
        installation,
        "import",
        str(path),
        "--text-column",
        "text",
        "--sentiment-column",
        "sentiment",
        "--category-column",
        "category",
        "--created-column",
        "created",
        "--customer-column",
        "customer",
    )
    assert imported.startswith("imported 300, updated 0, duplicates 0, skipped 0")
    trained = await _run(run_retrain, installation, "retrain")
    assert "used: yes" in trained
    model = await ScorerModel.get(is_active=True)

    delivery = await Team.create(name="Delivery desk", is_default=False)
    await delivery.members.add(agent)
    await RoutingRule.create(name="Deliveries", categories="Delivery", team=delivery, position=1)

    response = await submit(
        client,
        kind="complaint",
        category="Other",  # the customer did not know where it belongs
        subject="Still nothing",
        message="Tracking has said out for delivery on the mattress since Monday.",
    )
    assert response.status_code == 303
    item = await FeedbackItem.get().select_related("team")
    assert item.team_id == delivery.id  # routed by the suggested category

    await sign_in(client, agent)
    card = soup((await client.get("/staff/board")).text).select_one(f"#card-{item.id}")
    assert card is not None
    assert card.select_one(".meta .category").text == "Delivery"
    assert card.select_one(".badge.sentiment-negative") is not None
    tag = card.select_one(".badge.scorer")
    assert tag.text.startswith("learned v") and model.version in tag["title"]
    assert card.select_one(".check-labels") is None
    assert "Delivery desk" in card.select_one(".owner").text

    event = await Event.get(item_id=item.id, action="category")
    assert (event.old_value, event.new_value) == ("Other", "Delivery")
    assert event.detail.startswith(f"category suggested by learned/{model.version}")
