"""Ports of the catalogue: programmes, modules, exams, and the programme list's records."""

from __future__ import annotations

from typing import Protocol, Sequence

import attrs

from mijnportfolio.domain.catalogue import Exam, Module, Programme


class ProgrammeRepository(Protocol):
    """Programmes (opleidingen)."""

    def add(self, programme: Programme) -> None: ...

    def get(self, programme_id: int) -> Programme | None: ...

    def get_by_crebo(self, crebo: str) -> Programme | None: ...

    def list(self) -> Sequence[Programme]: ...

    def student_count(self, programme_id: int) -> int:
        """How many students (active or not) follow the programme."""
        ...

    def delete(self, programme: Programme) -> None: ...


class ModuleRepository(Protocol):
    """Modules of programmes."""

    def add(self, module: Module) -> None: ...

    def get(self, module_id: int) -> Module | None: ...

    def list_for_programme(self, programme_id: int) -> Sequence[Module]: ...

    def delete(self, module: Module) -> None: ...


class ExamRepository(Protocol):
    """Exams with their parts, core tasks, work processes and criteria (one aggregate)."""

    def add(self, exam: Exam) -> None: ...

    def get(self, exam_id: int) -> Exam | None: ...

    def get_by_code(self, programme_id: int, code: str) -> Exam | None: ...

    def list_for_programme(self, programme_id: int) -> Sequence[Exam]: ...

    def delete(self, exam: Exam) -> None: ...


@attrs.frozen
class ProgrammeRow:
    id: int
    name: str
    crebo: str
    level: int
    module_count: int
    exam_count: int
    student_count: int


@attrs.frozen
class ProgrammePage:
    rows: tuple[ProgrammeRow, ...]
    total: int
    page: int
    pages: int


class CatalogueQueries(Protocol):
    """Lists for the catalogue screens, in a fixed number of SQL statements whatever the size."""

    def programme_page(self, *, search: str, sort: str, page: int, per_page: int) -> ProgrammePage: ...


