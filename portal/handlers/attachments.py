"""Files on messages, the web side: reading them from a form, and downloading them.

Staff download at `/staff/items/{item_id}/files/{attachment_id}` (anyone who may see the
item, through `get_item_for_user`); a customer at `/t/{token}/files/{attachment_id}`, only
their own item's files on messages they can see (never an internal note's). Anything else
is a 404. A file is found by its id and served from the path its sha256 makes: no client
text ever reaches the file system.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from feedback.attachments import (
    IMAGE_TYPES,
    AttachmentError,
    AttachmentLimits,
    AttachmentStore,
    CheckedFile,
    Upload,
    attachments_by_message,
    check_uploads,
    content_disposition,
    error_text,
    format_size,
    type_label,
)
from feedback.models import Attachment
from portal.access import get_item_for_user
from portal.auth import require_role
from portal.i18n import N_, gettext
from portal.models import Role

FILES_FIELD = "files"
ATTACH_AGAIN = N_("Files are not kept when the form comes back: attach them again.")
#: Sent with every download: the type the bytes were sniffed as is final, and nothing in the
#: file may run (a PDF viewer or an image still works in a sandbox).
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    ),
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
}


def store_for(request: Request) -> AttachmentStore:
    return AttachmentStore(request.app.state.settings.attachment_dir)


def limits_for(request: Request) -> AttachmentLimits:
    limits: AttachmentLimits = request.app.state.settings.attachment_limits
    return limits


async def uploads_in(request: Request, form: FormData) -> list[Upload]:
    """The files the form carried (an empty file input sends a nameless empty part: skipped).

    Reads at most one byte past the size limit of each (the parser spooled them to disk),
    which is enough to refuse it.
    """
    read_at_most = limits_for(request).max_bytes + 1
    uploads = []
    for value in form.getlist(FILES_FIELD):
        if not isinstance(value, UploadFile):
            continue
        if not value.filename and not value.size:
            continue
        uploads.append(Upload(value.filename or "", await value.read(read_at_most)))
    return uploads


def check(request: Request, uploads: list[Upload]) -> tuple[list[CheckedFile], str]:
    """(files, "") or ([], the message to show next to the file field, in the current
    language, telling to attach them again: a file input cannot be filled in for them).
    """
    limits = limits_for(request)
    try:
        return check_uploads(uploads, limits), ""
    except AttachmentError as error:
        return [], f"{error_text(error, limits)} {gettext(ATTACH_AGAIN)}"


def template_context(request: Request) -> dict[str, Any]:
    """What the file field and the file lists need."""
    return {
        "attachment_limits": limits_for(request),
        "attachment_max_size": format_size(limits_for(request).max_bytes),
        "files_field": FILES_FIELD,
        "image_types": IMAGE_TYPES,
        "type_label": type_label,
        "format_size": format_size,
    }


async def files_of(messages: list[Any]) -> dict[int, list[Attachment]]:
    """Attachments of the shown messages, one query (no N+1), by message id."""
    return await attachments_by_message(message.id for message in messages)


def _serve(request: Request, attachment: Attachment) -> Response:
    path = store_for(request).path_for(attachment.sha256)
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(
        path,
        media_type=attachment.content_type,
        headers={
            **DOWNLOAD_HEADERS,
            "Content-Disposition": content_disposition(
                attachment.filename, attachment.content_type
            ),
        },
    )


async def staff_download(request: Request) -> Response:
    user = await require_role(request, Role.AGENT)
    item, _ = await get_item_for_user(user, request.path_params["item_id"])
    attachment = await Attachment.get_or_none(
        id=request.path_params["attachment_id"], item_id=item.id
    )
    if attachment is None:
        raise HTTPException(404)
    return _serve(request, attachment)


async def customer_download(request: Request) -> Response:
    # Imported here: the public handlers import this module for the file field.
    from portal.handlers.public import item_from_token

    item = await item_from_token(request, request.path_params["token"])
    attachment = await Attachment.get_or_none(
        id=request.path_params["attachment_id"], item_id=item.id, message__is_internal=False
    )
    if attachment is None:
        raise HTTPException(404)
    return _serve(request, attachment)
