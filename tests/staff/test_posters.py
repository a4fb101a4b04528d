"""QR posters: render the PDF, rasterise it, decode the QR with zbar, follow it to the form."""
from __future__ import annotations

from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
from pyzbar import pyzbar
from sqlalchemy import select

from survey import db
from survey.models import Service
from tests.staff.conftest import login, post_download


def _decode_pages(pdf: bytes) -> list[list[str]]:
    """Return, per page, the QR payloads zbar reads from a 150 dpi rendering."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            sorted(s.data.decode() for s in pyzbar.decode(page.render(scale=150 / 72).to_pil())
                   if s.type == "QRCODE")
            for page in document
        ]
    finally:
        document.close()


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _open_form(client, url: str):
    parts = urlsplit(url)
    assert parts.netloc == "sipas.test"  # SIPAS_BASE_URL in the test config
    page = client.get(parts.path)
    assert page.status_code == 200
    assert 'name="submission_key"' in page.get_data(as_text=True)  # the questionnaire itself
    return page


def test_counter_posters_decode_to_the_form(client, staff):
    login(client, "analyst1")  # the Culture–Society analyst prints posters
    response = post_download(client, "/staff/posters/counters.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _decode_pages(response.data)
    demo_points = staff.demo.points
    assert len(pages) == len(demo_points)  # one A4 poster per counter, other communes' excluded
    assert all(len(codes) == 1 for codes in pages)
    expected = {f"http://sipas.test/s/{p.token}" for p in demo_points}
    assert {codes[0] for codes in pages} == expected
    text = _text(response.data)
    assert "KHẢO SÁT SỰ HÀI LÒNG" in text and "quét mã QR" in text
    for codes in pages:
        assert codes[0] in text.replace("\r", "").replace("\n", "")  # the URL written out
        _open_form(client, codes[0])


def test_service_cards_decode_to_the_preset_service(app, client, staff):
    login(client, "admin1")
    point = staff.demo.points[0]
    with app.app_context():
        names = dict(db.session().execute(select(Service.code, Service.name)).all())
    response = post_download(client, f"/staff/posters/services.pdf?point={point.id}")
    assert response.status_code == 200
    pages = _decode_pages(response.data)
    assert len(pages) == len(point.services)  # one sheet per service
    assert {codes[0] for codes in pages} == {
        f"http://sipas.test/s/{point.token}/{code}" for code in point.services}
    for codes in pages:
        assert len(codes) == 6 and len(set(codes)) == 1  # six identical cards per sheet
        page = _open_form(client, codes[0])
        assert f"Thủ tục: <strong>{names[codes[0].rsplit('/', 1)[1]]}</strong>" in page.get_data(as_text=True)


def test_qr_images_and_other_commune_hidden(app, client, staff):
    viewer = app.test_client()
    login(viewer, "viewer1")
    assert viewer.get(f"/staff/posters/counter/{staff.demo.points[0].id}.png").status_code == 403
    login(client, "analyst1")
    png = client.get(f"/staff/posters/counter/{staff.demo.points[0].id}.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    decoded = pyzbar.decode(Image.open(BytesIO(png.data)))
    assert decoded[0].data.decode() == f"http://sipas.test/s/{staff.demo.points[0].token}"
    svg = client.get(f"/staff/posters/counter/{staff.demo.points[0].id}.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    assert client.get(f"/staff/posters/counter/{staff.other_point_id}.svg").status_code == 404
    assert post_download(client, f"/staff/posters/counters.pdf?point={staff.other_point_id}").status_code == 404


@pytest.mark.parametrize("kind", ["counters", "services"])
def test_posters_command(runner, staff, tmp_path, kind):
    out = tmp_path / "posters.pdf"
    result = runner.invoke(args=["posters", "--out", str(out), "--kind", kind, "--unit", staff.demo.unit_code])
    assert result.exit_code == 0, result.output
    pages = _decode_pages(out.read_bytes())
    tokens = {p.token for p in staff.demo.points}
    assert pages and all(codes and urlsplit(codes[0]).path.split("/")[2] in tokens for codes in pages)
