"""The one message for text over its length limit, with the limit in it.

Every form that caps a field's length (the public form and the staff "log feedback" form,
replies on the tracking page and the item page, the resolve form, the survey) says the same
thing, "This is too long (10,000 characters at most).", translated into the reader's
language and with the number written the way that language writes it.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from portal.i18n import N_, current_language, gettext

TOO_LONG = N_("This is too long (%(limit)s characters at most).")


def too_long(limit: int) -> str:
    """The message for a text longer than `limit` characters, translated now.

    Translated where it is made (it carries a number); templates that pass messages through
    `_()` again get it back unchanged, as it is not a msgid.
    """
    return gettext(TOO_LONG) % {"limit": format_decimal(limit, locale=current_language())}
