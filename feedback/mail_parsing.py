"""Reading one received e-mail: who wrote, what it answers, and the new text they wrote.

Pure functions over the standard library's `email` package (policy=default), so charsets
and transfer encodings (quoted-printable, base64, ISO-8859-1 …) are decoded there. The
text kept is the plain-text part, or the HTML part turned into text with BeautifulSoup;
then the quoted earlier conversation and the signature are cut off: first at our own
"reply above this line" marker (in every mail we send a customer), then with
mail-parser-reply's rules for the usual "On … wrote:" headers, quotes and signatures.
Attachments are never kept: only their names and count are reported.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default
from email.utils import getaddresses

from bs4 import BeautifulSoup
from mailparser_reply import EmailReplyParser

from feedback.addresses import is_mail_address, normalise_email
from feedback.attachments import Upload
from feedback.customer_mail import NAME_LIMIT, header_text

#: The line above which a customer writes their reply (templates/mail/*). The words in it
#: are translated, so it is found by its `##-` … `-##` frame, quoted (`> `) or not.
REPLY_MARKER = re.compile(r"^[>\s]*##-.*-##[ \t]*$", re.MULTILINE)
#: mail-parser-reply's languages for "On … wrote:" lines and sign-offs ("en" always joins).
REPLY_LANGUAGES = ("de", "fr", "es", "it", "nl", "zh")
MESSAGE_ID_LIMIT = 255
SUBJECT_LIMIT = 200
MAX_REFERENCES = 30
MAX_ATTACHMENT_NAMES = 500
_MSG_ID = re.compile(r"<[^<>\s]{1,250}>")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|rif|tr|r)\s*(?:\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE
)
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
_DAEMONS = {"mailer-daemon", "postmaster"}
_HTML_DROP = ("script", "style", "head", "title", "blockquote")
# Quoted earlier mails in HTML replies: Gmail, Outlook (web and desktop), Apple Mail, Yahoo.
_HTML_QUOTES = (
    "div.gmail_quote",
    "div#divRplyFwdMsg",
    "div#appendonsend",
    "div.moz-cite-prefix",
    "div.yahoo_quoted",
)


@dataclass(frozen=True)
class ParsedMail:
    """What a received mail says, with every header value cleaned to one safe line."""

    message_id: str  # the Message-ID, or a digest of the raw mail when it has none
    from_address: str  # normalised (lower case); "" when there is no usable address
    from_name: str
    subject: str  # without Re:/Fwd: prefixes
    text: str  # the new text only: no quoted conversation, no signature
    recipients: tuple[str, ...]  # To, Cc, Delivered-To, X-Original-To (lower case)
    references: tuple[str, ...]  # In-Reply-To first, then References (newest first)
    attachments: tuple[str, ...] = field(default_factory=tuple)
    files: tuple[Upload, ...] = field(default_factory=tuple)  # the attachments' bytes
    automatic: str = ""  # why this is an auto-reply or a bounce, "" for a person's mail
    truncated: bool = False
    content_language: str = ""  # the Content-Language header (e.g. "zh-CN"), lower case

    @property
    def attachment_summary(self) -> str:
        names = ", ".join(self.attachments)
        return names if len(names) <= MAX_ATTACHMENT_NAMES else names[:499] + "…"


def parse_bytes(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def _header(message: Message, name: str) -> str:
    """One header as one clean line; "" when absent or unreadable."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a broken header is treated as missing
        return ""
    return header_text(str(value or ""), 2000) if value is not None else ""


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    try:
        pairs = getaddresses(values)
    except Exception:  # noqa: BLE001
        return []
    return [(header_text(name, NAME_LIMIT), normalise_email(address)) for name, address in pairs]


