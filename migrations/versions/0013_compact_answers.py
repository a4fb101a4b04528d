"""compact answers: one byte string per response in the order of its questionnaire's item list

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

A row per answer (`answer`, composite key) cost about 2.3 KB of a
response's 2.8 KB on PostgreSQL. Now `response.answers` holds byte i = the
answer to item i of `questionnaire.items` (0 = none), and the `answer` table
and its rollup triggers are gone; the response triggers cover the answers.
Both directions convert the stored answers; the rollup cache stays valid (the
answers mean the same), so the triggers are lifted during the conversion
instead of dropping every stored day.
"""
import json

import sqlalchemy as sa
from alembic import op

from survey.models import rollup_triggers

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BATCH = 5000


def _item_lists(bind) -> dict[int, list[str]]:
    """Each version's item list: its definition's order where it is shipped, then any other stored code."""
    from survey.questionnaire.loader import shipped

    definitions = shipped()
    stored: dict[int, list[str]] = {}
    for qid, code in bind.execute(sa.text(
            "SELECT DISTINCT r.questionnaire_id, a.item_code FROM answer a "
            "JOIN response r ON r.id = a.response_id ORDER BY 1, 2")):
        stored.setdefault(qid, []).append(code)
    out = {}
    for qid, code, version in bind.execute(sa.text("SELECT id, code, version FROM questionnaire")):
        definition = definitions.get((code, version))
        items = list(definition.item_codes()) if definition else []
        out[qid] = items + [c for c in stored.get(qid, []) if c not in items]
    return out


def _lift_triggers(bind) -> None:
    for statement in rollup_triggers.drop_statements(bind.dialect.name, answer_table=True):
        op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == 'postgresql'
    bad = bind.execute(sa.text("SELECT count(*) FROM answer WHERE value < 1 OR value > 255")).scalar_one()
    if bad:
        raise RuntimeError(f"{bad} stored answers lie outside 1..255 and cannot be kept in one byte; "
                           "correct them (SELECT * FROM answer WHERE value < 1 OR value > 255) and run again")
    _lift_triggers(bind)
    op.add_column('questionnaire', sa.Column('items', sa.JSON(), server_default='[]', nullable=False))
    items = _item_lists(bind)
    for qid, listed in items.items():
        bind.execute(sa.text("UPDATE questionnaire SET items = :items WHERE id = :id"),
                     {"items": json.dumps(listed), "id": qid})
    if pg:
        op.add_column('response', sa.Column('answers', sa.LargeBinary(), nullable=True))
        # Every item of the version, in order, with its answer or 0: one pass, in SQL.
        op.execute("""
            UPDATE response r SET answers = p.packed FROM (
                SELECT r2.id, string_agg(set_byte('\\x00'::bytea, 0, coalesce(a.value, 0)), ''::bytea
                                         ORDER BY i.pos) AS packed
                FROM response r2
                JOIN questionnaire q ON q.id = r2.questionnaire_id
                CROSS JOIN LATERAL json_array_elements_text(q.items) WITH ORDINALITY AS i(code, pos)
                LEFT JOIN answer a ON a.response_id = r2.id AND a.item_code = i.code
                GROUP BY r2.id) AS p
            WHERE p.id = r.id""")
        op.execute("UPDATE response SET answers = '\\x'::bytea WHERE answers IS NULL")
        op.alter_column('response', 'answers', nullable=False)
    else:
        # SQLite adds a NOT NULL column only with a default; rebuilding the
        # table instead would trip the foreign keys of its comments.
        op.add_column('response', sa.Column('answers', sa.LargeBinary(), nullable=False,
                                            server_default=sa.text("X''")))
        for qid, listed in items.items():
            bind.execute(sa.text("UPDATE response SET answers = zeroblob(:n) WHERE questionnaire_id = :q"),
                         {"n": len(listed), "q": qid})
        where = {qid: {code: i for i, code in enumerate(listed)} for qid, listed in items.items()}
        rows = bind.execute(sa.text(
            "SELECT a.response_id, r.questionnaire_id, a.item_code, a.value FROM answer a "
            "JOIN response r ON r.id = a.response_id ORDER BY a.response_id")).all()
        updates, current, packed = [], None, bytearray()
        for rid, qid, code, value in rows:
            if rid != current:
                if current is not None:
                    updates.append({"a": bytes(packed), "id": current})
                current, packed = rid, bytearray(len(items[qid]))
            packed[where[qid][code]] = value
        if current is not None:
            updates.append({"a": bytes(packed), "id": current})
        for start in range(0, len(updates), BATCH):
            bind.execute(sa.text("UPDATE response SET answers = :a WHERE id = :id"), updates[start:start + BATCH])
    op.drop_table('answer')
    rollup_triggers.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == 'postgresql'
    _lift_triggers(bind)
    op.create_table('answer',
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_code', sa.String(length=16), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_answer_response_id_response'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_code', name=op.f('pk_answer'))
    )
    if pg:
        op.execute("""
            INSERT INTO answer (response_id, item_code, value)
            SELECT r.id, i.code, get_byte(r.answers, (i.pos - 1)::int)
            FROM response r
            JOIN questionnaire q ON q.id = r.questionnaire_id
            CROSS JOIN LATERAL json_array_elements_text(q.items) WITH ORDINALITY AS i(code, pos)
            WHERE i.pos <= length(r.answers) AND get_byte(r.answers, (i.pos - 1)::int) > 0
            ORDER BY r.id, i.code""")
    else:
        items = {qid: json.loads(listed) if isinstance(listed, str) else listed
                 for qid, listed in bind.execute(sa.text("SELECT id, items FROM questionnaire"))}
        rows = [{"r": rid, "c": code, "v": value}
                for rid, qid, packed in bind.execute(sa.text("SELECT id, questionnaire_id, answers FROM response"))
                for code, value in zip(items[qid], packed or b"") if value]
        for start in range(0, len(rows), BATCH):
            bind.execute(sa.text("INSERT INTO answer (response_id, item_code, value) VALUES (:r, :c, :v)"),
                         rows[start:start + BATCH])
    op.execute("ALTER TABLE response DROP COLUMN answers")
    op.execute("ALTER TABLE questionnaire DROP COLUMN items")
    rollup_triggers.create(bind, answer_table=True)
