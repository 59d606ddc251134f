"""The managers' settings pages (spliced into `portal.routes`)."""

from starlette.routing import Route

from portal.handlers import mail, manage, saved_replies

POST = ["POST"]

routes: list[Route] = [
    Route("/manage", manage.overview, name="manage"),
    # Teams
    Route("/manage/teams", manage.teams, name="manage_teams"),
    Route("/manage/teams", manage.team_create, methods=POST, name="manage_team_create"),
    Route("/manage/teams/{team_id:int}", manage.team_detail, name="manage_team"),
    Route(
        "/manage/teams/{team_id:int}",
        manage.team_update,
        methods=POST,
        name="manage_team_update",
    ),
    # Staff
    Route("/manage/staff", manage.staff, name="manage_staff"),
    Route("/manage/staff", manage.staff_create, methods=POST, name="manage_staff_create"),
    Route(
        "/manage/staff/{staff_id:int}/away",
        manage.staff_away,
        methods=POST,
        name="manage_staff_away",
    ),
    Route(
        "/manage/staff/{staff_id:int}/active",
        manage.staff_active,
        methods=POST,
        name="manage_staff_active",
    ),
    # Routing rules
    Route("/manage/rules", manage.rules, name="manage_rules"),
    Route("/manage/rules", manage.rule_create, methods=POST, name="manage_rule_create"),
    Route("/manage/rules/{rule_id:int}", manage.rule_detail, name="manage_rule"),
    Route(
        "/manage/rules/{rule_id:int}",
        manage.rule_update,
        methods=POST,
        name="manage_rule_update",
    ),
    Route(
        "/manage/rules/{rule_id:int}/delete",
        manage.rule_delete,
        methods=POST,
        name="manage_rule_delete",
    ),
    Route(
        "/manage/rules/{rule_id:int}/move",
        manage.rule_move,
        methods=POST,
        name="manage_rule_move",
    ),
    Route(
        "/manage/rules/{rule_id:int}/active",
        manage.rule_active,
        methods=POST,
        name="manage_rule_active",
    ),
    # Business-hours calendars
    Route("/manage/calendars", manage.calendars, name="manage_calendars"),
    Route("/manage/calendars", manage.calendar_create, methods=POST, name="manage_calendar_create"),
    Route("/manage/calendars/{calendar_id:int}", manage.calendar_detail, name="manage_calendar"),
    Route(
        "/manage/calendars/{calendar_id:int}",
        manage.calendar_update,
        methods=POST,
        name="manage_calendar_update",
    ),
    # Response-time targets
    Route("/manage/targets", manage.targets, name="manage_targets"),
    Route("/manage/targets", manage.target_save, methods=POST, name="manage_target_save"),
    Route("/manage/targets/reset", manage.target_reset, methods=POST, name="manage_target_reset"),
    # E-mail to customers (the outbox)
    Route("/manage/mail", mail.mail, name="manage_mail"),
    Route("/manage/mail/retry", mail.mail_retry, methods=POST, name="manage_mail_retry"),
    # Saved replies (reps insert them on an item page)
    Route("/manage/replies", saved_replies.replies, name="manage_replies"),
    Route("/manage/replies", saved_replies.reply_create, methods=POST, name="manage_reply_create"),
    Route("/manage/replies/{reply_id:int}", saved_replies.reply_detail, name="manage_reply"),
    Route(
        "/manage/replies/{reply_id:int}",
        saved_replies.reply_update,
        methods=POST,
        name="manage_reply_update",
    ),
    Route(
        "/manage/replies/{reply_id:int}/active",
        saved_replies.reply_active,
        methods=POST,
        name="manage_reply_active",
    ),
]
