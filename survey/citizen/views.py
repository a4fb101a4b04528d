"""Citizen routes: open the form from a QR token, submit, thank."""
from __future__ import annotations

import uuid

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from survey import db
from survey.citizen import bp, counters, page_cache
from survey.citizen.counters import Counter, ServiceView
from survey.citizen.operations import record_response
from survey.citizen.submission import Submission, parse
from survey.i18n import select_locale
from survey.questionnaire.sync import ensure_row
from survey.security import csp_nonce, csrf

csrf.exempt(bp)  # checked in _submit, so a stale token re-shows the answers instead of an error page


def _closed():
    """The 'survey closed' page when the unit's plans are all outside their dates."""
    # 200 for a look at the poster; 410 tells a POST that nothing was stored.
    return render_template("citizen/closed.html"), 410 if request.method == "POST" else 200


def _preset(counter: Counter, service_code: str | None) -> ServiceView | None:
    if service_code is None:
        return None
    service = counter.service(service_code)
    if service is None:
        abort(404)
    return service


def _render(counter: Counter, preset: ServiceView | None, sub: Submission | None,
            kiosk_token: str | None = None, status: int = 200):
    q = counter.questionnaire
    context = dict(q=q, point=counter, preset=preset, services=counter.services,
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


def _submit(counter: Counter, preset: ServiceView | None, channel: str, kiosk_token: str | None = None,
            claim=None, refused=None):
    """Validate and store; `claim(session, key)` (invitations) must succeed before storing."""
    q = counter.questionnaire
    sub = parse(request.form, q, {v.code for v in counter.services}, preset.code if preset else None)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        sub.errors["_form"] = _("Phiên làm việc đã hết hạn. Các câu trả lời vẫn được giữ, vui lòng bấm Gửi lại.")
    if not sub.ok:
        return _render(counter, preset, sub, kiosk_token, status=400)
    thanks = url_for("citizen.kiosk_thanks", kiosk_token=kiosk_token) if kiosk_token else url_for("citizen.thanks")
    if sub.honeypot:
        # A bot filled the hidden field: look successful, store nothing.
        return redirect(thanks, code=303)
    s = db.session()
    if claim is not None and not claim(s, sub.submission_key):
        return refused()
    questionnaire_id = counter.questionnaire_id or ensure_row(s, q).id
    record_response(
        s,
        questionnaire_id=questionnaire_id,
        point_id=counter.id,
        unit_id=counter.unit_id,
        service_id=counter.service(sub.service_code).id,
        channel=channel,
        answers=sub.answers,
        comment=sub.comment,
        submission_key=sub.submission_key,
    )
    return redirect(thanks, code=303)


@bp.route("/s/<token>", methods=["GET", "POST"])
@bp.route("/s/<token>/<service_code>", methods=["GET", "POST"])
def form(token: str, service_code: str | None = None):
    """Show the questionnaire for a counter's QR, or take its submission."""
    counter = counters.lookup(db.session, "qr", token)
    if counter is None:
        abort(404)
    if not counter.accepting:
        return _closed()
    preset = _preset(counter, service_code)
    if preset is None and len(counter.services) == 1:
        preset = counter.services[0]
    if request.method == "POST":
        return _submit(counter, preset, "qr")
    return _render(counter, preset, None)


@bp.route("/k/<kiosk_token>", methods=["GET", "POST"])
def kiosk(kiosk_token: str):
    """The same form on a registered counter tablet, recorded as channel 'kiosk'."""
    counter = counters.lookup(db.session, "kiosk", kiosk_token)
    if counter is None:
        abort(404)
    if not counter.accepting:
        return _closed()
    preset = counter.services[0] if len(counter.services) == 1 else None
    if request.method == "POST":
        return _submit(counter, preset, "kiosk", kiosk_token)
    return _render(counter, preset, None, kiosk_token)


@bp.get("/quyen-rieng-tu")
def privacy():
    """The full notice on data processing (Nghị định 13/2023/NĐ-CP)."""
    return render_template("citizen/privacy.html",
                           retention_months=current_app.config["SIPAS_RETENTION_MONTHS"])


@bp.get("/cam-on")
def thanks():
    """Thank the citizen (after Post/Redirect/Get, so a reload sends nothing)."""
    return render_template("citizen/thanks.html", again_url=None)


@bp.get("/k/<kiosk_token>/cam-on")
def kiosk_thanks(kiosk_token: str):
    """Thank, then return the tablet to a fresh form."""
    if counters.lookup(db.session, "kiosk", kiosk_token) is None:
        abort(404)
    return render_template("citizen/thanks.html", again_url=url_for("citizen.kiosk", kiosk_token=kiosk_token))
