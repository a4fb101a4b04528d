"""Database models, one module per concern; import them all so metadata is complete."""
from survey.models.accounts import AuditEvent, LoginFailure, User
from survey.models.catalogue import Field, Service, ServicePoint, Unit, service_point_service
from survey.models.plans import Dossier, Invitation, PaperEntry, PaperForm, Plan, PlanService, SampledDossier
from survey.models.responses import Comment, Questionnaire, Response
from survey.models.rollup import StatCell, StatDay, StatMonthCell, StatMonthDay

__all__ = [
    "AuditEvent",
    "LoginFailure",
    "Comment",
    "Dossier",
    "Field",
    "Invitation",
    "PaperEntry",
    "PaperForm",
    "Plan",
    "PlanService",
    "Questionnaire",
    "Response",
    "SampledDossier",
    "StatCell",
    "StatMonthCell",
    "StatMonthDay",
    "StatDay",
    "Service",
    "ServicePoint",
    "Unit",
    "User",
    "service_point_service",
]
