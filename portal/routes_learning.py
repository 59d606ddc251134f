"""Routes of sentiment corrections and the managers' scoring page (spliced into `portal.routes`)."""

from starlette.routing import Route

from portal.handlers import board, learning, staff

POST = ["POST"]

routes: list[Route] = [
    Route(
        "/staff/items/{item_id:int}/sentiment",
        board.card_sentiment,
        methods=POST,
        name="card_sentiment",
    ),
    Route(
        "/staff/items/{item_id:int}/labels",
        staff.item_labels,
        methods=POST,
        name="staff_item_labels",
    ),
    Route("/manage/scoring", learning.scoring, name="manage_scoring"),
    Route(
        "/manage/scoring/retrain",
        learning.scoring_retrain,
        methods=POST,
        name="manage_scoring_retrain",
    ),
]
