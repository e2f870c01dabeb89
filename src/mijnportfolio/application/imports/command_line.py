"""``mijnportfolio import-students``: the whole import at once, refusing what needs a choice."""

from __future__ import annotations

from typing import Sequence

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.imports import FileRefused, RowError
from mijnportfolio.domain.permissions import Actor, Permission, require

from ..ports.common import Clock
from ..ports.imports import TabularReader
from ..ports.unit_of_work import UnitOfWork
from .plan import plan_rows
from .state import ImportResult
from .write import import_store, remember_mapping, write_plan


def resolve_overrides(headers: Sequence[str], overrides: Sequence[str]) -> dict[str, int | None]:
    """``--map FIELD=COLUMN`` values: FIELD a key, Dutch label or synonym; COLUMN a header
    (case- and punctuation-insensitive) or a 1-based column number; empty COLUMN unmaps."""
    result: dict[str, int | None] = {}
    for item in overrides:
        if "=" not in item:
            raise FileRefused(f"--map '{item}' moet de vorm VELD=KOLOM hebben.")
        name, column = (part.strip() for part in item.split("=", 1))
        key = rules.field_key(name)
        if key is None:
            known = ", ".join(f.key for f in rules.FIELDS)
            raise FileRefused(f"--map: onbekend veld '{name}'. Bekende velden: {known}.")
        if not column:
            result[key] = None
            continue
        index = next((i for i, h in enumerate(headers) if h == column), None)
        if index is None:
            index = next((i for i, h in enumerate(headers) if rules.normalise_header(h) == rules.normalise_header(column)), None)
        if index is None and column.isdigit() and 1 <= int(column) <= len(headers):
            index = int(column) - 1
        if index is None:
            raise FileRefused(f"--map: het bestand heeft geen kolom '{column}'.")
        result[key] = index
    return result


def refused_row_line(error: RowError) -> str:
    """'row 3: E-mailadres ontbreekt. (rij 4 in het bestand, studentnummer 00123, Fleur van der
    Berg)': the documented ``row N: reason`` (N counting data rows from 1, for scripts), then
    what lets a person find the row in the spreadsheet."""
    line = f"row {error.row_number}: {error.reason}"
    return f"{line} ({error.details})" if error.details else line


def import_file(
    uow: UnitOfWork, actor: Actor, clock: Clock, reader: TabularReader, *,
    organisation_name: str, filename: str, data: bytes, overrides: Sequence[str] = (),
    update_existing: bool = False, dry_run: bool = False,
) -> ImportResult:
    """``mijnportfolio import-students``: map by headers (``overrides`` win), refuse rows with
    unknown or ambiguous programmes, supervisors and trainers, import the rest in one
    transaction. A group that does not exist yet is created: a command line cannot ask, and a
    script that names groups means them (the wizard asks instead). FileRefused for a file
    refused as a whole (nothing imported)."""
    table = reader.read(data, filename)
    with uow:
        organisation = uow.organisations.get_by_name(organisation_name or "")
        if organisation is None or organisation.id is None:
            raise FileRefused(f"Organisatie '{organisation_name}' bestaat niet.")
        organisation_id = organisation.id
        require(actor, Permission.MANAGE_STUDENTS, organisation_id=organisation_id)
        saved = uow.import_mappings.get(organisation_id)
        mapping = rules.suggest_mapping(table.headers, saved.mapping if saved else None)
        explicit = resolve_overrides(table.headers, overrides)
        for index in {i for i in explicit.values() if i is not None}:
            for key, current in list(mapping.items()):
                if current == index and key not in explicit:
                    mapping[key] = None  # a column serves one field; the explicit one wins
        mapping.update(explicit)
        missing = rules.missing_required(mapping)
        if missing:
            raise FileRefused(
                "Het bestand mist een kolom voor: " + ", ".join(missing)
                + ". Geef de kolom aan met --map VELD=KOLOM."
            )
        plan = plan_rows(table, mapping, {}, import_store(uow), organisation_id, update_existing=update_existing)
        if dry_run:
            return ImportResult(
                created=len(plan.creates), updated=len(plan.updates) if update_existing else 0,
                skipped=0 if update_existing else len(plan.updates), errors=plan.errors,
                groups_created=plan.groups_to_create, dry_run=True,
            )
        result = write_plan(uow, clock, organisation_id, plan, update_existing=update_existing)
        remember_mapping(uow, clock, organisation_id, mapping, table.headers)
        uow.commit()
        return result


