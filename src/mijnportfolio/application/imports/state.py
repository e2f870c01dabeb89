"""What the import wizard remembers between its steps, and what an import did.

``ImportSession.state`` is a JSON column, so a run survives a reload, a second tab and a new
version of the application. ``WizardState`` is the one typed view of it: every step reads the
stored JSON through ``WizardState.from_json`` and writes it back with ``to_json``. Reading is
forgiving on purpose: a state written by an older version (or damaged) loads with defaults for
what it lacks, it never breaks the wizard.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import attrs

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.imports import RowError

RESULT_ERROR_LIMIT = 500  # refused rows kept for the result page; the count is always complete


def _int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))


def _error_tuple(errors: Iterable[RowError]) -> tuple[RowError, ...]:
    return tuple(errors)


def _text_tuple(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(texts)


def row_error_to_json(error: RowError) -> list[Any]:
    return [error.row_number, error.reason, error.sheet_row, error.student_number, error.name]


def row_error_from_json(value: object) -> RowError | None:
    """One stored refused row: ``[row number, reason, sheet row, student number, name]``;
    earlier versions stored only ``[row number, reason]``."""
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return None
    number = _int(value[0], -1)
    if number < 0:
        return None
    extra = list(value[2:5]) + [None] * (5 - len(value))
    sheet_row = _int(extra[0], -1)
    return RowError(number, _text(value[1]), sheet_row=sheet_row if sheet_row >= 0 else None,
                    student_number=_text(extra[1]), name=_text(extra[2]))


@attrs.frozen
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    created: int
    updated: int
    skipped: int
    errors: tuple[RowError, ...] = attrs.field(converter=_error_tuple)
    groups_created: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple)
    invited: int = 0
    dry_run: bool = False
    # The stored result keeps only the first refused rows; it still knows how many there were.
    error_count: int = attrs.field(default=attrs.Factory(lambda self: len(self.errors), takes_self=True))

    def summary_line(self) -> str:
        return f"created={self.created} updated={self.updated} skipped={self.skipped} errors={self.error_count}"

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created, "updated": self.updated, "skipped": self.skipped,
            "error_count": self.error_count, "invited": self.invited,
            "groups_created": list(self.groups_created),
            "errors": [row_error_to_json(e) for e in self.errors[:RESULT_ERROR_LIMIT]],
        }

    @classmethod
    def from_json(cls, data: object) -> ImportResult:
        data = data if isinstance(data, Mapping) else {}
        raw_errors = data.get("errors")
        errors = [
            e for e in (row_error_from_json(v) for v in (raw_errors if isinstance(raw_errors, list) else []))
            if e is not None
        ]
        return cls(
            created=_int(data.get("created")), updated=_int(data.get("updated")),
            skipped=_int(data.get("skipped")), errors=errors,
            groups_created=_texts(data.get("groups_created")), invited=_int(data.get("invited")),
            error_count=_int(data.get("error_count"), len(errors)),
        )


def _mapping_from_json(value: object) -> dict[str, int | None]:
    stored = value if isinstance(value, Mapping) else {}
    mapping: dict[str, int | None] = {}
    for field in rules.FIELDS:
        index = stored.get(field.key)
        mapping[field.key] = index if isinstance(index, int) and not isinstance(index, bool) and index >= 0 else None
    return mapping


def _resolutions_from_json(value: object) -> dict[str, dict[str, str]]:
    stored = value if isinstance(value, Mapping) else {}
    resolutions: dict[str, dict[str, str]] = {}
    for kind in rules.REFERENCE_KINDS:
        choices = stored.get(kind)
        if isinstance(choices, Mapping):
            clean = {k: v for k, v in choices.items() if isinstance(k, str) and isinstance(v, str)}
            if clean:
                resolutions[kind] = clean
    return resolutions


@attrs.frozen
class WizardState:
    """The wizard's knowledge of one run: the file's shape (kind, headers, number of rows), the
    user's choices (column mapping, resolutions of unknown or ambiguous values, update existing
    students, invite new ones) and, once imported, the result.

    ``mapping`` maps every field key to a column index or None. ``resolutions`` maps a
    reference kind ('programme', ...) to {folded value in the file: choice}."""

    kind: str = ""
    headers: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple)
    row_count: int = 0
    mapping: Mapping[str, int | None] = attrs.field(factory=dict)
    resolutions: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    update_existing: bool = False
    invite: bool = False
    result: ImportResult | None = None

    @classmethod
    def for_file(cls, kind: str, headers: Sequence[str], row_count: int, mapping: Mapping[str, int | None]) -> WizardState:
        return cls(kind=kind, headers=tuple(headers), row_count=row_count, mapping=dict(mapping))

    @classmethod
    def from_json(cls, data: object) -> WizardState:
        """The stored state; unknown keys are ignored and missing or malformed ones get defaults."""
        data = data if isinstance(data, Mapping) else {}
        result = data.get("result")
        return cls(
            kind=_text(data.get("kind")),
            headers=_texts(data.get("headers")),
            row_count=_int(data.get("rows")),
            mapping=_mapping_from_json(data.get("mapping")),
            resolutions=_resolutions_from_json(data.get("resolutions")),
            update_existing=data.get("update_existing") is True,
            invite=data.get("invite") is True,
            result=ImportResult.from_json(result) if isinstance(result, Mapping) else None,
        )

    def to_json(self) -> dict[str, Any]:
        # The key names are those of the earlier untyped state, so both read each other's runs.
        data: dict[str, Any] = {
            "kind": self.kind,
            "headers": list(self.headers),
            "rows": self.row_count,
            "mapping": dict(self.mapping),
            "resolutions": {kind: dict(choices) for kind, choices in self.resolutions.items()},
            "update_existing": self.update_existing,
            "invite": self.invite,
        }
        if self.result is not None:
            data["result"] = self.result.to_json()
        return data
