"""Migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import survey.models  # noqa: F401
from survey.commands.database import alembic_config
from survey.db import Base
from survey.models import rollup_triggers


@pytest.fixture
def empty_database_url(tmp_path, pg_url):
    """An empty database: a new SQLite file, or a new PostgreSQL database."""
    if not pg_url:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"sipas_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades_cleanly(empty_database_url):
    cfg = alembic_config(empty_database_url)
    command.upgrade(cfg, "head")
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:  # autogenerate does not see triggers: check them by name
        assert rollup_triggers.installed(conn) == set(rollup_triggers.NAMES)
    command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def _old_answers(conn) -> set[tuple[int, str, int]]:
    return set(conn.execute(text("SELECT response_id, item_code, value FROM answer")).all())


def test_compact_answers_migration_keeps_every_answer_both_ways(empty_database_url):
    """0013 turns answer rows into one byte string per response and back, with data in the database."""
    import numpy as np
    from alembic.script import ScriptDirectory
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from survey.models import Questionnaire, Response
    from survey.questionnaire.loader import shipped
    from survey.questionnaire.sync import DEFAULT

    cfg = alembic_config(empty_database_url)
    before = ScriptDirectory.from_config(cfg).get_revision("0013").down_revision
    command.upgrade(cfg, before)
    engine = create_engine(empty_database_url)
    q = shipped()[DEFAULT]
    rng = np.random.default_rng(3)
    stored: dict[int, dict[str, int]] = {}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO field (id, code, name) VALUES (1, 'F', 'Lĩnh vực')"))
        conn.execute(text("INSERT INTO unit (id, code, name, kind) VALUES (1, '00004', 'Xã A', 'xa')"))
        conn.execute(text("INSERT INTO service (id, code, name, field_id, active) VALUES (1, '1.1', 'TT', 1, :t)"),
                     {"t": True})
        conn.execute(text("INSERT INTO questionnaire (id, code, version, title, checksum) VALUES "
                          "(1, :c, :v, 'SIPAS', 'x'), (2, 'retired-form', '1', 'Cũ', 'y')"),
                     {"c": q.code, "v": q.version})
        valid = q.valid_values()
        for rid in range(1, 61):
            qid = 1 if rid <= 50 else 2
            if qid == 1:
                # Optional items left out at random; response 7 has no answer at all,
                # response 9 an item the definition does not know (kept, appended).
                answers = {code: int(rng.choice(sorted(values))) for code, values in valid.items()
                           if rng.random() < 0.8 and rid != 7}
                if rid == 9:
                    answers["ZZ9"] = 200
            else:
                answers = {"X2": int(rng.integers(1, 6)), "X1": 1}
            stored[rid] = answers
            conn.execute(text("INSERT INTO response (id, submission_key, questionnaire_id, unit_id, service_id, "
                              "channel, submitted_at, flagged) VALUES (:id, :k, :q, 1, 1, 'qr', :at, :f)"),
                         {"id": rid, "k": f"k{rid}", "q": qid, "at": "2024-03-01 03:00:00+00:00", "f": False})
            if answers:
                conn.execute(text("INSERT INTO answer (response_id, item_code, value) VALUES (:r, :c, :v)"),
                             [{"r": rid, "c": c, "v": v} for c, v in answers.items()])
            if rid % 5 == 0:
                conn.execute(text("INSERT INTO comment (response_id, text) VALUES (:r, 'Tốt')"), {"r": rid})
        # A stored day (after the inserts, whose triggers drop its marker).
        conn.execute(text("INSERT INTO stat_day (questionnaire_id, method, unit_id, day) "
                          "VALUES (1, 'top2box', 1, '2024-03-01')"))
    with engine.connect() as conn:
        rows = _old_answers(conn)
    assert len(rows) == sum(map(len, stored.values())) > 1000

    command.upgrade(cfg, "0013")
    with Session(engine) as s:
        items = dict(s.execute(select(Questionnaire.id, Questionnaire.items)).all())
        assert items == {1: [*q.item_codes(), "ZZ9"], 2: ["X1", "X2"]}
        assert {r.id: r.answer_values for r in s.scalars(select(Response))} == stored
        assert len(s.get(Response, 7).answers) == len(items[1])  # every item, all 0
        assert s.execute(text("SELECT count(*) FROM comment")).scalar_one() == 12
        # The answers mean the same: the stored day's marker survives the conversion.
        assert s.execute(text("SELECT count(*) FROM stat_day")).scalar_one() == 1
        assert rollup_triggers.installed(s.connection()) == set(rollup_triggers.NAMES)
    assert "answer" not in inspect(engine).get_table_names()

    command.downgrade(cfg, before)
    with engine.connect() as conn:
        assert _old_answers(conn) == rows
        assert rollup_triggers.installed(conn) == set(rollup_triggers.NAMES + rollup_triggers.ANSWER_NAMES)
        assert conn.execute(text("SELECT count(*) FROM stat_day")).scalar_one() == 1
    columns = {c["name"] for c in inspect(engine).get_columns("response")}
    assert "answers" not in columns
    command.upgrade(cfg, "head")  # and up again
    with Session(engine) as s:
        assert {r.id: r.answer_values for r in s.scalars(select(Response))} == stored
    engine.dispose()
