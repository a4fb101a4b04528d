"""Every page with a figure states the rules it was computed with, in the exports' words (issue 13.7).

The words are survey.results.method_text's; a page that drops a rule, or
states another value than the one in force, fails here.
"""
from __future__ import annotations

import html as html_lib
import io
import re
from datetime import date

import openpyxl
import pytest
from docx import Document
from flask_babel import force_locale

from survey.results.method_text import LABELS, RULES
from tests.report.helpers import plan_with, respond
from tests.results.seed import seed
from tests.staff.conftest import login, make_user, post_download

YEAR = "/staff/results/?ky=year&nam=2024"
POPULATION = ("sipas-population", "2024.1")
SETTINGS = {"aggregation": "SIPAS_AGGREGATION", "lonely": "SIPAS_LONELY_STRATA", "dof": "SIPAS_CI_DF",
            "per_service": "SIPAS_PER_SERVICE_SAMPLE"}
# one combination per aggregation value, the other rules varied beside it
CASES = [{"aggregation": "pooled", "lonely": "adjust", "dof": "degf", "per_service": "own"},
         {"aggregation": "mean_of_services", "lonely": "certainty", "dof": "inf", "per_service": "domain"},
         {"aggregation": "mean_of_units", "lonely": "average", "dof": "degf", "per_service": "own"}]


@pytest.fixture
def viewer(app, demo, client):
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    return client


def _method_section(page: str) -> str:
    found = re.search(r'<section[^>]*id="method"[^>]*>(.*?)</section>', page, re.S)
    assert found, "the page has no method section"
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def _words(app, setting: str, code: str, lang: str = "vi") -> str:
    with app.test_request_context(), force_locale(lang):
        rule = RULES[setting][code]
        return f"{LABELS[setting]}: {rule.text()}"


def _check_states(app, text: str, case: dict, lang: str = "vi") -> None:
    for setting, code in case.items():
        assert _words(app, setting, code, lang) in text, (setting, code)
        for other in set(RULES[setting]) - {code}:
            assert _rule_text(app, setting, other, lang) not in text, (setting, other)


def _rule_text(app, setting, code, lang):
    with app.test_request_context(), force_locale(lang):
        return RULES[setting][code].text()


def _configure(app, case):
    app.config.update({SETTINGS[k]: v for k, v in case.items()})


@pytest.mark.parametrize("case", CASES, ids=[c["aggregation"] for c in CASES])
def test_results_page_states_the_rules_in_force(app, viewer, raw, case):
    _configure(app, case)
    _check_states(app, _method_section(viewer.get(YEAR).get_data(as_text=True)), case)


@pytest.mark.parametrize("case", CASES, ids=[c["aggregation"] for c in CASES])
def test_public_page_states_the_rules_in_force(app, client, demo, raw, case):
    _configure(app, case)
    page = client.get(f"/cong-khai/{demo.unit_code}?nam=2024").get_data(as_text=True)
    _check_states(app, _method_section(page), case)


@pytest.mark.parametrize("case", CASES, ids=[c["aggregation"] for c in CASES])
def test_plan_page_states_the_rules_in_force(app, viewer, demo, case):
    _configure(app, case)
    plan_id = plan_with(app, demo, "Kế hoạch 2025", date(2025, 7, 1), date(2025, 12, 31), ["1.001193", "1.000894"])
    respond(app, demo, "1.001193", date(2025, 9, 10), 20, 5)
    respond(app, demo, "1.000894", date(2025, 9, 11), 8, 4)
    _check_states(app, _method_section(viewer.get(f"/staff/plans/{plan_id}").get_data(as_text=True)), case)


def test_rules_follow_the_reader_language(app, viewer, raw):
    case = CASES[1]
    _configure(app, case)
    text = _method_section(viewer.get(YEAR + "&lang=en").get_data(as_text=True))
    _check_states(app, text, case, "en")
    assert "mean of the procedures" in text  # the English translation, not the Vietnamese words


