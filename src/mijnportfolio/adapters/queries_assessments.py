"""Reports over assessments (SQLAlchemy Core): the audit trail of corrections and the figures of
the calibration report, each in a fixed number of statements."""

from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa

from mijnportfolio.application.ports.assessment import CorrectionRow, ExaminerScores, PairedScore
from mijnportfolio.domain.values import display_name

from . import orm

c = orm.corrections.c
a = orm.assessments.c
sc = orm.assessment_scores.c
pp = orm.part_plannings.c
at = orm.attempts.c
s = orm.students.c
e = orm.exams.c
ep = orm.exam_parts.c
cr = orm.criteria.c
_by = orm.users.alias("corrected_by")
_student = orm.users.alias("student_user")
_examiner = orm.users.alias("examiner")


def _name(first, infix, last) -> str:
    return display_name(first, infix, last)


def _correction_rows(conn, query) -> list[CorrectionRow]:
    rows = conn.execute(query).all()
    criterion_ids = {int(k) for r in rows for k in {**(r.before or {}), **(r.after or {})}}
    texts: dict[int, tuple[int, str]] = {}
    if criterion_ids:
        ids = sorted(criterion_ids)
        for start in range(0, len(ids), 900):
            for row in conn.execute(sa.select(cr.id, cr.position, cr.text).where(cr.id.in_(ids[start:start + 900]))):
                texts[row.id] = (row.position, row.text)
    result = []
    for r in rows:
        changes = []
        for key in sorted({**(r.before or {}), **(r.after or {})}, key=lambda k: texts.get(int(k), (0, ""))[0]):
            before, after = (r.before or {}).get(key, [None, ""]), (r.after or {}).get(key, [None, ""])
            text = texts.get(int(key), (0, f"criterium {key}"))[1]
            changes.append((text, f"{before[0] if before[0] is not None else '—'}", f"{after[0]}"))
        result.append(CorrectionRow(
            id=r.id, corrected_at=r.corrected_at, corrected_by=_name(r.by_first, r.by_infix, r.by_last),
            student_name=_name(r.st_first, r.st_infix, r.st_last), student_number=r.student_number, exam_code=r.code,
            attempt_number=r.number, part_number=r.part_number, decision_date=r.decision_date,
            decision_reference=r.decision_reference, reason=r.reason, changes=tuple(changes),
        ))
    return result


def _corrections_select():
    return (
        sa.select(
            c.id, c.corrected_at, c.decision_date, c.decision_reference, c.reason, c.before, c.after,
            _by.c.first_name.label("by_first"), _by.c.infix.label("by_infix"), _by.c.last_name.label("by_last"),
            _student.c.first_name.label("st_first"), _student.c.infix.label("st_infix"), _student.c.last_name.label("st_last"),
            s.student_number, e.code, at.number, ep.number.label("part_number"),
        )
        .select_from(
            orm.corrections.join(orm.assessments, a.id == c.assessment_id)
            .join(orm.part_plannings, pp.id == a.planning_id)
            .join(orm.attempts, at.id == pp.attempt_id)
            .join(orm.students, s.id == at.student_id)
            .join(_student, _student.c.id == s.user_id)
            .join(orm.exams, e.id == at.exam_id)
            .join(orm.exam_parts, ep.id == pp.part_id)
            .join(_by, _by.c.id == c.corrected_by_id)
        )
        .order_by(c.corrected_at.desc(), c.id.desc())
    )


class SqlAlchemyAssessmentQueries:
    """Implements AssessmentQueries."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def corrections(self, *, page: int, per_page: int) -> tuple[Sequence[CorrectionRow], int]:
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(orm.corrections)).scalar_one()
            rows = _correction_rows(conn, _corrections_select().limit(per_page).offset((page - 1) * per_page))
        return rows, total

    def all_corrections(self) -> Sequence[CorrectionRow]:
        with self.engine.connect() as conn:
            return _correction_rows(conn, _corrections_select())

    def examiner_scores(self) -> Sequence[ExaminerScores]:
        query = (
            sa.select(a.examiner_id, a.id.label("assessment_id"), sc.score,
                      _examiner.c.first_name, _examiner.c.infix, _examiner.c.last_name)
            .select_from(orm.assessments.join(_examiner, _examiner.c.id == a.examiner_id)
                         .outerjoin(orm.assessment_scores, sc.assessment_id == a.id))
            .order_by(a.examiner_id)
        )
        found: dict[int, tuple[str, set[int], list[int]]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                entry = found.setdefault(r.examiner_id, (_name(r.first_name, r.infix, r.last_name), set(), []))
                entry[1].add(r.assessment_id)
                if r.score is not None:
                    entry[2].append(r.score.value)
        return [ExaminerScores(i, name, len(ids), tuple(scores)) for i, (name, ids, scores) in found.items()]

    def paired_scores(self) -> Sequence[PairedScore]:
        one, two = orm.assessments.alias("one"), orm.assessments.alias("two")
        s1, s2 = orm.assessment_scores.alias("s1"), orm.assessment_scores.alias("s2")
        query = (
            sa.select(one.c.examiner_id.label("a"), two.c.examiner_id.label("b"), s1.c.score.label("sa"), s2.c.score.label("sb"))
            .select_from(
                one.join(two, sa.and_(two.c.planning_id == one.c.planning_id, two.c.examiner_id > one.c.examiner_id))
                .join(s1, s1.c.assessment_id == one.c.id)
                .join(s2, sa.and_(s2.c.assessment_id == two.c.id, s2.c.criterion_id == s1.c.criterion_id))
            )
            .where(s1.c.score.is_not(None), s2.c.score.is_not(None))
        )
        with self.engine.connect() as conn:
            return [PairedScore(r.a, r.b, r.sa.value, r.sb.value) for r in conn.execute(query)]
