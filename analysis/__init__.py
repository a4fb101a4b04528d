"""SIPAS indices with honest uncertainty: pure numpy, pandas and scipy.

Never imports Flask, SQLAlchemy or the ``survey`` web app (a test enforces
it): it takes DataFrames or counts and returns plain tables. See
``estimate`` for the indices, ``sufficient_stats``/``estimate_from_stats``
for the SQL route, ``compare``, ``shares``, ``reliability`` and
``sample_size``.
"""
from . import sample_size
from .compare import benjamini_hochberg, compare, holm
from .indices import estimate
from .intervals import logit_interval, newcombe_difference, proportion_interval
from .reliability import Alpha, cronbach_alpha, reliability
from .scheme import Element, Group, Scheme
from .shares import shares
from .sufficient import SufficientStats, estimate_from_stats, sufficient_stats
from .validate import InputError

__all__ = ["Alpha", "Element", "Group", "InputError", "Scheme", "SufficientStats",
           "benjamini_hochberg", "compare", "cronbach_alpha", "estimate",
           "estimate_from_stats", "holm", "logit_interval", "newcombe_difference",
           "proportion_interval", "reliability", "sample_size", "shares",
           "sufficient_stats"]