def test_method_sheet_uses_the_same_words(app, runner, demo, raw, tmp_path):
    case = CASES[2]
    _configure(app, case)
    out = tmp_path / "chiso.xlsx"
    result = runner.invoke(args=["export", "indices", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out, read_only=True)["Phương pháp"]
    rows = {str(r[0]): str(r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    for setting, code in case.items():
        label, words = _words(app, setting, code).split(": ", 1)
        assert rows[label] == f"{code} – {words}"


def _service_header(page: str) -> str:
    return re.search(r'<table id="services">\s*<thead><tr><th>[^<]*</th><th>n</th><th>([^<]+)</th>', page).group(1)


def test_overall_label_follows_the_questionnaire(app, viewer, client, demo, raw):
    """SIPAS-DV for the exit survey; plain SIPAS only for the form that measures both groups."""
    seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 31), ("2.000815", 9)])
    exit_page = viewer.get(YEAR).get_data(as_text=True)
    both_page = viewer.get(YEAR + "&bang_hoi=sipas-population:2024.1").get_data(as_text=True)
    assert _service_header(exit_page) == "SIPAS-DV" and _service_header(both_page) == "SIPAS"
    assert "Chỉ số chung (SIPAS-DV) và các yếu tố" in exit_page
    assert "Chỉ số chung (SIPAS) và các yếu tố" in both_page
    public = client.get(f"/cong-khai/{demo.unit_code}?nam=2024").get_data(as_text=True)
    assert "<h1>Chỉ số hài lòng về cung ứng dịch vụ hành chính công (SIPAS-DV)</h1>" in public
    public_both = client.get(f"/cong-khai/{demo.unit_code}?nam=2024&bang_hoi=sipas-population:2024.1")
    assert "<h1>Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)</h1>" in public_both.get_data(as_text=True)


@pytest.mark.parametrize("case", CASES, ids=[c["aggregation"] for c in CASES])
def test_report_explains_the_rules(app, viewer, demo, case):
    _configure(app, case)
    plan_id = plan_with(app, demo, "Kế hoạch 2025", date(2025, 7, 1), date(2025, 12, 31), ["1.001193", "1.000894"])
    respond(app, demo, "1.001193", date(2025, 9, 10), 20, 5)
    respond(app, demo, "1.000894", date(2025, 9, 11), 8, 4)
    # an English-speaking reader downloads it: still a Vietnamese document
    viewer.get("/staff/?lang=en")
    doc = Document(io.BytesIO(post_download(viewer, f"/staff/plans/{plan_id}/report.docx").data))
    paragraphs = [p.text for p in doc.paragraphs]
    start = paragraphs.index("II. PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT")
    end = next(k for k, p in enumerate(paragraphs) if p.startswith("III."))
    method = "\n".join(paragraphs[start:end])
    for setting, code in case.items():
        rule = _rule_text(app, setting, code, "vi")
        name, meaning = rule[:-1].split(" (", 1)
        assert name in method and meaning in method, (setting, code)
    agg_name = _rule_text(app, "aggregation", case["aggregation"], "vi").split(" (")[0]
    assert f"được tính theo cách {agg_name}:" in method
    # two procedures, each its own stratum with more than one response: no lonely stratum
    assert "không có tầng nào chỉ có một phiếu" in method
    assert "SIPAS-DV" in method and "(SIPAS)" not in method


CITY = "/staff/results/city?ky=year&nam=2024"


@pytest.fixture
def city_analyst(app, demo, client):
    from tests.results.city_seed import seed_cities

    seed_cities(app, demo)
    make_user(app, "soNoiVu", "analyst", demo.city_id)
    login(client, "soNoiVu")
    return client


@pytest.mark.parametrize("case", CASES[1:], ids=[c["aggregation"] for c in CASES[1:]])
def test_city_page_and_files_state_the_rules(app, city_analyst, case):
    _configure(app, case)
    page = city_analyst.get(CITY).get_data(as_text=True)
    _check_states(app, _method_section(page), case)
    assert re.search(r'sap_xep=SIPAS[^"]*">SIPAS-DV</a>', page)
    book = openpyxl.load_workbook(io.BytesIO(post_download(city_analyst, CITY.replace("/city?", "/city.xlsx?")).data))
    rows = {str(r[0]): str(r[1]) for r in book["Phương pháp"].iter_rows(min_row=2, values_only=True)}
    doc = Document(io.BytesIO(post_download(city_analyst, CITY.replace("/city?", "/city.docx?")).data))
    text = "\n".join(p.text for p in doc.paragraphs)
    for setting, code in case.items():
        label, words = _words(app, setting, code).split(": ", 1)
        assert rows[label] == f"{code} – {words}"
        name, meaning = words[:-1].split(" (", 1)
        assert name in text and meaning in text, (setting, code)
    assert case["aggregation"] not in text  # the rule's words, not its code


@pytest.mark.parametrize("case", CASES[:2], ids=[c["aggregation"] for c in CASES[:2]])
def test_public_city_page_states_the_rules(app, client, demo, case):
    from survey import db
    from survey.models import Unit
    from tests.results.city_seed import seed_cities

    seed_cities(app, demo)
    _configure(app, case)
    with app.app_context():
        code = db.session().get(Unit, demo.city_id).code
    page = client.get(f"/cong-khai/{code}/cac-don-vi?nam=2024").get_data(as_text=True)
    _check_states(app, _method_section(page), case)
    assert "<th>n</th><th>SIPAS-DV</th>" in page
