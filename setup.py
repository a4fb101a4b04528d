"""Packages of the wheel: the Python packages, their data folders, and the two mapped folders.

pyproject.toml holds every other setting. setuptools' package finder only
sees folders that sit where their package name says, so it cannot find
templates/ and migrations/, which pyproject maps to survey._templates and
survey._migrations (house layout keeps them at the top level); they and
their subfolders are added here by name so a built wheel carries them
(survey/paths.py finds them). Data folders (questionnaires, static,
translations, template subfolders) are namespace packages, as setuptools
asks, so their files ship as package data.
"""
from setuptools import find_namespace_packages, setup


def _mapped(folder: str, package: str) -> list[str]:
    return [package] + [f"{package}.{sub}" for sub in find_namespace_packages(where=folder, exclude=["*__pycache__*"])]


setup(packages=find_namespace_packages(include=["survey*", "analysis*"], exclude=["*__pycache__*"])
      + _mapped("templates", "survey._templates") + _mapped("migrations", "survey._migrations"))
