"""Read model of the questionnaire screens (SQLAlchemy Core): the lists of admins, staff and
students, the assignments, and the submitted responses with their answers.

Every method runs a fixed number of statements, whatever the number of students: who has a
questionnaire is one union of the direct assignments and those through a group, counted per
questionnaire in the database.
"""

from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa

from mijnportfolio.application.ports.questionnaires import (
    AssignmentChoices,
    AssignmentRow,
    QuestionnaireRow,
    ResponseRow,
    StudentQuestionnaireRow,
)
from mijnportfolio.application.ports.students import Option
from mijnportfolio.domain.permissions import StudentScope
from mijnportfolio.domain.questionnaires import Answer
from mijnportfolio.domain.values import display_name

from . import orm
from .student_scope import scope_clause

q = orm.questionnaires.c
qq = orm.questionnaire_questions.c
qa = orm.questionnaire_assignments.c
qr = orm.questionnaire_responses.c
qn = orm.questionnaire_answers.c
s = orm.students.c
u = orm.users.c
g = orm.participant_groups.c
sg = orm.student_groups.c
o = orm.organisations.c


def _name(first: str | None, infix: str | None, last: str | None, email: str) -> str:
    return display_name(first, infix, last) or email


def _assigned_pairs() -> sa.Subquery:
    """(questionnaire, student) for every student who has a questionnaire: directly or through
    a group they are a member of now."""
    return sa.union(
        sa.select(qa.questionnaire_id, qa.student_id.label("student_id")).where(qa.student_id.is_not(None)),
        sa.select(qa.questionnaire_id, sg.student_id.label("student_id")).select_from(
            orm.questionnaire_assignments.join(orm.student_groups, sg.group_id == qa.group_id)
        ),
    ).subquery("assigned")


def _assigned_counts(scope: StudentScope) -> sa.Subquery:
    pairs = _assigned_pairs()
    return (
        sa.select(pairs.c.questionnaire_id, sa.func.count(sa.distinct(s.id)).label("students"))
        .select_from(pairs.join(orm.students, s.id == pairs.c.student_id))
        .where(s.active.is_(True), scope_clause(scope))
        .group_by(pairs.c.questionnaire_id)
        .subquery("assigned_counts")
    )


def _submitted_counts(scope: StudentScope) -> sa.Subquery:
    return (
        sa.select(qr.questionnaire_id, sa.func.count().label("submitted"))
        .select_from(orm.questionnaire_responses.join(orm.students, s.id == qr.student_id))
        .where(qr.submitted_at.is_not(None), scope_clause(scope))
        .group_by(qr.questionnaire_id)
        .subquery("submitted_counts")
    )


