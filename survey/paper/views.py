"""The keyboard-only entry screen and the list of forms whose two keyings differ."""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey import db
from survey.auth.access import current_user, requires
from survey.models import PaperForm, Plan
from survey.paper import bp, keying
from survey.paper.operations import KeyingError, conflicts, key_in, resolve
from survey.plans.lookup import plan_or_404
from survey.plans.queries import definition


def _services(plan: Plan) -> list:
    return sorted((ps.service for ps in plan.services), key=lambda v: v.code)


@bp.route("/", methods=["GET", "POST"])
@requires("key_paper")
@db.commits
def entry(plan_id: int):
    """Key one paper form; the second keying by another clerk counts it (or flags a conflict)."""
    plan = plan_or_404(plan_id)
    q, services = definition(plan), _services(plan)
    k = keying.Keying()
    if request.method == "POST":
        k = keying.parse(request.form, q, [v.code for v in services])
        if not k.errors:
            try:
                form = key_in(db.session(), plan, k.number, current_user.id, k.payload())
                messages = {
                    "pending": _("Đã lưu lần nhập 1 của phiếu %(number)s; cần người thứ hai nhập lại.", number=k.number),
                    "counted": _("Phiếu %(number)s khớp hai lần nhập và đã được tính.", number=k.number),
                    "conflict": _("Phiếu %(number)s có chênh lệch giữa hai lần nhập; cần đối chiếu.", number=k.number),
                }
                flash(messages[form.status], "error" if form.status == "conflict" else "ok")
                return redirect(url_for("paper.entry", plan_id=plan_id), code=303)
            except KeyingError as exc:
                db.session().rollback()
                k.errors["number"] = str(exc)
    return render_template("paper/entry.html", plan=plan, q=q, items=keying.items(q), services=services,
                           widths=keying.widths(q, len(services)), k=k, resolving=None), 400 if k.errors else 200


@bp.route("/conflicts", methods=["GET", "POST"])
@requires("key_paper")
@db.commits
def conflicts_page(plan_id: int):
    """Show each conflicting form's differences; re-keying it here, from the paper, counts it."""
    plan = plan_or_404(plan_id)
    s = db.session()
    if request.method == "POST":
        q = definition(plan)
        k = keying.parse(request.form, q, [v.code for v in _services(plan)])
        form = None if k.errors else s.query(PaperForm).filter_by(plan_id=plan.id, number=k.number).one_or_none()
        if form is None or k.errors:
            flash(_("Phiếu đối chiếu chưa hợp lệ: %(fields)s", fields=", ".join(sorted(k.errors))), "error")
        else:
            try:
                resolve(s, plan, form, k.payload())
                flash(_("Phiếu %(number)s đã được đối chiếu và tính.", number=k.number), "ok")
            except KeyingError as exc:
                flash(str(exc), "error")
        return redirect(url_for("paper.conflicts_page", plan_id=plan_id), code=303)
    services = _services(plan)
    codes = [v.code for v in services]
    q = definition(plan)
    return render_template("paper/conflicts.html", plan=plan, rows=conflicts(s, plan), parse=json.loads,
                           items=keying.items(q), services=services, widths=keying.widths(q, len(services)),
                           services_index=lambda code: codes.index(code) + 1 if code in codes else "")
