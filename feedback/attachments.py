"""Files customers and staff attach to messages: limits, type sniffing, storage and rows.

A file is checked (`check_uploads`, or `screen_uploads` for mail, which skips instead of
refusing), its type sniffed from its bytes (never the client's word), and its bytes written
once per content under ``<var dir>/attachments/<first two hex digits>/<sha256>``: the path is
made from the hash alone, so nothing a client sends can name a path. Bytes are written to a
temporary file and renamed into place (atomic), before the database transaction that adds
the `Attachment` rows (`attach`), so a row never points at missing bytes; `staged` removes
the files it wrote when no row came to refer to them (the transaction failed, or a repeated
submission made nothing new).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

import filetype

from feedback.models import Attachment, Message
from portal.i18n import N_, gettext

#: The types a file may have (as sniffed), with the extensions that fit each. Never HTML, SVG
#: or scripts: nothing a browser would run.
KNOWN_TYPES: dict[str, tuple[str, ...]] = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "text/plain": (".txt", ".log", ".csv"),
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
#: Shown in the browser when opened (with a sandbox CSP and nosniff); a PDF is downloaded,
#: since browsers' PDF viewers do not run in a sandboxed document.
INLINE_TYPES = IMAGE_TYPES
TYPE_LABELS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/pdf": "PDF",
    "text/plain": N_("Text"),
}
DEFAULT_MAX_FILES = 5
# 10 MB in the decimal units format_size shows, so the form says "10 MB" (not 10.5 MB).
DEFAULT_MAX_BYTES = 10_000_000
MAX_NAME_LENGTH = 120
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Characters that must not reach a file name: controls, and the ones that reorder text
# (a name like "photo‮gpj.exe" shows as "photoexe.jpg").
_BIDI = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}
_MARKUP = ("<html", "<!doctype", "<svg", "<script", "<?xml", "<iframe", "<body")


@dataclass(frozen=True)
class AttachmentLimits:
    """How many files one message may carry, how large each, and of which sniffed types."""

    max_files: int = DEFAULT_MAX_FILES
    max_bytes: int = DEFAULT_MAX_BYTES
    types: tuple[str, ...] = tuple(KNOWN_TYPES)

    @property
    def accept(self) -> str:
        """The file input's `accept` attribute (a hint for the picker; the server decides)."""
        return ",".join([*self.types, *(ext for t in self.types for ext in KNOWN_TYPES[t])])


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the client gave and the bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the limits: a display-safe name, the sniffed type, its hash."""

    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_type(data: bytes) -> str | None:
    """The type the bytes are (by their magic numbers), or None for anything not allowed.

    Plain text has no magic number: it is UTF-8 without control characters or markup.
    """
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime if kind.mime in KNOWN_TYPES else None
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(ch) in _TEXT_CONTROLS for ch in text):
        return None
    # Markup is not plain text, whatever its name: a page or an image that runs scripts.
    head = text[:2048].lower()
    return None if any(marker in head for marker in _MARKUP) else "text/plain"


def safe_filename(name: str, content_type: str) -> str:
    """A name to show and to download as: no folders, no control or reordering characters,
    at most MAX_NAME_LENGTH characters, and an extension that fits the sniffed type (one is
    added when it does not, so "page.html" sniffed as text becomes "page.html.txt").
    """
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = unicodedata.normalize("NFC", name).translate(_BIDI)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"\\')
    name = " ".join(name.split()).strip(". ")
    extensions = KNOWN_TYPES.get(content_type, ("",))
    stem, dot, ext = name.rpartition(".")
    if not dot or f".{ext.lower()}" not in extensions:
        stem, ext = name, extensions[0].lstrip(".")
    stem = stem[: MAX_NAME_LENGTH - len(ext) - 1].strip(". ") or "attachment"
    return f"{stem}.{ext}" if ext else stem


#: Why a file was not taken: the reason code, its words on the audit trail, and the message
#: next to the file field (marked for translation).
REASONS = {
    "too_many": ("one file too many", N_("Attach at most %(count)s files.")),
    "too_large": (
        "too large",
        N_("“%(name)s” is too large: a file may have at most %(max_size)s."),
    ),
    "empty": ("empty", N_("“%(name)s” is empty.")),
    "type": (
        "a type we do not accept",
        N_("“%(name)s” is not a type we accept: photos (PNG, JPEG, GIF, WebP), PDF or plain text."),
    ),
}


class AttachmentError(ValueError):
    """A file that cannot be taken; `reason` is a key of REASONS."""

    def __init__(self, reason: str, filename: str = "") -> None:
        super().__init__(f"{filename}: {REASONS[reason][0]}")
        self.reason = reason
        self.filename = filename


def _checked(upload: Upload, limits: AttachmentLimits) -> CheckedFile:
    name = safe_filename(upload.filename, "")
    if len(upload.data) > limits.max_bytes:
        raise AttachmentError("too_large", name)
    if not upload.data:
        raise AttachmentError("empty", name)
    content_type = sniff_type(upload.data)
    if content_type is None or content_type not in limits.types:
        raise AttachmentError("type", name)
    return CheckedFile(
        filename=safe_filename(upload.filename, content_type),
        content_type=content_type,
        data=upload.data,
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )


def screen_uploads(
    uploads: Iterable[Upload], limits: AttachmentLimits
) -> tuple[list[CheckedFile], list[AttachmentError]]:
    """The files within the limits, and the others with why (for mail: skip, never refuse)."""
    accepted: list[CheckedFile] = []
    refused: list[AttachmentError] = []
    for upload in uploads:
        if len(accepted) >= limits.max_files:
            refused.append(AttachmentError("too_many", safe_filename(upload.filename, "")))
            continue
        try:
            accepted.append(_checked(upload, limits))
        except AttachmentError as exc:
            refused.append(exc)
    return accepted, refused


def check_uploads(uploads: Sequence[Upload], limits: AttachmentLimits) -> list[CheckedFile]:
    """All the files, or the first AttachmentError (a form takes all of them or none)."""
    if len(uploads) > limits.max_files:
        raise AttachmentError("too_many")
    accepted, refused = screen_uploads(uploads, limits)
    if refused:
        raise refused[0]
    return accepted


def error_text(error: AttachmentError, limits: AttachmentLimits) -> str:
    """The message next to the file field, in the current language."""
    return gettext(REASONS[error.reason][1]) % {
        "name": error.filename,
        "count": limits.max_files,
        "max_size": format_size(limits.max_bytes),
    }


def refusal_note(refused: Sequence[AttachmentError]) -> str:
    """For the audit trail: 'not kept: a.exe (a type we do not accept), b.png (too large)'."""
    if not refused:
        return ""
    text = ", ".join(f"{error.filename} ({REASONS[error.reason][0]})" for error in refused)
    return f"not kept: {text if len(text) <= 300 else text[:299] + '…'}"


def format_size(size: int) -> str:
    """1 234 567 -> "1.2 MB" (decimal units, as file managers show them)."""
    if size < 1000:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size_f = size / 1000
        if size_f < 1000 or unit == "GB":
            return f"{size_f:.1f} {unit}".replace(".0 ", " ")
        size = int(size_f)
    return f"{size} B"  # pragma: no cover


def type_label(content_type: str) -> str:
    return TYPE_LABELS.get(content_type, content_type)


class AttachmentStore:
    """The bytes of attachments, one file per content, under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the bytes with this hash live; ValueError for anything but 64 hex digits."""
        if not _SHA256.match(sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256

    def put(self, file: CheckedFile) -> bool:
        """Write the bytes unless already there; True when this call wrote them."""
        path = self.path_for(file.sha256)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(file.data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)  # atomic: readers see all the bytes or no file
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return True

    def remove(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(sha256).unlink()


@contextlib.asynccontextmanager
async def staged(store: AttachmentStore, files: Sequence[CheckedFile]) -> AsyncIterator[None]:
    """Write the files' bytes, run the block (which adds the rows), then remove the bytes
    this call wrote that no row refers to: the block failed, or it made nothing new.

    Only bytes this call wrote are removed, and only when no committed row uses them. One
    window remains: another request that found the same file already stored, and commits its
    row just after this check, would point at removed bytes (its download answers 404). It
    needs the same file sent twice at once with one of the two failing.
    """
    written: list[str] = []
    try:
        for file in files:
            if await asyncio.to_thread(store.put, file):
                written.append(file.sha256)
        yield
    finally:
        await remove_unused(store, written)


async def remove_unused(store: AttachmentStore, sha256s: Iterable[str]) -> int:
    """Remove the stored bytes of these hashes that no attachment row uses any more (after
    staged work failed, or after messages were deleted); returns how many were removed.
    """
    wanted = set(sha256s)
    if not wanted:
        return 0
    used = set(await Attachment.filter(sha256__in=wanted).values_list("sha256", flat=True))
    for sha256 in wanted - used:
        store.remove(sha256)
    return len(wanted - used)


async def attach(
    message: Message, files: Sequence[CheckedFile], *, now: datetime
) -> list[Attachment]:
    """Add the rows for `files` to `message` (call inside the message's transaction).

    One insert per file (at most a handful) so each row has its id for links.
    """
    return [
        await Attachment.create(
            message_id=message.id,
            item_id=message.item_id,  # type: ignore[attr-defined]
            filename=file.filename,
            content_type=file.content_type,
            size_bytes=file.size,
            sha256=file.sha256,
            created_at=now,
        )
        for file in files
    ]


async def attachments_by_message(message_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The attachments of these messages in one query, by message id."""
    ids = list(message_ids)
    result: dict[int, list[Attachment]] = {}
    if not ids:
        return result
    for attachment in await Attachment.filter(message_id__in=ids).order_by("id"):
        result.setdefault(attachment.message_id, []).append(attachment)  # type: ignore[attr-defined]
    return result


def content_disposition(filename: str, content_type: str) -> str:
    """`inline` for images and PDF, else `attachment`, with an ASCII name and the UTF-8 one
    (RFC 6266 filename*).
    """
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%;' else "_" for ch in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def audit_note(files: Sequence[CheckedFile]) -> str:
    """For the audit trail: '2 files: a.png, b.pdf'."""
    if not files:
        return ""
    names = ", ".join(file.filename for file in files)
    if len(names) > 300:
        names = names[:299] + "…"
    return f"{len(files)} file{'' if len(files) == 1 else 's'}: {names}"
