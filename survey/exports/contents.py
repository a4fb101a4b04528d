"""Which tables each export holds; the same for the browser and the command line."""
from __future__ import annotations

from flask_babel import gettext as _

from survey import db
from survey.exports import indices as ix
from survey.exports.responses import dictionary_table, responses_table
from survey.exports.writer import Table
from survey.questionnaire.sync import DEFAULT
from survey.results.config import Method
from survey.results.filters import Filters, Period
from survey.results.forms import Form, forms_in

KINDS = ("responses", "indices")
FORMATS = ("csv", "xlsx")


def forms_of(f: Filters) -> list[Form]:
    """Every form with responses in the selection, the one the selection names first."""
    found = forms_in(db.session(), f)
    named = [fm for fm in found if f.questionnaires and set(fm.versions) & set(f.questionnaires)]
    rest = [fm for fm in found if fm not in named]
    return named + rest or [Form(f.questionnaires or (DEFAULT,), 0)]


def tables(kind: str, fmt: str, f: Filters, method: Method, shown: Period | None = None) -> list[Table]:
    """The tables of an export; a CSV export writes the first, the rest go to sidecars.

    A workbook of indices opens on the report's main table (one row per
    procedure), then the detail sheets. ``shown``: the period the method
    sheet names (a plan's own dates, where the data run on for paper forms).

    Every questionnaire with responses in the selection is exported: rows
    carry its code and version, and forms with other criteria get their own
    index rows (never pooled with these).
    """
    found = forms_of(f)
    if kind == "responses":
        return [responses_table(f, found), dictionary_table(found)]
    estimates = ix.estimates(f, found, method)
    if fmt == "csv":
        return [ix.indices_table(estimates, _("Chỉ số"))]
    compared = ix.comparison_table(f, estimates, method)
    return [
        ix.main_table(estimates, method),
        ix.indices_table(estimates, _("Tổng hợp"), levels=("overall", "group", "element")),
        *([compared] if compared else []),
        ix.indices_table(estimates, _("Tiêu chí"), levels=("criterion",)),
        ix.indices_table(estimates, _("Mong muốn"), levels=("expectation",)),
        ix.shares_table(f, found),
        responses_table(f, found),
        dictionary_table(found),
        ix.method_table(f, found, method, shown),
    ]
