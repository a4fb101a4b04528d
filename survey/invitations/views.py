"""Public routes: /m/<code> opens the form for the invitation's service; /m to type a code."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey import db, params
from survey.auth.access import requires
from survey.catalogue.queries import Target
from survey.citizen import flow
from survey.citizen.counters import Counter, ServiceView, UnitView
from survey.citizen.operations import already_stored
from survey.citizen.submission import KEY_RE
from survey.invitations import bp
from survey.invitations.codes import normalise
from survey.invitations.operations import claim
from survey.invitations.queries import find, refusal, refused_message
from survey.models import Plan
from survey.security import csrf


def _refused(reason: str | None):
    return render_template("citizen/invitation_refused.html", reason=reason), 410


@bp.route("/m", methods=["GET", "POST"])
@requires("answer_survey")
def enter():
    """A short form to type the code printed on the slip."""
    error = None
    if request.method == "POST":
        code = normalise(params.field("code") or "")
        if code is not None:
            return redirect(url_for("invitations.form", code=code), code=303)
        error = _("Mã gồm 8 ký tự (chữ và số), ví dụ ABCD-EFGH. Vui lòng nhập lại.")
    return render_template("citizen/invitation_enter.html", error=error), 400 if error else 200


@bp.route("/m/<code>", methods=["GET", "POST"])
@csrf.exempt  # checked inside the citizen submit, like the counter form
@requires("answer_survey")
@db.retried_if_disconnected
def form(code: str):
    """Open the form with the invitation's service preset; store with channel 'invitation'."""
    clean = normalise(code)
    if clean is None:
        abort(404)
    if clean != code:
        return redirect(url_for("invitations.form", code=clean), code=301)
    s = db.session()
    invitation = find(s, clean)
    reason = refusal(s, invitation)
    key = params.field("submission_key") or ""
    if reason and request.method == "POST" and KEY_RE.match(key) and already_stored(s, key):
        # A double tap or retry of the submission that used the code: it was stored.
        return redirect(url_for("citizen.thanks"), code=303)
    if reason or invitation is None:
        return _refused(reason)
    plan = s.get(Plan, invitation.plan_id)
    if plan is None:  # the plan was deleted with its codes (cascade) meanwhile
        abort(404)
    service = ServiceView(invitation.service.id, invitation.service.code, invitation.service.name,
                          invitation.service.name_en)
    # A stand-in for a counter: the invitation belongs to no service point,
    # and its plan's questionnaire applies, as on the counter form.
    point = Counter(id=None, name=_("Phiếu mời khảo sát"), unit=UnitView(plan.unit.id, plan.unit.name, plan.unit.name_en),
                    services=(service,), accepting=True,
                    questionnaire_key=(plan.questionnaire_code, plan.questionnaire_version),
                    questionnaire_id=None)
    if request.method == "POST":
        # The code is claimed in the storing transaction; the ids come from
        # the invitation row read in this request, never from a snapshot.
        target = Target(None, plan.unit_id, invitation.service_id)
        return flow.submit(
            point, service, "invitation",
            where=lambda sess, _service, key: target if claim(sess, clean, key) else None,
            refused=lambda sub: _refused(refused_message()),
        )
    return flow.show(point, service)
