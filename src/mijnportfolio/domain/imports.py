"""The student import wizard's persistent state (product.md 4.3)."""

from __future__ import annotations

import datetime as dt

import attrs


@attrs.define(slots=False, eq=False)
class ImportSession:
    """One run of the import wizard. Kept in the database (not the cookie) so that it survives
    a reload and a second browser tab; the uploaded file lives in the file store under
    ``file_key``. ``state`` holds the wizard's choices as plain JSON-able data."""

    id: str
    organisation_id: int
    user_id: int
    filename: str
    file_key: str
    created_at: dt.datetime
    updated_at: dt.datetime
    step: str = "mapping"
    state: dict = attrs.field(factory=dict)
    version: int = 1


@attrs.define(slots=False, eq=False)
class ImportMapping:
    """The column mapping of the last successful import of an organisation, offered next time."""

    organisation_id: int
    mapping: dict = attrs.field(factory=dict)
    updated_at: dt.datetime | None = None
