"""Everything the results dashboard shows, from one SQL scan of the answers."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from survey.results import queries
from survey.results.config import Method
from survey.results.filters import Filters


@dataclass(frozen=True)
class Overview:
    """Figures of one selection; data frames are `analysis` estimate tables."""

    n: int
    overall: pd.DataFrame   # every level, one group
    services: pd.DataFrame  # elements and SIPAS per service, with service_code/_name
    months: pd.DataFrame    # SIPAS per local month
    shares: list[queries.ChoiceShare]
    method: Method
    versus_rest: pd.DataFrame  # each element and criterion against the rest of its level (overall)

    def level(self, level: str) -> pd.DataFrame:
        return self.overall[self.overall.level == level]

    def expectations_ranked(self) -> pd.DataFrame:
        return self.level("expectation").sort_values("estimate", ascending=False, na_position="last")


def overview(s: Session, f: Filters, method: Method) -> Overview:
    """Aggregate per (service, month) once; overall, per-service and trend are sums of cells."""
    cells = queries.cell_stats(s, f, ("service", "month"), method)
    overall = queries.estimates(cells, f, method, ())
    if len(cells.n):
        services = queries.estimates(cells, f, method, ("service",))
        services = services[services.level.isin(("element", "group", "overall"))]
        names = queries.catalogue(s, cells.keys["service"].unique(), []).services
        services = services.merge(names[["service", "service_code", "service_name"]], on="service")
        months = queries.estimates(cells, f, method, ("month",))
        months = months[months.level == "overall"].sort_values("month")
    else:
        services = months = pd.DataFrame(columns=[*overall.columns, "service", "month"])
    tests = queries.versus_rest(cells, f, method) if len(cells.n) else pd.DataFrame(
        columns=["level", "code", "lowest"])
    return Overview(int(cells.n.sum()), overall, services, months, queries.shares(s, f), method, tests)
