"""A user's own account: the contact details staff keep beside their name.

Students keep theirs on the 'Student' tab of their portfolio (``domain.students``)."""

from __future__ import annotations

import attrs


@attrs.define(slots=False, eq=False)
class StaffContact:
    """A staff member's phone number (their name and e-mail live on their ``User``)."""

    user_id: int
    phone: str | None = None
    version: int = 1
