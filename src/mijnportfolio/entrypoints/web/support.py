"""Helpers shared by the blueprints: the container, the acting user, navigation, tables."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Callable
from zoneinfo import ZoneInfo

import attrs
from flask import abort, current_app, g, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from mijnportfolio.application.auth import LoggedInUser
from mijnportfolio.application.impersonation import LookAlong
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, Permission, is_allowed, require

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class SessionUser:
    """What Flask-Login keeps for a request (a read-only view of the user)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: LoggedInUser) -> None:
        self.id = user.id
        self.email = user.email
        self.role = Role(user.role)
        self.organisation_id = user.organisation_id
        self.full_name = user.full_name
        self.language = user.language

    def get_id(self) -> str:
        return str(self.id)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.id, role=self.role, organisation_id=self.organisation_id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def container():
    """The dependency-injector container of the running app."""
    return current_app.extensions["container"]


def actor() -> Actor:
    return current_user.actor


#: The session key of looking along ("Log in als deze student"); other views refuse while it is set.
LOOK_ALONG_KEY = "impersonation"


def look_along() -> LookAlong | None:
    """The student the logged-in staff member is looking along with, or None."""
    if not current_user.is_authenticated:
        return None
    state = LookAlong.from_session(session.get(LOOK_ALONG_KEY))
    return state if state is not None and state.staff_user_id == current_user.id else None


def roles_required(*roles: Role) -> Callable:
    """Log-in required, and one of ``roles``; other roles get 403. Finer rules live in the use cases."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


admin_required = roles_required(Role.ADMIN)


def permission_required(permission: Permission) -> Callable:
    """Log-in required, and ``permission`` in the domain's policy; otherwise 403. Rules about one
    record (an organisation, a student) are checked again by the use case."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            require(actor(), permission)  # PermissionDenied: the app's 403 page
            return view(*args, **kwargs)

        return wrapped

    return decorate


def may(permission: Permission) -> bool:
    """For menus and buttons: whether the current user has ``permission`` at all."""
    return bool(current_user.is_authenticated) and is_allowed(actor(), permission)


def landing_endpoint(role: Role) -> str:
    """product.md section 7: an examiner lands on the Examendashboard, a student on their own
    portfolio, other staff on 'Mijn Portfolio'."""
    if role is Role.EXAMINER:
        return "examination.dashboard"
    if role is Role.STUDENT:
        return "students.own_portfolio"
    return "students.my_portfolio"


def nav_items() -> list[tuple[str, str, str]]:
    """(label, url, endpoint) of the left menu for the current user's role."""
    if not current_user.is_authenticated:
        return []
    if look_along() is not None:
        # While looking along the menu is the student's, without their messages (those stay private).
        return [
            (_("Mijn Portfolio"), url_for("students.own_portfolio"), "students.own_portfolio"),
            (_("Veelgestelde vragen"), url_for("faq.index"), "faq.index"),
            (_("Uitloggen"), url_for("auth.logout"), "auth.logout"),
        ]
    items: list[tuple[str, str, str]] = []
    if may(Permission.VIEW_EXAM_DASHBOARD):
        items.append((_("Examendashboard"), url_for("examination.dashboard"), "examination.dashboard"))
    if current_user.role is not Role.STUDENT:
        items.append((_("Examenoverzicht"), url_for("examination.overview"), "examination.overview"))
    if current_user.role is Role.STUDENT:
        items.append((_("Mijn Portfolio"), url_for("students.own_portfolio"), "students.own_portfolio"))
    else:
        items.append((_("Portfolio's"), url_for("students.portfolios"), "students.portfolios"))
        items.append((_("Mijn Portfolio"), url_for("students.my_portfolio"), "students.my_portfolio"))
    items.append((_("Mijn berichten"), url_for("messages.inbox"), "messages.inbox"))
    if may(Permission.EDIT_CATALOGUE):
        items.append((_("Opleidingen"), url_for("catalogue.programmes"), "catalogue.programmes"))
    if may(Permission.MANAGE_ORGANISATIONS):
        items.append((_("Organisaties"), url_for("admin.organisations"), "admin.organisations"))
    if may(Permission.MANAGE_STAFF):
        items.append((_("Gebruikers"), url_for("admin.users"), "admin.users"))
    if may(Permission.VIEW_IMPERSONATION_LOG):
        items.append((_("Meekijksessies"), url_for("impersonation.sessions"), "impersonation.sessions"))
    if may(Permission.CORRECT_RESULTS):
        items.append((_("Correcties"), url_for("examination.audit"), "examination.audit"))
        items.append((_("Kalibratie"), url_for("examination.calibration"), "examination.calibration"))
    if any(may(p) for p in (Permission.EDIT_QUESTIONNAIRES, Permission.ANSWER_QUESTIONNAIRES,
                            Permission.VIEW_QUESTIONNAIRE_RESPONSES)):
        items.append((_("Vragenlijsten"), url_for("questionnaires.index"), "questionnaires.index"))
    items.append((_("Mijn agenda"), url_for("examination.calendar_settings"), "examination.calendar_settings"))
    items.append((_("Veelgestelde vragen"), url_for("faq.index"), "faq.index"))
    items.append((_("Mijn account"), url_for("account.index"), "account.index"))
    items.append((_("Uitloggen"), url_for("auth.logout"), "auth.logout"))
    return items