class SqlAlchemyQuestionnaireQuery:
    """Implements QuestionnaireQuery."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def overview(self, scope: StudentScope, *, only_assigned: bool) -> Sequence[QuestionnaireRow]:
        questions = (
            sa.select(sa.func.count()).where(qq.questionnaire_id == q.id).correlate(orm.questionnaires).scalar_subquery()
        )
        assignments = (
            sa.select(sa.func.count()).where(qa.questionnaire_id == q.id).correlate(orm.questionnaires).scalar_subquery()
        )
        assigned = _assigned_counts(scope)
        submitted = _submitted_counts(scope)
        query = (
            sa.select(
                q.id, q.title, questions.label("questions"), assignments.label("assignments"),
                sa.func.coalesce(assigned.c.students, 0).label("students"),
                sa.func.coalesce(submitted.c.submitted, 0).label("submitted"),
            )
            .select_from(
                orm.questionnaires.outerjoin(assigned, assigned.c.questionnaire_id == q.id)
                .outerjoin(submitted, submitted.c.questionnaire_id == q.id)
            )
            .order_by(q.title, q.id)
        )
        if only_assigned:
            query = query.where(sa.exists().where(qa.questionnaire_id == q.id))
        with self.engine.connect() as conn:
            return [
                QuestionnaireRow(
                    id=r.id, title=r.title, question_count=r.questions, assignment_count=r.assignments,
                    assigned_students=r.students, submitted=r.submitted,
                )
                for r in conn.execute(query)
            ]

    def of_student(self, user_id: int) -> Sequence[StudentQuestionnaireRow]:
        student_id = sa.select(s.id).where(s.user_id == user_id).scalar_subquery()
        mine = sa.union_all(
            sa.select(qa.questionnaire_id, qa.deadline).where(qa.student_id == student_id),
            sa.select(qa.questionnaire_id, qa.deadline)
            .select_from(orm.questionnaire_assignments.join(orm.student_groups, sg.group_id == qa.group_id))
            .where(sg.student_id == student_id),
        ).subquery("mine")
        grouped = (
            sa.select(
                mine.c.questionnaire_id,
                sa.func.count().label("assignments"),
                sa.func.count(mine.c.deadline).label("with_deadline"),
                sa.func.max(mine.c.deadline).label("latest"),
            )
            .group_by(mine.c.questionnaire_id)
            .subquery("grouped")
        )
        query = (
            sa.select(q.id, q.title, grouped.c.assignments, grouped.c.with_deadline, grouped.c.latest,
                      qr.id.label("response_id"), qr.submitted_at)
            .select_from(
                orm.questionnaires.join(grouped, grouped.c.questionnaire_id == q.id).outerjoin(
                    orm.questionnaire_responses, sa.and_(qr.questionnaire_id == q.id, qr.student_id == student_id)
                )
            )
            .order_by(q.title, q.id)
        )
        with self.engine.connect() as conn:
            return [
                StudentQuestionnaireRow(
                    id=r.id, title=r.title,
                    # As domain.questionnaires.effective_deadline: none when one assignment has none.
                    deadline=r.latest if r.with_deadline == r.assignments else None,
                    started=r.response_id is not None, submitted_at=r.submitted_at,
                )
                for r in conn.execute(query)
            ]

    def assignments(self, questionnaire_id: int) -> Sequence[AssignmentRow]:
        members = (
            sa.select(sa.func.count())
            .select_from(orm.student_groups.join(orm.students, s.id == sg.student_id))
            .where(sg.group_id == qa.group_id, s.active.is_(True))
            .correlate(orm.questionnaire_assignments)
            .scalar_subquery()
        )
        group_org = orm.organisations.alias("group_org")
        student_org = orm.organisations.alias("student_org")
        query = (
            sa.select(
                qa.id, qa.student_id, qa.group_id, qa.deadline, s.student_number, u.first_name, u.infix, u.last_name,
                u.email, g.name.label("group_name"), group_org.c.name.label("group_org"),
                student_org.c.name.label("student_org"), members.label("members"),
            )
            .select_from(
                orm.questionnaire_assignments.outerjoin(orm.students, s.id == qa.student_id)
                .outerjoin(orm.users, u.id == s.user_id)
                .outerjoin(student_org, student_org.c.id == s.organisation_id)
                .outerjoin(orm.participant_groups, g.id == qa.group_id)
                .outerjoin(group_org, group_org.c.id == g.organisation_id)
            )
            .where(qa.questionnaire_id == questionnaire_id)
            .order_by(qa.group_id.is_(None), g.name, u.sort_name, qa.id)
        )
        with self.engine.connect() as conn:
            return [
                AssignmentRow(
                    id=r.id, student_id=r.student_id, group_id=r.group_id,
                    label=r.group_name if r.group_id is not None
                    else f"{_name(r.first_name, r.infix, r.last_name, r.email)} ({r.student_number})",
                    organisation_name=(r.group_org if r.group_id is not None else r.student_org) or "",
                    member_count=r.members if r.group_id is not None else 1,
                    deadline=r.deadline,
                )
                for r in conn.execute(query)
            ]

    def responses(self, questionnaire_id: int, scope: StudentScope) -> Sequence[ResponseRow]:
        visible = (
            sa.select(qr.id)
            .select_from(orm.questionnaire_responses.join(orm.students, s.id == qr.student_id))
            .where(qr.questionnaire_id == questionnaire_id, qr.submitted_at.is_not(None), scope_clause(scope))
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(qr.id, qr.student_id, qr.submitted_at, s.student_number, u.first_name, u.infix,
                          u.last_name, u.email)
                .select_from(orm.questionnaire_responses.join(orm.students, s.id == qr.student_id)
                             .join(orm.users, u.id == s.user_id))
                .where(qr.id.in_(visible))
                .order_by(u.sort_name, s.student_number, qr.id)
            ).all()
            answers: dict[int, list[Answer]] = {}
            for a in conn.execute(
                sa.select(qn.response_id, qn.question_id, qn.text, qn.choice, qn.scale)
                .where(qn.response_id.in_(visible))
                .order_by(qn.response_id, qn.id)
            ):
                answers.setdefault(a.response_id, []).append(
                    Answer(question_id=a.question_id, text=a.text, choice=a.choice, scale=a.scale,
                           response_id=a.response_id)
                )
        return [
            ResponseRow(
                response_id=r.id, student_id=r.student_id, student_number=r.student_number,
                student_name=_name(r.first_name, r.infix, r.last_name, r.email), submitted_at=r.submitted_at,
                answers=tuple(answers.get(r.id, [])),
            )
            for r in rows
        ]

    def assigned_count(self, questionnaire_id: int, scope: StudentScope) -> int:
        counts = _assigned_counts(scope)
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(counts.c.students).where(counts.c.questionnaire_id == questionnaire_id)
            ).scalar() or 0

    def assignment_choices(self) -> AssignmentChoices:
        with self.engine.connect() as conn:
            students = conn.execute(
                sa.select(s.id, s.student_number, u.first_name, u.infix, u.last_name, u.email, o.name.label("org"))
                .select_from(orm.students.join(orm.users, u.id == s.user_id)
                             .join(orm.organisations, o.id == s.organisation_id))
                .where(s.active.is_(True))
                .order_by(u.sort_name, s.student_number, s.id)
            ).all()
            groups = conn.execute(
                sa.select(g.id, g.name, o.name.label("org"))
                .select_from(orm.participant_groups.join(orm.organisations, o.id == g.organisation_id))
                .order_by(g.name, o.name, g.id)
            ).all()
        several = len({r.org for r in students} | {r.org for r in groups}) > 1
        return AssignmentChoices(
            students=tuple(
                Option(r.id, f"{_name(r.first_name, r.infix, r.last_name, r.email)} ({r.student_number})"
                             + (f", {r.org}" if several else ""))
                for r in students
            ),
            groups=tuple(Option(r.id, r.name + (f" ({r.org})" if several else "")) for r in groups),
        )
