"""Who may do what: one table of actions, each with the roles allowed to perform it.

Every route declares the one action it performs (``survey.auth.access.requires``);
its role rule is read from this table and from nowhere else, so a download
that hands over raw responses needs ``export_raw_responses`` wherever it is.
Unit scoping is separate and the same for every action: an account sees its
own unit and the units below it (``survey.auth.access.visible_unit_ids``).
docs/security.md prints this table; tests/staff/test_access_matrix.py checks
every route of the URL map against it, for every role and unit.
"""
from __future__ import annotations

ANONYMOUS = "anonymous"  # a visitor who is not logged in: citizens and the public
VIEWER, ANALYST, ADMIN = "viewer", "analyst", "admin"
ROLES = (VIEWER, ANALYST, ADMIN)

_ANYONE = frozenset({ANONYMOUS, *ROLES})
_STAFF = frozenset(ROLES)
_ANALYSTS = frozenset({ANALYST, ADMIN})
_ADMINS = frozenset({ADMIN})

# action -> roles allowed.  Raw responses and comments in bulk leave only
# through export_raw_responses; a viewer reads figures and the comments page.
TABLE: dict[str, frozenset[str]] = {
    "answer_survey": _ANYONE,          # the citizen form, kiosk and invitation pages
    "read_public_pages": _ANYONE,      # home, privacy notice, a unit's public results, static files
    "sign_in": _ANYONE,                # the login page
    "own_account": _STAFF,             # staff home, own password, logout
    "view_results": _STAFF,            # results dashboard and the flagged-response list
    "view_comments": _STAFF,           # the comments page (one page at a time, searchable)
    "tag_comments": _ANALYSTS,         # attach an element to a comment
    "view_plans": _STAFF,              # plan list and plan page
    "download_report": _STAFF,         # the plan's DOCX report (figures and a few quoted comments)
    "export_raw_responses": _ANALYSTS,  # every file holding the responses and comments row by row
    "export_figures": _ANALYSTS,       # files of figures only: the city comparison (XLSX, DOCX)
    "manage_plan": _ANALYSTS,          # create a plan, its frame, sample, invitations, report settings
    "download_call_list": _ANALYSTS,   # the sampled dossier numbers (who gets a slip)
    "print_invitations": _ANALYSTS,    # the PDF of unused invitation codes
    "key_paper": _ANALYSTS,            # key and reconcile paper forms
    "print_posters": _ANALYSTS,        # QR posters, service cards and QR images
    "manage_counters": _ADMINS,        # counters, QR tokens, kiosk tablets
    "manage_catalogue": _ADMINS,       # fields and procedures, by hand or imported
    "manage_units": _ADMINS,           # unit list import (a province or city administrator) and English names
    "manage_users": _ADMINS,           # accounts: create, role, disable, reset password
    "view_audit": _ADMINS,             # the audit log
}

# Routes Flask itself adds (no view of ours to decorate).
FRAMEWORK_ACTIONS = {"static": "read_public_pages"}


def roles_for(action: str) -> frozenset[str]:
    """Return the roles (``anonymous`` included when public) allowed ``action``."""
    try:
        return TABLE[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}: add it to survey.auth.policy.TABLE") from None


def may(role: str | None, action: str) -> bool:
    """Return whether a visitor of ``role`` (None: not logged in) may perform ``action``."""
    return (role or ANONYMOUS) in roles_for(action)


def is_public(action: str) -> bool:
    """Return whether ``action`` needs no login."""
    return ANONYMOUS in roles_for(action)


def action_of(view, endpoint: str | None = None) -> str | None:
    """Return the action a view function declared (None: it declared none)."""
    return getattr(view, "action", None) or FRAMEWORK_ACTIONS.get(endpoint or "")
