"""Nothing is left out without saying so: flagged responses are counted, explained and reviewable."""
from __future__ import annotations

import re

import pytest

from tests.staff.conftest import login, make_user

YEAR = "/staff/results/?ky=year&nam=2024"


@pytest.fixture
def viewer(app, demo, client):
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    return client


def _links(html):
    note = re.search(r'<p class="card" id="flagged-note">(.*?)</p>', html, re.S)
    assert note, "no note on flagged responses"
    return note.group(1), [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', note.group(1))]


def test_results_say_how_many_flagged_were_left_out_and_link_to_them(viewer, raw):
    flagged = raw[raw.flagged]
    assert len(flagged) == 5  # seed: every 17th response
    html = viewer.get(YEAR).get_data(as_text=True)
    text, (review, include) = _links(html)
    assert f"{len(flagged)} phiếu bị gắn cờ nghi vấn không được tính" in text
    assert f'id="n-responses">{len(raw) - len(flagged)}<' in html
    listing = viewer.get(review).get_data(as_text=True)
    assert f'id="n-flagged">{len(flagged)}<' in listing
    ids = {int(i) for i in re.findall(r'<tr><td class="n">(\d+)</td>', listing)}
    assert ids == set(flagged.id)
    included = viewer.get(include).get_data(as_text=True)
    assert f'id="n-responses">{len(raw)}<' in included
    text, _ = _links(included)
    assert f"tính cả {len(flagged)} phiếu bị gắn cờ" in text


def test_the_flagged_list_shows_each_stored_reason(app, viewer, raw):
    from survey import db
    from survey.models import Response

    first = int(raw[raw.flagged].id.iloc[0])
    with app.app_context():
        db.session().get(Response, first).flag_reason = "Trùng hoàn toàn với phiếu #1"
        db.session().commit()
    listing = viewer.get("/staff/results/flagged?ky=year&nam=2024").get_data(as_text=True)
    assert re.search(rf'<td class="n">{first}</td>.*?Trùng hoàn toàn với phiếu #1</td>', listing, re.S)


def test_no_note_when_nothing_is_flagged(viewer, app, raw):
    from sqlalchemy import update

    from survey import db
    from survey.models import Response

    with app.app_context():
        db.session().execute(update(Response).values(flagged=False))
        db.session().commit()
    html = viewer.get(YEAR).get_data(as_text=True)
    assert 'id="flagged-note"' not in html


@pytest.mark.parametrize(("index", "ci", "words"), [
    ("top2box", "wilson", ("top2box", "4 (Hài lòng) hoặc 5 (Rất hài lòng)", "95%: Wilson")),
    ("mean_pct", "exact", ("mean_pct", "(điểm trung bình − 1) ÷ 4 × 100", "95%: Clopper–Pearson")),
])
def test_results_state_the_index_and_interval_methods(app, viewer, raw, index, ci, words):
    app.config.update(SIPAS_INDEX_METHOD=index, SIPAS_CI_METHOD=ci)
    html = viewer.get(YEAR).get_data(as_text=True)
    method = re.search(r'<section class="card" id="method">(.*?)</section>', html, re.S).group(1)
    for word in words:
        assert word in method


# As every version before gettext stored it (survey/integrity.py), and as it is stored now.
OLD_REASON = "Trùng hoàn toàn với phiếu #12 gửi trước 5 giây tại cùng quầy (3 phiếu giống hệt trong 120 giây)"


def test_a_flag_reason_is_stored_in_vietnamese_and_shown_in_the_reader_language(app, viewer, raw):
    from flask_babel import force_locale

    from survey import db
    from survey.integrity import reason_text, twin_reason
    from survey.models import Response

    with app.test_request_context("/?lang=en"):
        assert reason_text(OLD_REASON) == ("Identical to response #12 sent 5 seconds earlier at the same counter "
                                           "(3 identical responses within 120 seconds)")
        assert reason_text("Lý do do một công cụ khác ghi") == "Lý do do một công cụ khác ghi"  # shown as stored
        with force_locale("vi"):
            assert twin_reason(12, 5, 3, 120) == OLD_REASON  # what is stored, whatever the citizen's language
    first = int(raw[raw.flagged].id.iloc[0])
    with app.app_context():
        db.session().get(Response, first).flag_reason = OLD_REASON
        db.session().commit()
    listing = viewer.get("/staff/results/flagged?ky=year&nam=2024&lang=en").get_data(as_text=True)
    assert "Identical to response #12 sent 5 seconds earlier at the same counter" in listing
    listing = viewer.get("/staff/results/flagged?ky=year&nam=2024&lang=vi").get_data(as_text=True)
    assert OLD_REASON in listing
