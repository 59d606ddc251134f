"""Every route of the portal in one table."""

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from portal.handlers import (
    assets,
    attachments,
    customer_merge,
    health,
    privacy,
    public,
    saved_replies,
    search,
    staff,
)
from portal.routes_board import routes as board_routes
from portal.routes_dashboard import routes as dashboard_routes
from portal.routes_learning import routes as learning_routes
from portal.routes_manage import routes as manage_routes
from portal.routes_resolution import routes as resolution_routes
from portal.templating import TEMPLATES_DIR

STATIC_DIR = TEMPLATES_DIR.parent / "static"
#: The POST paths that take files (multipart): they may have a larger body than the rest
#: (`Settings.upload_max_body_bytes`, see `portal.security.BodySizeLimitMiddleware`).
UPLOAD_PATHS = (r"/feedback", r"/t/[^/]+/reply", r"/staff/items/[0-9]+/reply")

routes = [
    # Customers (no account)
    Route("/", public.feedback_form, name="home"),
    Route("/feedback/new", public.feedback_form, name="feedback_form"),
    Route("/feedback", public.submit, methods=["POST"], name="feedback_submit"),
    Route("/feedback/thanks/{token}", public.thanks, name="thanks"),
    Route("/t/{token}", public.tracking, name="tracking"),
    Route("/t/{token}/reply", public.tracking_reply, methods=["POST"], name="tracking_reply"),
    Route(
        "/t/{token}/files/{attachment_id:int}",
        attachments.customer_download,
        name="tracking_file",
    ),
    # Staff
    Route("/staff/sign-in", staff.sign_in_page, name="sign_in"),
    Route("/staff/sign-in", staff.sign_in_submit, methods=["POST"], name="sign_in_submit"),
    Route("/staff/sign-out", staff.sign_out_submit, methods=["POST"], name="sign_out"),
    Route("/staff/items", staff.item_list, name="staff_items"),
    Route("/staff/search", search.search_page, name="staff_search"),
    Route("/staff/items/{item_id:int}", staff.item_detail, name="staff_item"),
    Route(
        "/staff/items/{item_id:int}/reply",
        staff.item_reply,
        methods=["POST"],
        name="staff_item_reply",
    ),
    Route(
        "/staff/items/{item_id:int}/files/{attachment_id:int}",
        attachments.staff_download,
        name="staff_item_file",
    ),
    Route(
        "/staff/items/{item_id:int}/saved-reply",
        saved_replies.item_saved_reply,
        methods=["GET", "POST"],
        name="staff_item_saved_reply",
    ),
    Route(
        "/staff/items/{item_id:int}/status",
        staff.item_status,
        methods=["POST"],
        name="staff_item_status",
    ),
    Route(
        "/staff/items/{item_id:int}/collaborators",
        staff.item_collaborators,
        methods=["POST"],
        name="staff_item_collaborators",
    ),
    Route("/staff/customers/{customer_id:int}", staff.customer_detail, name="staff_customer"),
    Route(
        "/staff/customers/{customer_id:int}/merge",
        customer_merge.customer_merge,
        methods=["POST"],
        name="staff_customer_merge",
    ),
    Route(
        "/staff/customers/{customer_id:int}/notes",
        staff.customer_notes,
        methods=["POST"],
        name="staff_customer_notes",
    ),
    Route(
        "/staff/customers/{customer_id:int}/export",
        privacy.customer_export,
        methods=["POST"],
        name="staff_customer_export",
    ),
    Route(
        "/staff/customers/{customer_id:int}/erase",
        privacy.erase_confirm,
        name="staff_customer_erase",
    ),
    Route(
        "/staff/customers/{customer_id:int}/erase",
        privacy.erase_submit,
        methods=["POST"],
        name="staff_customer_erase_submit",
    ),
    *board_routes,
    *dashboard_routes,
    *resolution_routes,
    *learning_routes,
    *manage_routes,
    # Monitoring (no sign-in, no customer data)
    Route("/healthz", health.healthz, name="healthz"),
    Route("/favicon.ico", assets.favicon, name="favicon"),
    Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
]
