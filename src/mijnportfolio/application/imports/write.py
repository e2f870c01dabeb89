"""Writing an import: every importable row of a plan, in the caller's unit of work."""

from __future__ import annotations

import secrets
from typing import Callable, Mapping, Sequence

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.imports import ImportMapping
from mijnportfolio.domain.tokens import LIFETIMES, TokenPurpose, UserToken
from mijnportfolio.domain.values import display_name, sort_key_for_name

from ..auth import hash_token, invitation_email
from ..mail import outbox_message
from ..ports.common import Clock
from ..ports.imports import NewStudent, StudentImportStore, StudentUpdate
from ..ports.unit_of_work import UnitOfWork
from .plan import NewGroup, Plan
from .state import ImportResult


def import_store(uow: UnitOfWork) -> StudentImportStore:
    return uow.student_import


def write_plan(
    uow: UnitOfWork,
    clock: Clock,
    organisation_id: int,
    plan: Plan,
    *,
    update_existing: bool,
    invitation_url: Callable[[str], str] | None = None,
) -> ImportResult:
    """All writes of one import, inside the caller's unit of work (which commits or not)."""
    store = import_store(uow)
    now = clock.now()
    group_ids = store.create_groups(organisation_id, plan.groups_to_create) if plan.groups_to_create else {}

    def group_id(g: int | NewGroup) -> int | None:
        return g if isinstance(g, int) else group_ids.get(rules.fold(g.name))

    new = [
        NewStudent(
            student_number=row.student_number, email=row.email, first_name=row.first_name, infix=row.infix,
            last_name=row.last_name, sort_name=sort_key_for_name(row.first_name, row.infix, row.last_name),
            programme_id=refs.programme_id, supervisor_id=refs.supervisor_id, trainer_id=refs.trainer_id,
            cohort=row.cohort,
        )
        for row, refs in plan.creates
    ]
    ids = store.insert_students(organisation_id, new, now) if new else []
    pairs: set[tuple[int, int]] = set()
    for (row, refs), (student_id, _user_id) in zip(plan.creates, ids):
        pairs.update((student_id, gid) for g in refs.groups if (gid := group_id(g)) is not None)

    updated = 0
    if update_existing and plan.updates:
        changes = []
        for row, refs, old in plan.updates:
            # An import adds and corrects; an empty optional cell never erases what is known.
            first_name = row.first_name or old.first_name
            infix = row.infix or old.infix
            changes.append(
                StudentUpdate(
                    student_id=old.student_id, user_id=old.user_id, email=row.email, first_name=first_name,
                    infix=infix, last_name=row.last_name,
                    sort_name=sort_key_for_name(first_name, infix, row.last_name),
                    programme_id=refs.programme_id, supervisor_id=refs.supervisor_id,
                    trainer_id=refs.trainer_id if refs.trainer_id is not None else old.trainer_id,
                    cohort=row.cohort or old.cohort,
                )
            )
            pairs.update((old.student_id, gid) for g in refs.groups if (gid := group_id(g)) is not None)
        store.update_students(changes)
        updated = len(changes)
    if pairs:
        store.add_memberships(sorted(pairs))

    invited = 0
    if invitation_url is not None and new:
        tokens, messages = [], []
        for student, (_sid, user_id) in zip(new, ids):
            token = secrets.token_urlsafe(32)
            tokens.append(UserToken(
                user_id=user_id, purpose=TokenPurpose.INVITATION, token_hash=hash_token(token),
                created_at=now, expires_at=now + LIFETIMES[TokenPurpose.INVITATION],
            ))
            name = display_name(student.first_name, student.infix, student.last_name)
            messages.append(outbox_message(invitation_email(name, student.email, invitation_url(token)), now))
        store.add_invitations(tokens, messages)
        invited = len(tokens)

    return ImportResult(
        created=len(new),
        updated=updated,
        skipped=0 if update_existing else len(plan.updates),
        errors=plan.errors,
        groups_created=plan.groups_to_create,
        invited=invited,
    )


def remember_mapping(
    uow: UnitOfWork, clock: Clock, organisation_id: int, mapping: Mapping[str, int | None], headers: Sequence[str]
) -> None:
    """Save the mapping of a successful import, as header names, to offer with the next file."""
    saved = uow.import_mappings.get(organisation_id)
    value = rules.mapping_to_save(mapping, headers)
    if saved is None:
        uow.import_mappings.add(ImportMapping(organisation_id=organisation_id, mapping=value, updated_at=clock.now()))
    else:
        saved.mapping = value
        saved.updated_at = clock.now()


