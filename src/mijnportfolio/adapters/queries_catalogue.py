"""Read models of the catalogue screens: two SQL statements per page, whatever the size."""

from __future__ import annotations

import math

import sqlalchemy as sa

from mijnportfolio.application.ports.catalogue import ProgrammePage, ProgrammeRow

from . import orm


class SqlAlchemyCatalogueQueries:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def programme_page(self, *, search: str, sort: str, page: int, per_page: int) -> ProgrammePage:
        p = orm.programmes.c
        module_count = (
            sa.select(sa.func.count()).where(orm.modules.c.programme_id == p.id).correlate(orm.programmes).scalar_subquery()
        )
        exam_count = (
            sa.select(sa.func.count()).where(orm.exams.c.programme_id == p.id).correlate(orm.programmes).scalar_subquery()
        )
        student_count = (
            sa.select(sa.func.count()).where(orm.students.c.programme_id == p.id).correlate(orm.programmes).scalar_subquery()
        )
        where = []
        if search:
            needle = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(sa.or_(sa.func.lower(p.name).like(needle, escape="\\"), p.crebo.like(needle, escape="\\")))
        columns = {
            "name": sa.func.lower(p.name),
            "crebo": p.crebo,
            "level": p.level,
            "exams": exam_count,
            "students": student_count,
        }
        key = sort.lstrip("-")
        column = columns.get(key, columns["name"])
        order = [column.desc() if sort.startswith("-") else column.asc(), sa.func.lower(p.name), p.id]
        with self.engine.connect() as conn:
            total = conn.scalar(sa.select(sa.func.count()).select_from(orm.programmes).where(*where)) or 0
            pages = max(1, math.ceil(total / per_page))
            page = min(page, pages)
            rows = conn.execute(
                sa.select(
                    p.id, p.name, p.crebo, p.level,
                    module_count.label("module_count"),
                    exam_count.label("exam_count"),
                    student_count.label("student_count"),
                )
                .where(*where)
                .order_by(*order)
                .limit(per_page)
                .offset((page - 1) * per_page)
            ).all()
        return ProgrammePage(
            rows=tuple(
                ProgrammeRow(
                    id=r.id, name=r.name, crebo=r.crebo, level=r.level,
                    module_count=r.module_count, exam_count=r.exam_count, student_count=r.student_count,
                )
                for r in rows
            ),
            total=total,
            page=page,
            pages=pages,
        )
