"""Citizen routes: open the form from a QR token, submit, thank."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from survey import db
from survey.auth.access import requires
from survey.citizen import bp, counters, flow
from survey.citizen.counters import Counter, ServiceView
from survey.citizen.submission import Submission
from survey.security import csrf

csrf.exempt(bp)  # checked in flow.submit, so a stale token re-shows the answers instead of an error page


def _preset(counter: Counter, service_code: str | None) -> ServiceView | None:
    if service_code is None:
        return None
    service = counter.service(service_code)
    if service is None:
        abort(404)
    return service


def _refused(kind: str, token: str, kiosk_token: str | None = None):
    """Answer a submission whose counter changed since this worker's snapshot."""
    def refused(sub: Submission):
        counters.forget(kind, token)
        fresh = counters.lookup(db.session, kind, token)
        if fresh is None:
            abort(404)  # the QR was revoked (or the tablet unregistered) meanwhile
        if not fresh.accepting:
            return flow.closed()
        # The counter stopped offering the service: keep the answers, ask again.
        sub.errors["service"] = _("Thủ tục không có ở quầy này, vui lòng chọn lại.")
        preset = fresh.services[0] if len(fresh.services) == 1 else None
        return flow.show(fresh, preset, sub, kiosk_token, status=400)
    return refused


@bp.route("/s/<token>", methods=["GET", "POST"])
@bp.route("/s/<token>/<service_code>", methods=["GET", "POST"])
@requires("answer_survey")
@db.retried_if_disconnected
def form(token: str, service_code: str | None = None):
    """Show the questionnaire for a counter's QR, or take its submission."""
    counter = counters.lookup(db.session, "qr", token)
    if counter is None:
        abort(404)
    if not counter.accepting:
        return flow.closed()
    preset = _preset(counter, service_code)
    if preset is None and len(counter.services) == 1:
        preset = counter.services[0]
    if request.method == "POST":
        return flow.submit(counter, preset, "qr", flow.AtCounter("qr", token), _refused("qr", token))
    return flow.show(counter, preset)


@bp.route("/k/<kiosk_token>", methods=["GET", "POST"])
@requires("answer_survey")
@db.retried_if_disconnected
def kiosk(kiosk_token: str):
    """The same form on a registered counter tablet, recorded as channel 'kiosk'."""
    counter = counters.lookup(db.session, "kiosk", kiosk_token)
    if counter is None:
        abort(404)
    if not counter.accepting:
        return flow.closed()
    preset = counter.services[0] if len(counter.services) == 1 else None
    if request.method == "POST":
        return flow.submit(counter, preset, "kiosk", flow.AtCounter("kiosk", kiosk_token),
                           _refused("kiosk", kiosk_token, kiosk_token), kiosk_token)
    return flow.show(counter, preset, kiosk_token=kiosk_token)


@bp.get("/quyen-rieng-tu")
@requires("read_public_pages")
def privacy():
    """The full notice on data processing (Nghị định 13/2023/NĐ-CP)."""
    return render_template("citizen/privacy.html",
                           retention_months=current_app.config["SIPAS_RETENTION_MONTHS"])


@bp.get("/cam-on")
@requires("answer_survey")
def thanks():
    """Thank the citizen (after Post/Redirect/Get, so a reload sends nothing)."""
    return render_template("citizen/thanks.html", again_url=None)


@bp.get("/k/<kiosk_token>/cam-on")
@requires("answer_survey")
def kiosk_thanks(kiosk_token: str):
    """Thank, then return the tablet to a fresh form."""
    if counters.lookup(db.session, "kiosk", kiosk_token) is None:
        abort(404)
    return render_template("citizen/thanks.html", again_url=url_for("citizen.kiosk", kiosk_token=kiosk_token))
