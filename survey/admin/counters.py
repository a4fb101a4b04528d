"""Counters of the administrator's units: services offered, QR token, kiosk tablet."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey import audit, db, params
from survey.admin import bp
from survey.admin.forms import id_list, visible_unit_from_form
from survey.auth.access import current_user, require_visible_unit, requires, visible_unit_ids, visible_units
from survey.auth.nav import nav_item
from survey.catalogue import operations as ops
from survey.catalogue import queries
from survey.forms_text import form_text
from survey.links import base_url, loopback_base_url, survey_url
from survey.models import Service, ServicePoint


def visible_point(point_id: int) -> ServicePoint:
    """Return the counter if the user's units include it; 404 otherwise (even if it exists)."""
    point = db.session().get(ServicePoint, point_id)
    require_visible_unit(point.unit_id if point else None)
    if point is None:  # require_visible_unit has answered 404 already; this tells the type checker
        abort(404)
    return point


@bp.get("/counters")
@nav_item(_l("Quầy"), order=75)
@requires("manage_counters")
def counters():
    """List the counters of the units the administrator sees."""
    points = queries.points_of_units(db.session(), visible_unit_ids(current_user))
    return render_template("admin/counters.html", points=points)


@bp.get("/counters/new")
@requires("manage_counters")
def counter_new():
    """Show an empty counter form."""
    return _form(None)


@bp.get("/counters/<int:point_id>")
@requires("manage_counters")
def counter_edit(point_id: int):
    """Show a counter: its services, QR address and kiosk tablet."""
    return _form(visible_point(point_id))


def _form(point: ServicePoint | None):
    s = db.session()
    return render_template(
        "admin/counter.html", point=point, units=visible_units(current_user), services=queries.offered_services(
            s, visible_unit_ids(current_user) | queries.lineage_ids(current_user.unit)),
        qr_url=survey_url(point) if point and point.token else None,
        kiosk_url=kiosk_url(point) if point and point.kiosk_token else None,
        loopback=loopback_base_url(), base_url=base_url(),
    )


@bp.post("/counters/new")
@bp.post("/counters/<int:point_id>")
@requires("manage_counters")
@db.commits
def counter_save(point_id: int | None = None):
    """Create or update a counter."""
    point = visible_point(point_id) if point_id is not None else None
    unit = visible_unit_from_form()
    name = form_text("name", ServicePoint.name, _("Tên quầy"))
    name_en = form_text("name_en", ServicePoint.name_en, _("Tên tiếng Anh"))
    if not name:
        flash(_("Cần nhập tên quầy."), "error")
        return redirect(request_url(point))
    s = db.session()
    # Only shared procedures and the counter's own unit's (or its city's): never another commune's.
    offered = queries.lineage_ids(unit)
    chosen = [v for v in s.scalars(select(Service).where(Service.id.in_(id_list("service_ids", _("Thủ tục")))))
              if v.unit_id is None or v.unit_id in offered]
    point = ops.save_service_point(s, point, unit, name, chosen, name_en)
    audit.record("counter_save", f"service_point:{point.id}",
                 f"{name}; services={','.join(v.code for v in chosen)}")
    flash(_("Đã lưu quầy %(name)s.", name=name), "ok")
    return redirect(url_for("admin.counter_edit", point_id=point.id))


def kiosk_url(point: ServicePoint) -> str:
    """Return the tablet's address; shown to administrators only, never printed."""
    return base_url() + url_for("citizen.kiosk", kiosk_token=point.kiosk_token)


def request_url(point: ServicePoint | None) -> str:
    return url_for("admin.counter_edit", point_id=point.id) if point else url_for("admin.counter_new")


TOKEN_ACTIONS = {
    "rotate": (ops.rotate_token, "token_rotate", _l("Đã đổi mã QR. Mã QR cũ đã in không còn dùng được.")),
    "revoke": (ops.revoke_token, "token_revoke", _l("Đã thu hồi mã QR của quầy.")),
    "kiosk": (ops.register_kiosk, "kiosk_register", _l("Đã đăng ký máy tính bảng cho quầy.")),
    "unkiosk": (ops.unregister_kiosk, "kiosk_unregister", _l("Đã hủy đăng ký máy tính bảng.")),
    "close": (ops.close_point, "counter_close", _l("Đã đóng quầy: mã QR và máy tính bảng của quầy không nhận phiếu nữa.")),
    "reopen": (ops.reopen_point, "counter_reopen", _l("Đã mở lại quầy: quầy nhận phiếu trở lại.")),
}

# What citizens lose, said on a confirmation page before the change is saved.
WARNINGS = {
    "rotate": _l("Mã QR đang in trên áp phích sẽ không mở được phiếu nữa ngay khi đổi; "
                 "người dân chỉ góp ý được sau khi dán áp phích mới."),
    "revoke": _l("Mã QR của quầy sẽ không mở được phiếu nữa ngay khi thu hồi, trên mọi máy chủ; "
                 "người dân quét mã sẽ thấy trang “không tìm thấy”."),
    "kiosk": _l("Máy tính bảng đang đăng ký sẽ ngừng nhận phiếu ngay; chỉ máy mở địa chỉ mới nhận phiếu."),
    "unkiosk": _l("Máy tính bảng của quầy sẽ ngừng nhận phiếu ngay khi hủy đăng ký."),
    "close": _l("Người dân quét mã QR hoặc dùng máy tính bảng của quầy sẽ thấy “quầy tạm ngừng nhận phiếu” "
                "và góp ý của họ không được ghi nhận, cho đến khi quầy được mở lại. "
                "Không cần đóng quầy khi kế hoạch kết thúc: phiếu ngoài thời gian kế hoạch vẫn được lưu."),
}


def _needs_confirmation(point: ServicePoint, action: str) -> bool:
    # The first tablet of a counter replaces nothing; every other listed change stops something citizens use.
    return action in WARNINGS and not (action == "kiosk" and point.kiosk_token is None)


@bp.post("/counters/<int:point_id>/<any(rotate, revoke, kiosk, unkiosk, close, reopen):action>")
@requires("manage_counters")
@db.commits
def counter_token(point_id: int, action: str):
    """Rotate or revoke the QR token, (un)register the kiosk tablet, close or reopen the counter.

    A change that stops what citizens use is first shown on a confirmation
    page saying so; only the form posted from there (confirm=1) saves it.
    """
    point = visible_point(point_id)
    if _needs_confirmation(point, action) and not params.flag(params.field("confirm"), _("Xác nhận")):
        return render_template("admin/counter_confirm.html", point=point, action=action, warning=WARNINGS[action])
    change, event, message = TOKEN_ACTIONS[action]
    change(point)
    audit.record(event, f"service_point:{point.id}", point.name)
    flash(str(message), "ok")
    return redirect(url_for("admin.counter_edit", point_id=point.id))
