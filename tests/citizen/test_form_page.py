"""The form as a citizen's phone receives it."""
from __future__ import annotations

import gzip
import re

from tests.citizen.helpers import Q


def test_qr_url_lands_on_the_first_question_in_vietnamese(client, demo):
    page = client.get(f"/s/{demo.points[0].token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Xã An Lão" in html and "Quầy 1" in html
    # Every criterion is a numbered fieldset with a legend, and every scale shows
    # all five points, each with its number and its label.
    for n, c in enumerate(Q.criteria, 1):
        block = re.search(rf'<fieldset id="f-{c.code}" class="c">(.*?)</fieldset>', html, re.S).group(1)
        assert f"<legend>{n}. {c.text.vi}</legend>" in block
        labels = re.findall(rf'<label><input[^>]* type="radio" name="{c.code}" value="(\d)"[^>]*>'
                            r'<b>(\d)</b><span>([^<]+)</span></label>', block)
        assert labels == [(str(p.value), str(p.value), p.label.vi) for p in Q.satisfaction_scale]
    # The service picker is the first question when the counter offers several.
    assert html.index('name="service"') < html.index('name="TC1"')


def test_english_switch_translates_the_questionnaire(client, demo):
    html = client.get(f"/s/{demo.points[0].token}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert Q.criteria[0].text.en in html
    assert "Very satisfied" in html
    assert Q.criteria[0].text.vi not in html
    # Interface text comes through the English catalogue, not only the questionnaire file.
    assert '<button type="submit">Send</button>' in html
    assert "This survey is anonymous" in html


def test_english_error_messages(client, demo):
    url = f"/s/{demo.points[0].token}"
    client.get(url + "?lang=en")  # the choice is remembered in the session
    page = client.post(url, data={"TC1": "9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "The form has not been sent" in html and "Invalid value, please choose again." in html


def test_form_is_self_contained_and_small(client, demo):
    page = client.get(f"/s/{demo.points[0].token}")
    html = page.get_data(as_text=True)
    # 14 KB on the wire is one round trip of a new connection (issue #15); the
    # page itself stays small enough for an old phone to parse at once.
    assert len(page.data) <= 36 * 1024
    assert len(gzip.compress(page.data, 6)) <= 14 * 1024
    # No external fonts, scripts, stylesheets or images: counters have poor internet.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "<script src" not in html
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_per_service_qr_presets_the_service(client, demo):
    point = demo.points[0]
    html = client.get(f"/s/{point.token}/{point.services[1]}").get_data(as_text=True)
    assert 'name="service"' not in html
    assert "Thủ tục" in html


def test_unknown_token_and_service_answer_friendly_404(client, demo):
    for url in ("/s/not-a-token", f"/s/{demo.points[0].token}/9.999999", "/s/" + "x" * 300):
        page = client.get(url)
        assert page.status_code == 404
        assert "Không tìm thấy trang" in page.get_data(as_text=True)
        assert "Traceback" not in page.get_data(as_text=True)


def test_privacy_notice_is_linked_from_the_form(client, demo):
    html = client.get(f"/s/{demo.points[0].token}").get_data(as_text=True)
    assert 'href="/quyen-rieng-tu"' in html
    notice = client.get("/quyen-rieng-tu").get_data(as_text=True)
    assert "Nghị định 13/2023/NĐ-CP" in notice and "không lưu địa chỉ IP" in notice
    assert "xóa sau 24 tháng" in notice
    english = client.get("/quyen-rieng-tu?lang=en").get_data(as_text=True)
    assert "No IP address or browser information is stored" in english


def test_cached_form_gets_fresh_secrets_and_follows_catalogue_changes(app, client, demo):
    from survey import db
    from survey.models import ServicePoint
    from tests.citizen.helpers import hidden_fields

    url = f"/s/{demo.points[0].token}"
    first, second = client.get(url), client.get(url)
    a, b = hidden_fields(first.get_data(as_text=True)), hidden_fields(second.get_data(as_text=True))
    assert a["submission_key"] != b["submission_key"]
    for page in (first, second):
        html = page.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
        assert f'<style nonce="{nonce}">' in html
        # No placeholder survives into the page.
        from survey.citizen import page_cache
        assert page_cache.CSRF not in html and page_cache.KEY not in html and page_cache.NONCE not in html
    # The CSRF token in a cached page is the session's real one: it is accepted.
    from tests.citizen.helpers import full_answers
    form = {**b, **full_answers(), "service": demo.points[0].services[0]}
    assert client.post(url, data=form).status_code == 303
    with app.app_context():
        s = db.session()
        s.get(ServicePoint, demo.points[0].id).name = "Quầy tiếp nhận mới"
        s.commit()
    assert "Quầy tiếp nhận mới" in client.get(url).get_data(as_text=True)
