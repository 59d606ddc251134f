"""E-mail addresses: the one rule for what the portal accepts, and the one normal form.

A customer's address on the form, a staff account's address and the address a mail is sent
to are the same thing: an address the outbox can mail. So one rule decides all three, and
it is the strict one the outbox needs — a plain ``local@domain.tld`` (no display name,
no spaces, line breaks, quotes, brackets or the punctuation that separates addresses in a
header, a top-level domain of two or more characters, at most 254 characters). An address
accepted anywhere is therefore never one the outbox would refuse later.
"""

from __future__ import annotations

import re

ADDRESS_LIMIT = 254  # RFC 5321's limit on a forward path, and the model columns' length

# Characters that never appear in an address we accept: whitespace, "@" (except the one),
# and what would let a value escape or split a header ("<>", quotes, "(),;:[]\").
_NOT = r"@\s<>\"(),;:\[\]\\"
_ADDRESS = re.compile(rf"[^{_NOT}]+@[^{_NOT}]+\.[^{_NOT}.]{{2,}}")


def normalise_email(address: str) -> str:
    """Trimmed and lower-cased: one customer or staff account per address however it is typed."""
    return address.strip().lower()


def is_mail_address(value: str) -> bool:
    """A plain address (no display name, no line breaks) that is safe in a To header.

    The whole value must match: a trailing line break is refused too.
    """
    return len(value) <= ADDRESS_LIMIT and _ADDRESS.fullmatch(value) is not None
