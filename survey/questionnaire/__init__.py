"""Questionnaires as data: versioned TOML files, validated on load."""
from survey.questionnaire.definition import Choice, Criterion, Element, Group, Option, QuestionnaireDefinition
from survey.questionnaire.loader import QuestionnaireError, load_file, shipped

__all__ = [
    "Choice",
    "Criterion",
    "Element",
    "Group",
    "Option",
    "QuestionnaireDefinition",
    "QuestionnaireError",
    "load_file",
    "shipped",
]
