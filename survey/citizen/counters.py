"""What the citizen form needs to know about a counter, cached per app and worker.

Each form GET and POST used to read the counter, its unit, its services, the
unit's plans and the questionnaire row: five ORM queries that cost more than
the rest of the request together (see BENCHMARKS.md). The form only needs a
small, read-only snapshot of them, so each app (in ``app.extensions``) keeps
one per token for SIPAS_FORM_CACHE_SECONDS (10 s by default). A catalogue or
plan change committed through that app's sessions clears its snapshots at
once; other workers and hosts see it within that many seconds. That delay is
for pages only: a submission checks the token and the service against the
database before storing (survey.catalogue.queries.live_target). Unknown
tokens are never cached, so random tokens cannot fill the memory.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from survey.catalogue.queries import point_by_kiosk_token, point_by_token
from survey.i18n import local_name
from survey.models import Field, Plan, Questionnaire, Service, ServicePoint, Unit
from survey.plans.queries import definition as plan_definition
from survey.plans.queries import form_plan
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT, find_row

MAX_ENTRIES = 4096  # counters per worker; a city has a few hundred
_WATCHED = (Unit, Field, Service, ServicePoint, Plan, Questionnaire)
_CHANGED = "sipas.catalogue_changed"
EXTENSION = "sipas.counters"


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    name_en: str = ""  # the unit list's English name, if it has one

    def label(self, locale: str) -> str:
        """The name to show in `locale`: English where the list has it, else Vietnamese."""
        return local_name(self, locale)


@dataclass(frozen=True)
class ServiceView:
    id: int
    code: str
    name: str
    name_en: str = ""  # the catalogue's English name, if it has one

    def label(self, locale: str) -> str:
        """The name to show in `locale`: English where the catalogue has it, else Vietnamese."""
        return local_name(self, locale)


@dataclass(frozen=True)
class Counter:
    """A counter as the citizen form shows it, detached from any session."""

    id: int | None                  # None: an invitation, which belongs to no counter
    name: str
    unit: UnitView
    services: tuple[ServiceView, ...]
    accepting: bool                 # False: an administrator closed the counter (never a plan's dates)
    questionnaire_key: tuple[str, str]
    questionnaire_id: int | None    # None until the first response creates the row
    name_en: str = ""               # the counter's English name, if the administrator gave one
    questionnaire_items: tuple[str, ...] | None = None  # the row's item list: the answers' byte order
    # Hashed once: the snapshot keys the rendered-page cache on every GET.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.id, self.name, self.name_en, self.unit, self.services, self.accepting,
                                                self.questionnaire_key, self.questionnaire_id)))

    def __hash__(self) -> int:
        return self._hash

    def label(self, locale: str) -> str:
        """The counter's name in `locale`: English where given, else Vietnamese."""
        return local_name(self, locale)

    @property
    def unit_id(self) -> int:
        return self.unit.id

    @property
    def questionnaire(self) -> QuestionnaireDefinition:
        return shipped()[self.questionnaire_key]

    def service(self, code: str) -> ServiceView | None:
        return next((v for v in self.services if v.code == code), None)


def _snapshot(s: Session, point: ServicePoint) -> Counter:
    plan = form_plan(s, point.unit_id)
    q = plan_definition(plan) if plan is not None else shipped()[DEFAULT]
    row = find_row(s, q)
    return Counter(
        id=point.id, name=point.name, name_en=point.name_en,
        unit=UnitView(point.unit.id, point.unit.name, point.unit.name_en),
        services=tuple(ServiceView(v.id, v.code, v.name, v.name_en) for v in point.services),
        accepting=point.closed_at is None, questionnaire_key=(q.code, q.version),
        questionnaire_id=row.id if row else None,
        questionnaire_items=tuple(row.items) if row else None,
    )


class CounterCache:
    """One app's snapshots, by (kind, token); kept in ``app.extensions``."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[float, Counter]] = {}
        self._lock = threading.Lock()

    def get(self, session: Callable[[], Session], kind: str, token: str, ttl: float) -> Counter | None:
        key = (kind, token)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        s = session()
        point = (point_by_token if kind == "qr" else point_by_kiosk_token)(s, token)
        if point is None:
            self.forget(kind, token)
            return None
        counter = _snapshot(s, point)
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # rare (thousands of counters): start over rather than track age
            if ttl > 0:
                self._entries[key] = (now + ttl, counter)
        return counter

    def forget(self, kind: str, token: str) -> None:
        with self._lock:
            self._entries.pop((kind, token), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def tokens(self) -> set[tuple[str, str]]:
        return set(self._entries)


def lookup(session: Callable[[], Session], kind: str, token: str) -> Counter | None:
    """Return the current app's snapshot of a QR (`kind` "qr") or tablet ("kiosk") token, or None.

    `session` is called only on a miss: a hit opens no database session at
    all. A snapshot may be SIPAS_FORM_CACHE_SECONDS old, so it serves pages;
    a submission confirms the counter with `survey.catalogue.queries.live_target`.
    """
    return cache().get(session, kind, token, current_app.config["SIPAS_FORM_CACHE_SECONDS"])


def forget(kind: str, token: str) -> None:
    """Drop one snapshot (a submission found it stale)."""
    cache().forget(kind, token)


def cache(app: Flask | None = None) -> CounterCache:
    return (app or current_app).extensions[EXTENSION]


def init_app(app: Flask) -> None:
    """Give the app its own snapshots, cleared by changes committed through its sessions."""
    snapshots = app.extensions[EXTENSION] = CounterCache()
    factory = app.extensions["sipas.sessionmaker"]

    def note_changes(session: Session, _context) -> None:
        if any(isinstance(obj, _WATCHED) for obj in (*session.new, *session.dirty, *session.deleted)):
            session.info[_CHANGED] = True

    def clear_after_commit(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            snapshots.clear()

    def forget_after_rollback(session: Session) -> None:
        session.info.pop(_CHANGED, None)

    def note_bulk(state) -> None:
        # update()/delete() statements bypass the flush; they clear the snapshots too.
        if (state.is_update or state.is_delete) and any(m.class_ in _WATCHED for m in state.all_mappers):
            state.session.info[_CHANGED] = True

    # On this app's session factory only: another app in the process (tests,
    # a CLI beside a server) keeps its own snapshots and its own listeners.
    event.listen(factory, "after_flush", note_changes)
    event.listen(factory, "after_commit", clear_after_commit)
    event.listen(factory, "after_rollback", forget_after_rollback)
    event.listen(factory, "do_orm_execute", note_bulk)
