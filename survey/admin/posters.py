"""QR posters and images for printing: analysts and administrators of the counters' units."""
from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey import audit, db, params
from survey.admin import posters_bp as bp
from survey.admin.counters import visible_point
from survey.auth.access import current_user, requires, visible_unit_ids
from survey.auth.nav import nav_item
from survey.catalogue.queries import points_of_units
from survey.links import base_url, loopback_base_url, survey_url

KINDS = {"counters": ("counter_sheets", "counter_posters"), "services": ("service_sheets", "service_cards")}


def _point_id() -> int | None:
    return params.identifier(params.arg("point"), _("Quầy"))


def _points():
    point_id = _point_id()
    if point_id is not None:
        return [visible_point(point_id)]
    return points_of_units(db.session(), visible_unit_ids(current_user))


@bp.get("/")
@nav_item(_l("In mã QR"), order=40)
@requires("print_posters")
def index():
    """List the counters with links to their posters, cards and QR images."""
    return render_template("admin/posters.html", loopback=loopback_base_url(), base_url=base_url(),
                           points=points_of_units(db.session(), visible_unit_ids(current_user)))


@bp.post("/<any(counters, services):kind>.pdf")
@requires("print_posters")
@db.commits
def pdf(kind: str):
    """A4 posters (one per counter) or card sheets (one per service), for all or one counter."""
    # deferred: a worker that never prints need not hold the PDF, DOCX and image libraries
    from survey import posters

    points = _points()
    make_sheets, render = (getattr(posters, name) for name in KINDS[kind])
    sheets = make_sheets(points)
    if not sheets:
        abort(404)
    audit.record("posters_print", f"{kind}:{_point_id() or 'all'}", f"pages={len(sheets)}")
    return Response(render(sheets), mimetype="application/pdf", headers={
        # An attachment, not inline: the file comes from a POST, and a page drawn from a POST
        # would ask to resubmit on reload; the PDF opens for printing from the downloads.
        "Content-Disposition": f'attachment; filename="sipas-qr-{kind}.pdf"'})


@bp.get("/counter/<int:point_id>.<any(svg, png):fmt>")
@requires("print_posters")
def counter_qr(point_id: int, fmt: str):
    """The counter's QR as SVG or PNG, for posters made by hand."""
    point = visible_point(point_id)
    if point.token is None:
        abort(404)
    url = survey_url(point)
    # A QR only the server can open is labelled so on the image itself.
    # deferred: a worker that never prints need not hold the PDF, DOCX and image libraries
    from survey import qr

    warning = qr.LOOPBACK_WARNING if loopback_base_url() else ()
    body, mimetype = ((qr.svg(url, warning=warning), "image/svg+xml") if fmt == "svg"
                      else (qr.png(url, warning=warning), "image/png"))
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="qr-quay-{point.id}.{fmt}"'})
