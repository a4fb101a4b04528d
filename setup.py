"""Packages of the wheel: the Python packages plus the two mapped data folders.

pyproject.toml holds every other setting. setuptools' package finder only
sees folders that sit where their package name says, so it cannot find
templates/ and migrations/, which pyproject maps to survey._templates and
survey._migrations (house layout keeps them at the top level); they are
added here by name so a built wheel carries them (survey/paths.py finds them).
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["survey*", "analysis*"]) + ["survey._templates", "survey._migrations"])
