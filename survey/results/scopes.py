"""Estimates per scope: the whole selection, each field, each service, each counter."""
from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from survey.results import queries
from survey.results.config import Method
from survey.results.filters import Filters

SCOPES = ("overall", "field", "service", "service_point")


def scoped_estimates(s: Session, f: Filters, method: Method, scopes: tuple[str, ...] = SCOPES) -> pd.DataFrame:
    """One long table: scope, scope_code, scope_name, then `analysis` columns (of `scopes` only).

    One SQL scan per (service, counter) cell; coarser scopes are sums of cells.
    """
    cells = queries.cell_stats(s, f, ("service", "service_point") if "service_point" in scopes else ("service",),
                               method)
    points = cells.keys["service_point"].unique() if "service_point" in cells.keys else []
    names = queries.catalogue(s, cells.keys["service"].unique(), points)
    services = names.services.set_index("service")
    field_of = cells.keys["service"].map(services["field"])
    parts = []

    def add(scope, keys, label):
        if scope not in scopes:
            return
        if keys is None:
            table = queries.estimates(queries.keyed(cells, method, {}), f, method, ())
            table.insert(0, "scope_code", "")
            table.insert(1, "scope_name", "")
        else:
            # a procedure's rows are grouped by "service", so that each is its own sample
            name = "service" if scope == "service" else "key"
            table = queries.estimates(queries.keyed(cells, method, {name: keys}), f, method, (name,))
            codes, titles = label(table.pop(name))
            table.insert(0, "scope_code", codes)
            table.insert(1, "scope_name", titles)
        table.insert(0, "scope", scope)
        parts.append(table)

    add("overall", None, None)
    if len(cells.n):
        fields = names.services.drop_duplicates("field").set_index("field")
        add("field", field_of, lambda k: (k.map(fields["field_code"]).to_numpy(),
                                          k.map(fields["field_name"]).to_numpy()))
        add("service", cells.keys["service"], lambda k: (k.map(services["service_code"]).to_numpy(),
                                                         k.map(services["service_name"]).to_numpy()))
        # Responses without a counter form a group that takes part in the
        # variance (domain estimation) but is not a counter: drop its rows.
        add("service_point", cells.keys.get("service_point"),
            lambda k: (k.map(lambda v: None if pd.isna(v) else str(int(v))).to_numpy(),
                       k.map(names.points).to_numpy()))
    out = pd.concat(parts, ignore_index=True)
    return out[~((out.scope == "service_point") & out.scope_code.isna())].reset_index(drop=True)