def _header_addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs of every `name` header, decoded."""
    pairs: list[tuple[str, str]] = []
    try:
        values = message.get_all(name) or []
    except Exception:  # noqa: BLE001
        return []
    for value in values:
        try:
            parsed = [(a.display_name, a.addr_spec) for a in value.addresses]
        except Exception:  # noqa: BLE001 - not a parsed address header: read it loosely
            parsed = getaddresses([str(value)])
        pairs.extend(
            (header_text(display, NAME_LIMIT), header_text(address, 254).lower())
            for display, address in parsed
        )
    return pairs


def message_id_of(message: Message, raw: bytes) -> str:
    found = _MSG_ID.search(_header(message, "Message-ID"))
    if found:
        return found.group(0)[:MESSAGE_ID_LIMIT]
    # No (usable) Message-ID: the same bytes delivered twice are still the same mail.
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id.invalid>"


def references_of(message: Message) -> tuple[str, ...]:
    """In-Reply-To, then References from the newest: the mails this one answers."""
    found: list[str] = []
    for name in ("In-Reply-To", "References"):
        ids = _MSG_ID.findall(_header(message, name))
        found.extend(reversed(ids) if name == "References" else ids)
    unique = list(dict.fromkeys(found))
    return tuple(unique[:MAX_REFERENCES])


def automatic_reason(message: Message, envelope_sender: str | None) -> str:
    """Why this mail was sent by a machine (auto-reply, bounce, list), or "" (RFC 3834)."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto[:60]}"
    precedence = _header(message, "Precedence").lower()
    if precedence in _AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            return f"{name} header"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    sender = envelope_sender
    if sender is None and message.get("Return-Path") is not None:
        sender = _header(message, "Return-Path")
    if sender is not None and sender.strip() in ("", "<>"):
        return "empty return path (a bounce)"
    for value in (sender or "", _header(message, "From")):
        for _name, address in _addresses([value]):
            if address.partition("@")[0] in _DAEMONS:
                return f"sent by {address.partition('@')[0]}"
    return ""


def _decoded(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AssertionError, ValueError):
        # An unknown or wrong charset: keep what can be read rather than lose the mail.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def html_to_text(html: str) -> str:
    """Readable text from an HTML mail body, without the quoted earlier mails."""
    soup = BeautifulSoup(html, "html.parser")
    for selector in _HTML_QUOTES:
        for element in soup.select(selector):
            element.decompose()
    for name in _HTML_DROP:
        for element in soup.find_all(name):
            element.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
    for element in soup.find_all(blocks):
        element.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def strip_reply(text: str) -> str:
    """The text the sender wrote in this mail: no quoted conversation, no signature."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    marker = REPLY_MARKER.search(text)
    if marker:
        text = text[: marker.start()]
    parsed = EmailReplyParser(languages=list(REPLY_LANGUAGES)).read(text)
    body = parsed.replies[0].body if parsed.replies else ""
    # Quoted lines without an "On … wrote:" above them (and interleaved quotes) go too.
    kept = _unquoted(body)
    if kept:
        return kept
    # Everything looked like a quote or a signature: keep the unquoted lines rather than
    # nothing (a one-line "Thanks!" reply can be mistaken for a sign-off).
    return _unquoted(text)


def _unquoted(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines() if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def body_and_attachments(
    message: EmailMessage,
) -> tuple[str, tuple[str, ...], tuple[Upload, ...]]:
    """The body as text (plain part, else HTML turned into text), the attachments' names,
    and the attachments themselves (the name they came with and their decoded bytes).
    """
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001 - a broken MIME structure: no readable body
        body = None
    text = ""
    if body is not None:
        content = _decoded(body)
        text = html_to_text(content) if body.get_content_subtype() == "html" else content
    names: list[str] = []
    files: list[Upload] = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        if part.get_content_maintype() == "text" and not part.get_filename():
            if part.get_content_disposition() != "attachment":
                continue  # the other alternative of the body (HTML next to plain)
        names.append(header_text(part.get_filename() or part.get_content_type(), 100))
        try:
            data = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - a broken part: kept as empty, refused as such
            data = b""
        files.append(Upload(part.get_filename() or "", data if isinstance(data, bytes) else b""))
    return text, tuple(names), tuple(files)


def clean_subject(value: str) -> str:
    return _REPLY_PREFIX.sub("", header_text(value)).strip()[:SUBJECT_LIMIT]


def parse_mail(
    raw: bytes,
    *,
    max_text: int,
    envelope_sender: str | None = None,
) -> ParsedMail:
    """Read a raw RFC 5322 mail; never raises for a strange one (see ParsedMail)."""
    message = parse_bytes(raw)
    senders = _header_addresses(message, "From")
    name, address = senders[0] if senders else ("", "")
    if not is_mail_address(address):
        address = ""
    recipients: list[str] = []
    for header in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        recipients.extend(a for _n, a in _header_addresses(message, header) if a)
    text, attachments, files = body_and_attachments(message)
    text = strip_reply(text).replace("\x00", "")
    truncated = len(text) > max_text
    if truncated:
        text = text[: max_text - 1].rstrip() + "…"
    return ParsedMail(
        message_id=message_id_of(message, raw),
        from_address=address,
        from_name=name or address.partition("@")[0][:NAME_LIMIT],
        subject=clean_subject(_header(message, "Subject")),
        text=text,
        recipients=tuple(dict.fromkeys(recipients)),
        references=references_of(message),
        attachments=attachments,
        files=files,
        automatic=automatic_reason(message, envelope_sender),
        truncated=truncated,
        content_language=_header(message, "Content-Language").lower()[:35],
    )