def role_label(role: Role) -> str:
    """The role's name in the UI language (the domain's Dutch labels are the msgids)."""
    labels = {
        Role.ADMIN: _("Beheerder"),
        Role.SUPERVISOR: _("Praktijkbegeleider"),
        Role.EXAMINER: _("Examinator"),
        Role.TRAINER: _("Praktijkopleider"),
        Role.STUDENT: _("Student"),
    }
    return labels.get(role, role.label)


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (None removes one): for sort and page links."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(_endpoint(), **values)


def _endpoint() -> str:
    # Only called while a matched request renders; a request without an endpoint has no page.
    if request.endpoint is None:
        abort(404)
    return request.endpoint


def icon_sprite() -> str:
    """The URL of the icon sprite, built once per request (a page may show hundreds of icons)."""
    url = g.get("icon_sprite")
    if url is None:
        url = g.icon_sprite = url_for("bootstrap.static", filename="icons/bootstrap-icons.svg")
    return url


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(AMSTERDAM).date()
    return value.strftime("%d-%m-%Y")


def page_args(default_size: int = 50, max_size: int = 200) -> tuple[int, int]:
    """(page, page size) from the query string, clamped to sane values."""
    try:
        page = min(1_000_000, max(1, int(request.args.get("page", 1))))
    except ValueError:
        page = 1
    try:
        size = min(max_size, max(1, int(request.args.get("per_page", default_size))))
    except ValueError:
        size = default_size
    return page, size


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for e-mail links (BASE_URL wins over the request's host)."""
    settings = current_app.config["MIJNPORTFOLIO_SETTINGS"]
    if settings.base_url:
        return settings.base_url.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def remembered_list_state(key: str):
    """Filters persist while navigating (product.md section 7): a list opened without query
    arguments gets back the filters, sort and page it had last in this session; ``?wissen=1``
    forgets them. Returns a redirect to follow, or None to render the list as asked."""
    from flask import redirect, session

    slot = f"list:{key}"
    if request.args.get("wissen"):
        session.pop(slot, None)
        return redirect(url_for(_endpoint(), **(request.view_args or {})))
    if request.args:
        session[slot] = request.query_string.decode("utf-8", "replace")[:1000]
        return None
    saved = session.get(slot)
    if saved:
        return redirect(f"{request.path}?{saved}")
    return None


@attrs.frozen
class Fragment:
    """A rendered part of a page, valid until ``valid_until`` (None: until the data changes)."""

    html: str
    valid_until: dt.datetime | None = None
    keep: bool = True  # False for what must not be reused (a refusal, a page not found)


def cached_fragment(name: str, render: Callable[[], Fragment]) -> Markup:
    """``render``'s fragment from the cache of rendered fragments, or rendered now and kept.

    The key holds the data version (so any write to what it shows makes it stale, in every
    worker and on every server), the actor (so also whom one looks along with), the language and
    the whole URL with its query; the fragment is taken as valid from now until its
    ``valid_until``. A fragment must hold nothing that belongs to one session, such as a CSRF token."""
    c = container()
    now = c.clock().now()
    along = look_along()
    key = (
        name, c.data_versions().examination(), actor(), along.student_id if along else None, str(get_locale()),
        request.full_path,
    )
    cache = c.fragment_cache()
    html = cache.get(key, now)
    if html is None:
        fragment = render()
        html = fragment.html
        if fragment.keep:
            cache.put(key, html, now=now, valid_until=fragment.valid_until)
    return Markup(html)
