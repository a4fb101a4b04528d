"""Helpers to fill the citizen form the way a browser does."""
from __future__ import annotations

import re

from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT

Q = shipped()[DEFAULT]


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden inputs (CSRF token, submission key) of a rendered form."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def full_answers(base: int = 4) -> dict[str, str]:
    """A complete, valid set of answers: every criterion, expectation and choice."""
    answers = {c.code: str((base + i) % 5 + 1) for i, c in enumerate(Q.criteria)}
    answers.update({m.code: str(i % 4 + 1) for i, m in enumerate(Q.expectations)})
    answers.update({c.code: str(c.options[-1].value) for c in Q.choices})
    return answers


def open_form(client, url: str) -> dict[str, str]:
    """GET the form and return its hidden fields."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return hidden_fields(page.get_data(as_text=True))
