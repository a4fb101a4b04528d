"""The administration routes, one module per concern; each attaches its routes to survey.admin's blueprints."""
from survey.admin import audit_log, catalogue, counters, imports, posters, units, users

__all__ = ["audit_log", "catalogue", "counters", "imports", "posters", "units", "users"]
