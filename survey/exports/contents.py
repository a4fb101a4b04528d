"""Which tables each export holds; the same for the browser and the command line."""
from __future__ import annotations

from flask_babel import gettext as _

from survey.exports import indices as ix
from survey.exports.responses import dictionary_table, responses_table
from survey.exports.writer import Table
from survey.results.config import Method
from survey.results.filters import Filters

KINDS = ("responses", "indices")
FORMATS = ("csv", "xlsx")


def tables(kind: str, fmt: str, f: Filters, method: Method) -> list[Table]:
    """The tables of an export; a CSV export writes the first, the rest go to sidecars."""
    if kind == "responses":
        return [responses_table(f), dictionary_table(f)]
    estimates = ix.estimates(f, method)
    if fmt == "csv":
        return [ix.indices_table(estimates, f, _("Chỉ số"))]
    return [
        ix.indices_table(estimates, f, _("Tổng hợp"), levels=("overall", "group", "element")),
        ix.indices_table(estimates, f, _("Tiêu chí"), levels=("criterion",)),
        ix.indices_table(estimates, f, _("Mong muốn"), levels=("expectation",)),
        ix.shares_table(f),
        responses_table(f),
        dictionary_table(f),
        ix.method_table(f, method),
    ]
