"""QR codes point where phones reach: the LAN address, SIPAS_BASE_URL, and loud warnings otherwise."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from survey import create_app, lan
from survey.config import ConfigError, from_environment
from survey.links import is_loopback
from tests.staff.conftest import login, post_download, staff  # noqa: F401  (fixture)

LAN_IP = "192.168.1.20"


@pytest.fixture
def no_base_url(monkeypatch):
    monkeypatch.delenv("SIPAS_BASE_URL", raising=False)
    monkeypatch.delenv("SIPAS_ENV", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")


def test_development_uses_the_detected_lan_address(tmp_path, monkeypatch, no_base_url):
    monkeypatch.setattr(lan, "address", lambda: LAN_IP)
    settings = from_environment(tmp_path)
    assert (settings["SIPAS_BASE_URL"], settings["SIPAS_BASE_URL_ORIGIN"]) == (f"http://{LAN_IP}:5000", "lan")
    monkeypatch.setenv("PORT", "8080")
    assert from_environment(tmp_path)["SIPAS_BASE_URL"] == f"http://{LAN_IP}:8080"


def test_sipas_base_url_overrides_detection(tmp_path, monkeypatch, no_base_url):
    def fail():
        raise AssertionError("no detection when the address is set")

    monkeypatch.setattr(lan, "address", fail)
    monkeypatch.setenv("SIPAS_BASE_URL", "https://khaosat.example.gov.vn/")
    settings = from_environment(tmp_path)
    assert (settings["SIPAS_BASE_URL"], settings["SIPAS_BASE_URL_ORIGIN"]) == ("https://khaosat.example.gov.vn",
                                                                               "setting")


def test_without_a_network_it_falls_back_to_localhost(tmp_path, monkeypatch, no_base_url):
    def unreachable(self, address):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(lan.socket.socket, "connect", unreachable)
    assert lan.address() is None
    settings = from_environment(tmp_path)
    assert (settings["SIPAS_BASE_URL"], settings["SIPAS_BASE_URL_ORIGIN"]) == ("http://localhost:5000", "loopback")


@pytest.mark.skipif(shutil.which("ip") is None, reason="needs iproute2 to cross-check")
def test_detected_address_is_the_default_routes_source():
    # Independent check: the kernel's own answer for the same route.
    route = subprocess.run(["ip", "-4", "route", "get", "192.0.2.1"], capture_output=True, text=True, check=False)
    found = re.search(r"\bsrc (\S+)", route.stdout)
    expected = found.group(1) if route.returncode == 0 and found else None
    if expected is not None and is_loopback(f"http://{expected}/"):
        expected = None
    assert lan.address() == expected


def test_production_refuses_to_start_without_base_url(tmp_path, monkeypatch, no_base_url):
    monkeypatch.setenv("SIPAS_ENV", "production")
    with pytest.raises(ConfigError, match="SIPAS_BASE_URL is not set"):
        from_environment(tmp_path)
    with pytest.raises(ConfigError, match="SIPAS_BASE_URL is not set"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})
    monkeypatch.setenv("SIPAS_BASE_URL", "https://khaosat.example.gov.vn")
    assert from_environment(tmp_path)["SIPAS_BASE_URL"] == "https://khaosat.example.gov.vn"


@pytest.mark.parametrize("value", ["khaosat.example.gov.vn", "ftp://x.vn", "http://", "https://x.vn/?a=1"])
def test_a_malformed_base_url_is_refused(tmp_path, monkeypatch, no_base_url, value):
    monkeypatch.setenv("SIPAS_BASE_URL", value)
    with pytest.raises(ConfigError, match="SIPAS_BASE_URL must be the http"):
        from_environment(tmp_path)


def test_loopback_addresses():
    assert all(is_loopback(u) for u in ("http://localhost:5000", "http://127.0.0.1:5000/s/x", "http://[::1]:80",
                                        "http://app.localhost", "http://0.0.0.0:5000"))
    assert not any(is_loopback(u) for u in (f"http://{LAN_IP}:5000", "https://khaosat.example.gov.vn",
                                            "http://localhost.example.vn"))


def _seed_output(database_url, tmp_path, monkeypatch, **config) -> str:
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url, **config})
    try:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        return result.output
    finally:
        app.extensions["sipas.engine"].dispose()


def test_demo_seed_prints_lan_urls_and_says_which_address_it_chose(database_url, tmp_path, monkeypatch,
                                                                   no_base_url):
    monkeypatch.setattr(lan, "address", lambda: LAN_IP)
    out = _seed_output(database_url, tmp_path, monkeypatch)
    assert re.search(rf"^  http://{re.escape(LAN_IP)}:5000/s/[\w-]+$", out, re.M)
    assert "localhost" not in out
    assert f"Staff pages: http://{LAN_IP}:5000/staff/login" in out
    assert "this machine's address on the local network (detected)" in out
    chosen = _seed_output(database_url, tmp_path, monkeypatch, SIPAS_BASE_URL="https://khaosat.example.gov.vn")
    assert "Survey links use https://khaosat.example.gov.vn (from SIPAS_BASE_URL)." in chosen
    monkeypatch.setattr(lan, "address", lambda: None)
    alone = _seed_output(database_url, tmp_path, monkeypatch)
    assert "Survey links use http://localhost:5000: a loopback address, which phones cannot open." in alone


def _pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_posters_and_qr_downloads_warn_when_the_address_is_loopback(app, client, staff):
    login(client, "admin1")
    point = staff.demo.points[0].id
    warning = "CẢNH BÁO: mã QR trỏ tới localhost"
    assert warning not in _pdf_text(post_download(client, "/staff/posters/counters.pdf").data)
    assert "SIPAS_BASE_URL" not in client.get("/staff/posters/").get_data(as_text=True)
    plain_png = Image.open(io.BytesIO(client.get(f"/staff/posters/counter/{point}.png").data))
    assert plain_png.width == plain_png.height

    app.config["SIPAS_BASE_URL"] = "http://localhost:5000"
    for kind in ("counters", "services"):
        text = _pdf_text(post_download(client, f"/staff/posters/{kind}.pdf").data)
        assert text.count(warning) == text.count("KHẢO SÁT SỰ HÀI LÒNG") // (6 if kind == "services" else 1) > 0
    for page in ("/staff/posters/", f"/staff/admin/counters/{point}"):
        html = client.get(page).get_data(as_text=True)
        assert 'role="alert"' in html and "http://localhost:5000" in html and "SIPAS_BASE_URL" in html, page
    png = Image.open(io.BytesIO(client.get(f"/staff/posters/counter/{point}.png").data)).convert("RGB")
    assert png.height > png.width  # a caption band under the QR
    assert decode(png)[0].data.decode().startswith("http://localhost:5000/s/")  # still the same code
    band = png.crop((0, png.width, png.width, png.height))
    assert (164, 0, 29) in {c for _, c in band.getcolors(maxcolors=1 << 16)}  # the red warning text
    svg = client.get(f"/staff/posters/counter/{point}.svg").get_data(as_text=True)
    assert "CẢNH BÁO: mã này trỏ tới localhost," in svg and svg.startswith("<svg")


def test_cli_posters_warn_on_loopback(app, runner, demo, tmp_path):
    app.config["SIPAS_BASE_URL"] = "http://127.0.0.1:5000"
    result = runner.invoke(args=["posters", "--out", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0
    assert "Warning: Survey links use http://127.0.0.1:5000: a loopback address" in result.output


def test_root_page_says_what_this_is_and_links_to_the_staff_login(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Khảo sát sự hài lòng về sự phục vụ hành chính" in html
    assert 'href="/staff/login"' in html and "quét mã QR" in html
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/staff/login"' in english
