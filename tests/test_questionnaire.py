"""Questionnaire files: the shipped one is complete; broken ones are refused clearly."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from survey.questionnaire import QuestionnaireError, load_file, shipped
from survey.questionnaire.loader import SHIPPED_DIR

SERVICE_FILE = SHIPPED_DIR / "sipas-dv-2024.toml"


def test_service_delivery_questionnaire_has_the_method_structure():
    q = load_file(SERVICE_FILE)
    assert [e.code for e in q.elements] == ["TC", "TT", "CC", "KQ", "PA"]
    assert [c.code for c in q.criteria] == [
        "TC1", "TC2", "TC3", "TT1", "TT2", "TT3", "TT4", "CC1", "CC2", "CC3",
        "KQ1", "KQ2", "KQ3", "PA1", "PA2", "PA3",
    ]
    assert [m.code for m in q.expectations] == [f"MM{i}" for i in range(1, 11)]
    assert [o.label.vi for o in q.satisfaction_scale] == [
        "Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
    assert [o.label.vi for o in q.expectation_scale] == [
        "Không mong muốn", "Khá mong muốn", "Mong muốn", "Rất mong muốn"]
    assert {c.section for c in q.choices} == {"perception", "channel", "respondent"}
    assert len(q.checksum) == 64
    # Every wording exists in both languages.
    for c in q.criteria:
        assert c.text.vi and c.text.en and c.text.vi != c.text.en


def test_every_shipped_file_loads():
    assert ("sipas-dv", "2024.1") in shipped()


def _write(tmp_path: Path, mutate) -> Path:
    data = tomllib.loads(SERVICE_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken.toml"
    path.write_text(_dump(data), encoding="utf-8")
    return path


def _dump(value, key=None) -> str:
    """A minimal TOML writer for the test (inline tables only)."""
    def lit(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(lit(x) for x in v) + "]"
        return "{" + ", ".join(f"{k} = {lit(x)}" for k, x in v.items()) + "}"
    return "\n".join(f"{k} = {lit(v)}" for k, v in value.items()) + "\n"


@pytest.mark.parametrize(
    "mutate, item, problem",
    [
        (lambda d: d.pop("code"), "code", "missing 'code'"),
        (lambda d: d["elements"][0]["criteria"][1].update(code="TC1"), "TC1", "code used twice"),
        (lambda d: d["elements"][1]["criteria"][0].update(code="TC9"), "TC9", "must start with its element code TT"),
        (lambda d: d["elements"][0]["criteria"][0].update(vi=""), "TC1", "must not be empty"),
        (lambda d: d["elements"][0].update(group="XX"), "TC", "unknown group 'XX'"),
        (lambda d: d["scales"]["satisfaction"]["points"].pop(), "scales.satisfaction", "numbered 1 to 5"),
        (lambda d: d["choices"][0]["options"][1].update(value=1), "NT1", "option values repeat"),
        # Answers are stored one byte each, 0 meaning none (survey/models/responses.py).
        (lambda d: d["choices"][0]["options"][1].update(value=0), "NT1", "must lie in 1..255"),
        (lambda d: d["choices"][0]["options"][1].update(value=256), "NT1", "must lie in 1..255"),
        (lambda d: d["choices"][0].update(section="misc"), "NT1", "section must be one of"),
        (lambda d: d["elements"][0].update(criteria=[]), "TC", "at least one criterion"),
        (lambda d: d["elements"][0]["criteria"][0].update(code="tc1"), "TC criterion 1", "upper-case"),
        (lambda d: d.update(comment_max_length=10), "comment_max_length", "50 to 5000"),
    ],
)
def test_broken_definitions_are_refused_naming_file_item_and_problem(tmp_path, mutate, item, problem):
    path = _write(tmp_path, mutate)
    with pytest.raises(QuestionnaireError) as err:
        load_file(path)
    assert err.value.source == "broken.toml"
    assert err.value.item == item
    assert problem in err.value.problem
    assert str(err.value).startswith(f"broken.toml: {item}: ")


def test_invalid_toml_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("code = \n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="bad.toml: file: not valid UTF-8 TOML"):
        load_file(path)
