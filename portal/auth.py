"""Staff sign-in: memory-hard password hashes, the signed session, throttling and roles."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request

from feedback.addresses import is_mail_address, normalise_email
from portal import throttle
from portal.models import Role, StaffUser


def _password_hasher() -> PasswordHasher:
    # Argon2's defaults (memory-hard, ~64 MiB) everywhere except the test suite, which
    # creates hundreds of accounts and sets PORTAL_PASSWORD_HASH_PROFILE=test.
    if os.environ.get("PORTAL_PASSWORD_HASH_PROFILE") == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


_hasher = _password_hasher()
# Verifying against this keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-real-password")
SESSION_USER_KEY = "staff_id"
MIN_PASSWORD_LENGTH = 10


class SignInRequired(Exception):
    """The page needs a signed-in staff member."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def create_staff(email: str, name: str, password: str, role: Role = Role.AGENT) -> StaffUser:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if not is_mail_address(normalise_email(email)):
        # Staff mail goes to this address: refuse one the outbox could never send to.
        raise ValueError(f"not an e-mail address like name@example.com: {email.strip()[:80]!r}")
    return await StaffUser.create(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
    )


async def authenticate(
    email: str,
    password: str,
    *,
    client: str,
    now: datetime,
    failures_allowed: int,
    lockout: timedelta,
) -> tuple[StaffUser | None, bool]:
    """Check a sign-in. Returns (user or None, locked_out).

    Failures are counted per e-mail and per address; past the limit every attempt is
    refused until the lockout window passes, even with the right password.
    """
    email = normalise_email(email)
    keys = [f"email:{email}", f"ip:{client}"]
    for key in keys:
        if await throttle.count("sign-in", key, since=now - lockout) >= failures_allowed:
            return None, True
    user = await StaffUser.get_or_none(email=email, is_active=True)
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    if not ok:
        for key in keys:
            await throttle.hit("sign-in", key, now)
        return None, False
    await throttle.clear("sign-in", f"email:{email}")
    return user, False


async def current_user(request: Request) -> StaffUser | None:
    """The signed-in staff member (cached on the request), or None."""
    if "staff_user" in request.scope.get("state", {}):
        return request.state.staff_user
    user = None
    staff_id = request.session.get(SESSION_USER_KEY)
    if isinstance(staff_id, int):
        user = await StaffUser.get_or_none(id=staff_id, is_active=True)
    request.state.staff_user = user
    return user


async def require_role(request: Request, role: Role = Role.AGENT) -> StaffUser:
    """The signed-in user if their role allows `role`; else SignInRequired or Forbidden."""
    user = await current_user(request)
    if user is None:
        raise SignInRequired
    if not Role(user.role).allows(role):
        raise Forbidden
    return user


def sign_in(request: Request, user: StaffUser) -> None:
    csrf = request.session.get("csrf")
    request.session.clear()  # a fresh session on sign-in (no fixation)
    if csrf:
        request.session["csrf"] = csrf
    request.session[SESSION_USER_KEY] = user.id


def sign_out(request: Request) -> None:
    request.session.clear()
