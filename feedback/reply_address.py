"""The address a customer's mail reply goes to: the support address plus a signed item token.

`support+<token>@example.com` (plus-addressing, as Postfix's `recipient_delimiter = +`
delivers it to `support@example.com`). The token is the item's id signed with the portal's
signing helper for its own purpose, so it cannot be forged or reused as a tracking link,
and it is the secret, like the tracking link: whoever holds the mail may reply to it.

The token is `<item id>-<20 hex digits>`: the digits are a digest of the signed value, so
the token survives a mail server that changes the case of addresses (a base64 signature
would not), and it stays short enough for the 64-character limit of a local part.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any, Protocol

PURPOSE = "mail-reply"
_LOCAL_PART_LIMIT = 64
_DIGITS = 20  # 80 bits of a keyed digest: not guessable
_TOKEN = re.compile(rf"^([1-9][0-9]{{0,17}})-([0-9a-f]{{{_DIGITS}}})$")


class TokenSigner(Protocol):
    def sign(self, value: Any, purpose: str) -> str: ...


@dataclass(frozen=True)
class ReplyAddress:
    """Builds and reads the plus-addresses of one inbound address (PORTAL_MAIL_IN_ADDRESS)."""

    address: str
    signer: TokenSigner

    @property
    def local_part(self) -> str:
        return self.address.rpartition("@")[0]

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()

    def _digest(self, item_id: int) -> str:
        signed = self.signer.sign(item_id, purpose=PURPOSE)
        return hashlib.sha256(signed.encode()).hexdigest()[:_DIGITS]

    def token(self, item_id: int) -> str:
        return f"{item_id}-{self._digest(item_id)}"

    def for_item(self, item_id: int) -> str:
        """The Reply-To address for mails about this item (the plain address if too long)."""
        local = f"{self.local_part}+{self.token(item_id)}"
        if len(local) > _LOCAL_PART_LIMIT:
            return self.address  # threading then relies on In-Reply-To alone
        return f"{local}@{self.domain}"

    def _split(self, recipient: str) -> tuple[str, str] | None:
        """(base local part, tag) when `recipient` is this address or a plus-address of it."""
        local, _, domain = recipient.strip().strip("<>").rpartition("@")
        if domain.lower() != self.domain:
            return None
        base, _, tag = local.partition("+")
        if base.lower() != self.local_part.lower():
            return None
        return base, tag

    def is_ours(self, recipient: str) -> bool:
        return self._split(recipient) is not None

    def item_id(self, recipient: str) -> int | None:
        """The item a plus-address was signed for; None when it is not ours or not genuine."""
        split = self._split(recipient)
        match = _TOKEN.match(split[1].lower()) if split else None
        if match is None:
            return None
        item_id = int(match.group(1))
        if not hmac.compare_digest(self._digest(item_id), match.group(2)):
            return None  # tampered, or signed with another installation's key
        return item_id
