"""Routes of the triage board, card actions, notifications and staff-logged feedback."""

from starlette.routing import Route

from portal.handlers import board, log_feedback, notifications

routes = [
    Route("/staff/board", board.board, name="board"),
    Route("/staff/board/bulk", board.board_bulk, methods=["POST"], name="board_bulk"),
    Route("/staff/items/{item_id:int}/move", board.card_move, methods=["POST"], name="card_move"),
    Route(
        "/staff/items/{item_id:int}/assign",
        board.card_assign,
        methods=["POST"],
        name="card_assign",
    ),
    Route("/staff/items/{item_id:int}/take", board.card_take, methods=["POST"], name="card_take"),
    Route(
        "/staff/items/{item_id:int}/priority",
        board.card_priority,
        methods=["POST"],
        name="card_priority",
    ),
    Route(
        "/staff/items/{item_id:int}/category",
        board.card_category,
        methods=["POST"],
        name="card_category",
    ),
    Route("/staff/notifications", notifications.notifications, name="notifications"),
    Route(
        "/staff/notifications/read",
        notifications.notifications_read,
        methods=["POST"],
        name="notifications_read",
    ),
    Route(
        "/staff/notifications/count",
        notifications.notifications_count,
        name="notifications_count",
    ),
    Route("/staff/notifications/e-mail", notifications.mail_preferences, name="mail_preferences"),
    Route(
        "/staff/notifications/e-mail",
        notifications.mail_preferences_save,
        methods=["POST"],
        name="mail_preferences_save",
    ),
    Route("/staff/feedback/new", log_feedback.log_feedback_form, name="log_feedback"),
    Route(
        "/staff/feedback/new",
        log_feedback.log_feedback_submit,
        methods=["POST"],
        name="log_feedback_submit",
    ),
]
