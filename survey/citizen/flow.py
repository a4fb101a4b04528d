"""The citizen form as one flow: show it, take a submission, say it is closed.

Every way in (a counter's QR, a counter tablet, an invitation code) opens
the same form through these functions. The entry point passes `confirm`,
which reads from the database, when the submission arrives, where it is
stored: a counter's snapshot may be seconds old (survey/citizen/counters.py),
so it shows pages but never decides what is written.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import NamedTuple

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy.orm import Session
from wtforms.validators import ValidationError

from survey import db
from survey.catalogue.queries import Target, live_target
from survey.citizen import layout, page_cache, resend
from survey.citizen.counters import Counter, ServiceView
from survey.citizen.operations import record_at_counter, record_response, replace_response
from survey.citizen.submission import Submission, parse
from survey.i18n import select_locale
from survey.questionnaire.sync import ensure_row
from survey.security import csp_nonce

# (session, service code, submission key) -> where to store, or None to refuse
Confirm = Callable[[Session, str, str], Target | None]


class AtCounter(NamedTuple):
    """A submission to a counter's token ("qr" poster or "kiosk" tablet), checked as it is stored."""

    kind: str
    token: str

    def confirm(self, s: Session, service_code: str, _key: str) -> Target | None:
        return live_target(s, self.kind, self.token, service_code)


def closed():
    """The page of a counter an administrator closed: 200 for a look, 410 tells a POST nothing was stored."""
    return render_template("citizen/closed.html"), 410 if request.method == "POST" else 200


def show(counter: Counter, preset: ServiceView | None, sub: Submission | None = None,
         kiosk_token: str | None = None, status: int = 200):
    """Render the form: blank from the page cache, or with the citizen's answers and errors."""
    q = counter.questionnaire
    context = dict(q=q, point=counter, preset=preset, services=counter.services, parts=layout.parts(q),
                   kiosk_token=kiosk_token,
                   kiosk_idle=current_app.config["SIPAS_KIOSK_IDLE_SECONDS"])
    if sub is not None:  # a form with the citizen's answers and errors: never cached
        key = sub.submission_key or uuid.uuid4().hex
        return render_template("citizen/form.html", sub=sub, submission_key=key, **context), status
    # The snapshot holds everything else the page shows (names, services).
    cache_key = (counter, preset.code if preset else None, kiosk_token, select_locale())
    blank = page_cache.blank_page(cache_key, lambda: render_template(
        "citizen/form.html", sub=Submission(), submission_key=page_cache.KEY,
        csrf_token=lambda: page_cache.CSRF, csp_nonce=lambda: page_cache.NONCE, **context))
    secrets = (generate_csrf(), uuid.uuid4().hex, csp_nonce())
    if request.accept_encodings.quality("gzip") > 0:  # every phone browser
        response = current_app.response_class(page_cache.fill_gzip(blank, *secrets), status,
                                               mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = make_response(page_cache.fill(blank, *secrets), status)
    response.vary.add("Accept-Encoding")
    return response


def submit(counter: Counter, preset: ServiceView | None, channel: str, where: AtCounter | Confirm,
           refused: Callable[[Submission], object], kiosk_token: str | None = None):
    """Validate the posted form against `counter`, then store it where `where` says.

    `where` is a counter's token (AtCounter): the database checks it and the
    service as it stores; or a `confirm(session, service code, submission key)`
    that runs in the storing transaction and returns the target (counter,
    unit, service ids read from the database). If the check or `confirm`
    refuses, nothing is stored and `refused(submission)` answers.
    """
    q = counter.questionnaire
    sub = parse(request.form, q, {v.code for v in counter.services}, preset.code if preset else None)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        sub.errors["_form"] = _("Phiên làm việc đã hết hạn. Các câu trả lời vẫn được giữ, vui lòng bấm Gửi lại.")
    if request.form.get("lang"):  # the language switch: the same answers, the other language
        sub.errors.clear()
        return show(counter, preset, sub, kiosk_token)
    key, service_code = sub.submission_key, sub.service_code
    if not sub.ok or key is None or service_code is None:  # a valid form has both
        return show(counter, preset, sub, kiosk_token, status=400)
    thanks = url_for("citizen.kiosk_thanks", kiosk_token=kiosk_token) if kiosk_token else url_for("citizen.thanks")
    if sub.honeypot:
        # A bot filled the hidden field: look successful, store nothing.
        return redirect(thanks, code=303)
    return _store(counter, sub, key, service_code, channel, where, refused, thanks)


def _store(counter: Counter, sub: Submission, key: str, service_code: str, channel: str,
           where: AtCounter | Confirm, refused: Callable[[Submission], object], thanks: str):
    """Store a valid submission in one transaction, or refuse it; the answer to send."""
    s = db.session()
    qid, items = counter.questionnaire_id, counter.questionnaire_items
    service = counter.service(service_code)
    if (isinstance(where, AtCounter) and qid is not None and service is not None
            and resend.earlier(counter.id, channel) is None):
        # The common case in one INSERT that checks the counter and the
        # service itself. A refusal may only mean the snapshot's service id
        # is stale (the procedure re-created under its code): the look-up
        # below by code decides, so the answer is the one it always was.
        stored = record_at_counter(s, where.kind, where.token, questionnaire_id=qid, items=items,
                                   service_id=service.id, channel=channel, answers=sub.answers,
                                   comment=sub.comment, submission_key=key)
        if stored is not None:
            resend.remember(stored.point_id, stored.response_id, channel)
            return redirect(thanks, code=303)
        s.rollback()
    confirm = where.confirm if isinstance(where, AtCounter) else where
    target = confirm(s, service_code, key)
    if target is None:
        s.rollback()
        return refused(sub)
    previous = resend.earlier(target.point_id, channel)
    if previous is not None and target.point_id is not None and replace_response(
            s, previous, point_id=target.point_id, service_id=target.service_id,
            answers=sub.answers, comment=sub.comment):
        return redirect(thanks, code=303)
    if qid is None:  # the first response to this questionnaire version creates its row
        row = ensure_row(s, counter.questionnaire)
        qid, items = row.id, tuple(row.items)
    response_id = record_response(
        s,
        questionnaire_id=qid,
        items=items,
        point_id=target.point_id,
        unit_id=target.unit_id,
        service_id=target.service_id,
        channel=channel,
        answers=sub.answers,
        comment=sub.comment,
        submission_key=key,
    )
    resend.remember(target.point_id, response_id, channel)
    return redirect(thanks, code=303)
