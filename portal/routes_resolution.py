"""Resolutions, merges, follow-ups, customers at risk and the survey (spliced into
`portal.routes`)."""

from starlette.routing import Route

from portal.handlers import resolution

POST = ["POST"]

routes: list[Route] = [
    # Staff: resolve and merge an item
    Route("/staff/items/{item_id:int}/resolve", resolution.resolve_form, name="staff_item_resolve"),
    Route(
        "/staff/items/{item_id:int}/resolve",
        resolution.resolve_submit,
        methods=POST,
        name="staff_item_resolve_submit",
    ),
    Route(
        "/staff/items/{item_id:int}/merge",
        resolution.merge,
        methods=POST,
        name="staff_item_merge",
    ),
    # Staff: follow-ups
    Route("/staff/follow-ups", resolution.follow_ups_page, name="staff_follow_ups"),
    Route(
        "/staff/follow-ups/{follow_up_id:int}/done",
        resolution.follow_up_done,
        methods=POST,
        name="staff_follow_up_done",
    ),
    # Managers: customers at risk, relationship reviews
    Route("/staff/at-risk", resolution.at_risk_page, name="staff_at_risk"),
    Route(
        "/staff/customers/{customer_id:int}/review/clear",
        resolution.review_clear,
        methods=POST,
        name="staff_customer_review_clear",
    ),
    # Customers: the satisfaction survey on the tracking page
    Route("/t/{token}/survey", resolution.survey_submit, methods=POST, name="tracking_survey"),
]
