"""Annotator accounts on the local Label Studio: sign-up through its own invite link, roles kept as our note."""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx

from annotate import studio_state as state
from annotate.errors import StudioAuthError, StudioError, StudioRequestError, StudioUnreachable

# Label Studio community edition has no roles: every member of the organisation may annotate, review and
# manage. The role is kept as our own note in the data dir, for the team's bookkeeping.
ROLES = ("annotator", "reviewer", "manager")
ROLES_FILE = "user_roles.json"    # in the data dir, owner-only: email -> role, added_at (never a password)
PASSWORD_MIN, PASSWORD_MAX = 8, 128   # Label Studio 1.23's AUTH_PASSWORD_MIN_LENGTH / _MAX_LENGTH
EMAIL_MAX = 256
# deliberately plain: one @, a dotted domain, no spaces; Django's EmailField would refuse less than this passes
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


class BadUserInput(ValueError):
    """An e-mail, role or password the server would refuse; raised before any request."""


class UserExists(StudioError):
    """The server already has a user with this e-mail."""


@dataclass(frozen=True)
class NewUser:
    id: int
    email: str
    token: str

    def __repr__(self) -> str:   # keep the token out of logs and tracebacks
        return f"NewUser(id={self.id}, email={self.email!r})"


def check_email(email: str) -> str:
    """The e-mail in the form the server stores it (lower case); BadUserInput saying why otherwise."""
    if not _EMAIL.fullmatch(email or ""):
        raise BadUserInput(f"{email!r} is not an e-mail address (expected name@domain.tld, no spaces)")
    if len(email) >= EMAIL_MAX:
        raise BadUserInput(f"e-mail address has {len(email)} characters; Label Studio allows fewer than {EMAIL_MAX}")
    return email.lower()


def check_password(password: str, email: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise BadUserInput(f"the password has {len(password)} characters; Label Studio requires "
                           f"{PASSWORD_MIN} to {PASSWORD_MAX}")
    if password.lower() == email.lower() or password.lower() == email.split("@")[0].lower():
        raise BadUserInput("the password is the e-mail address or its user part; Label Studio refuses it")
    return password


def generate_password() -> str:
    return secrets.token_urlsafe(18)   # 24 characters, 144 bits


def _http(url: str) -> httpx.Client:
    # loopback (or the configured server) only: never through a proxy from the environment
    return httpx.Client(base_url=url.rstrip("/"), trust_env=False, timeout=30.0, follow_redirects=False)


def _call(what: str, url: str, fn):
    try:
        response = fn()
    except httpx.HTTPError as exc:
        raise StudioUnreachable(f"Label Studio at {url} is unreachable while {what}: {type(exc).__name__}") from None
    if response.status_code in (401, 403):
        raise StudioAuthError(f"Label Studio at {url} refused the admin token while {what} "
                              f"(HTTP {response.status_code})")
    return response


def list_users(url: str, admin_token: str) -> list[dict]:
    """The organisation's users as the server lists them: id, email, last_activity, date_joined."""
    with _http(url) as http:
        got = _call("listing users", url, lambda: http.get("/api/users/", headers={
            "Authorization": f"Token {admin_token}"}))
    if got.status_code != 200:
        raise StudioRequestError(f"Label Studio at {url} answered HTTP {got.status_code} while listing users",
                                 got.status_code)
    raw = got.json()
    users = raw["results"] if isinstance(raw, dict) else raw
    return sorted(({"id": u["id"], "email": u["email"], "last_activity": u.get("last_activity"),
                    "date_joined": u.get("date_joined")} for u in users), key=lambda u: u["id"])


def _form_error(html: str) -> str:
    """The first error message of a re-rendered sign-up form (Django lists them in <ul class="errorlist">)."""
    found = re.search(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<li>)?([^<]{3,200})<', html)
    return " ".join(found.group(1).split()) if found else "the sign-up form was refused"


def add_user(url: str, admin_token: str, email: str, password: str) -> NewUser:
    """Create a user as a new annotator would: the admin's invite link, the sign-up form, then their token.

    Community edition has no API call that sets a password (POST /api/users/ makes password-less accounts),
    and `label-studio user` only prints; the invite sign-up is the server's own path and puts the user in the
    organisation. Raises UserExists for a taken e-mail (checked first, and again by the form).
    """
    email = check_email(email)
    check_password(password, email)
    if any(u["email"].lower() == email for u in list_users(url, admin_token)):
        raise UserExists(f"Label Studio at {url} already has a user {email}")
    with _http(url) as browser:
        got = _call("asking for the invite link", url, lambda: browser.get(
            "/api/invite", headers={"Authorization": f"Token {admin_token}"}))
        if got.status_code != 200:
            raise StudioRequestError(f"Label Studio at {url} answered HTTP {got.status_code} for the invite link",
                                     got.status_code)
        invite = got.json()["invite_url"]
        _call("opening the sign-up page", url, lambda: browser.get(invite))
        csrf = browser.cookies.get("csrftoken")
        if not csrf:
            raise StudioRequestError(f"{url}{invite} did not answer like Label Studio's sign-up page")
        answer = _call("signing up", url, lambda: browser.post(
            invite, data={"csrfmiddlewaretoken": csrf, "email": email, "password": password},
            headers={"Referer": url.rstrip("/") + invite}))
        if answer.status_code != 302:
            message = _form_error(answer.text)
            if "already exists" in message:
                raise UserExists(f"Label Studio at {url} already has a user {email}")
            raise StudioRequestError(f"Label Studio at {url} refused to create {email}: {message}",
                                     answer.status_code)
        me = _call("reading the new user", url, lambda: browser.get("/api/current-user/whoami"))
        token = _call("reading the new user's token", url, lambda: browser.get("/api/current-user/token"))
        if me.status_code != 200 or token.status_code != 200:
            raise StudioRequestError(f"Label Studio at {url} created {email} but did not log them in")
        return NewUser(int(me.json()["id"]), email, token.json()["token"])


def read_roles(data_dir: Path) -> dict[str, dict]:
    try:
        raw = json.loads((Path(data_dir) / ROLES_FILE).read_text(encoding="utf-8"))
        return {k: v for k, v in raw.get("users", {}).items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}


def note_role(data_dir: Path, email: str, role: str) -> None:
    """Record the role we gave a user (Label Studio community edition keeps none)."""
    if role not in ROLES:
        raise BadUserInput(f"role {role!r}: choose one of {', '.join(ROLES)}")
    roles = read_roles(data_dir)
    roles[email.lower()] = {"role": role, "added_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    state.write_private(Path(data_dir) / ROLES_FILE, {"version": 1, "users": roles})
