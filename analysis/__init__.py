"""SIPAS indices with honest uncertainty: pure numpy/pandas/scipy.

Never imports Flask, SQLAlchemy or the ``survey`` web app (a test enforces
it): it takes DataFrames or counts and returns plain results.
"""
from .indices import estimate
from .intervals import logit_interval, newcombe_difference, proportion_interval
from .scheme import Element, Group, Scheme
from .validate import InputError

__all__ = ["Element", "Group", "InputError", "Scheme", "estimate", "logit_interval",
           "newcombe_difference", "proportion_interval"]
