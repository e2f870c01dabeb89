"""Participant groups (product.md 4.2, manual 1.4): manage them and add/remove students in bulk."""

from __future__ import annotations

from typing import Iterable, Sequence

import attrs

from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DuplicateName,
    GroupNotEmpty,
    InvalidValue,
    NotFound,
)
from mijnportfolio.domain.permissions import Actor, Permission, require, student_scope
from mijnportfolio.domain.students import ParticipantGroup, validate_group_fields

from .ports.students import (
    GroupListQuery,
    GroupRow,
    StudentListFilters,
    StudentListQuery,
)
from .ports.unit_of_work import UnitOfWork

GROUP_NOT_FOUND = "Deze deelnemergroep bestaat niet."
ADD = "add"
REMOVE = "remove"
ACTION_LABELS = {ADD: "Toevoegen aan deelnemersgroep", REMOVE: "Verwijderen uit deelnemersgroep"}


@attrs.frozen
class GroupData:
    organisation_id: int | None
    name: str
    category: str | None = None
    description: str | None = None


def _organisation_for(actor: Actor, requested: int | None) -> int | None:
    """Admins choose the organisation; everyone else works in their own."""
    return requested if actor.is_admin else actor.organisation_id


def list_groups(query: GroupListQuery, actor: Actor, category: str | None = None) -> Sequence[GroupRow]:
    require(actor, Permission.MANAGE_GROUPS)
    organisation_id = None if actor.is_admin else actor.organisation_id
    return query.group_rows(organisation_id, category or None)


def group_categories(query: GroupListQuery, actor: Actor) -> Sequence[str]:
    require(actor, Permission.MANAGE_GROUPS)
    return query.group_categories(None if actor.is_admin else actor.organisation_id)


def _check_unique(uow: UnitOfWork, organisation_id: int, name: str, group_id: int | None) -> None:
    other = uow.groups.get_by_name(organisation_id, name)
    if other is not None and other.id != group_id:
        raise DuplicateName(f"Er bestaat al een deelnemergroep '{other.name}' in deze organisatie.", field="name")


def create_group(uow: UnitOfWork, actor: Actor, data: GroupData) -> int:
    """'Deelnemergroep toevoegen': name unique within the organisation, optional category."""
    organisation_id = _organisation_for(actor, data.organisation_id)
    require(actor, Permission.MANAGE_GROUPS, organisation_id=organisation_id)
    name, category, description = validate_group_fields(data.name, data.category, data.description)
    with uow:
        if organisation_id is None or uow.organisations.get(organisation_id) is None:
            raise InvalidValue("Kies de organisatie van de deelnemergroep.", field="organisation_id")
        _check_unique(uow, organisation_id, name, None)
        group = ParticipantGroup(organisation_id=organisation_id, name=name, category=category, description=description)
        uow.groups.add(group)
        uow.flush()
        uow.commit()
        return group.id  # type: ignore[return-value]


def _group(uow: UnitOfWork, actor: Actor, group_id: int) -> ParticipantGroup:
    group = uow.groups.get(group_id)
    if group is None:
        raise NotFound(GROUP_NOT_FOUND)
    if not actor.is_admin and group.organisation_id != actor.organisation_id:
        # A group of another organisation does not exist for this user.
        raise NotFound(GROUP_NOT_FOUND)
    require(actor, Permission.MANAGE_GROUPS, organisation_id=group.organisation_id)
    return group


@attrs.frozen
class GroupForEdit(GroupData):
    """A group's current values with the version to send back on save."""

    version: int = 0


def get_group(uow: UnitOfWork, actor: Actor, group_id: int) -> GroupForEdit:
    require(actor, Permission.MANAGE_GROUPS)
    with uow:
        group = _group(uow, actor, group_id)
        return GroupForEdit(group.organisation_id, group.name, group.category, group.description, version=group.version)


def update_group(
    uow: UnitOfWork, actor: Actor, group_id: int, data: GroupData, *, expected_version: int | None = None
) -> None:
    """Rename or recategorise a group (it stays in its organisation). With ``expected_version``
    (what the form was loaded with) an edit saved by someone else meanwhile is refused."""
    require(actor, Permission.MANAGE_GROUPS)
    name, category, description = validate_group_fields(data.name, data.category, data.description)
    with uow:
        group = _group(uow, actor, group_id)
        if expected_version is not None and group.version != expected_version:
            raise ConcurrentModification()
        _check_unique(uow, group.organisation_id, name, group.id)
        group.name, group.category, group.description = name, category, description
        uow.commit()


def delete_group(uow: UnitOfWork, actor: Actor, group_id: int, *, confirm: bool = False) -> tuple[str, int]:
    """Delete a group; one that still has members only with ``confirm`` (the students stay).

    Returns (name, number of members it had)."""
    require(actor, Permission.MANAGE_GROUPS)
    with uow:
        group = _group(uow, actor, group_id)
        members = uow.groups.member_count(group.id)  # type: ignore[arg-type]
        if members and not confirm:
            raise GroupNotEmpty(
                f"Deelnemergroep '{group.name}' heeft nog {members} "
                f"{'deelnemer' if members == 1 else 'deelnemers'}. Bevestig dat je de groep toch wilt verwijderen."
            )
        name = group.name
        uow.groups.delete(group)
        uow.commit()
        return name, members


@attrs.frozen
class BulkSelection:
    """Which students a bulk action is about: the ticked ids, or everyone matching the filters."""

    student_ids: tuple[int, ...] = ()
    all_matching: bool = False
    filters: StudentListFilters = StudentListFilters()
    mine: bool = False


PREVIEW_NAMES = 20


@attrs.frozen
class BulkPreview:
    action: str
    group_id: int
    group_name: str
    count: int
    names: tuple[str, ...] = ()  # the first PREVIEW_NAMES students, in list order

    @property
    def more(self) -> int:
        """How many selected students the confirmation does not name."""
        return self.count - len(self.names)

    @property
    def question(self) -> str:
        students = "student" if self.count == 1 else "studenten"
        if self.action == ADD:
            return f"Weet je zeker dat je {self.count} {students} wilt toevoegen aan groep {self.group_name}?"
        return f"Weet je zeker dat je {self.count} {students} wilt verwijderen uit groep {self.group_name}?"


@attrs.frozen
class BulkResult:
    action: str
    group_name: str
    changed: int  # added or removed
    unchanged: int  # already a member / was not a member
    skipped: int  # of another organisation than the group

    @property
    def message(self) -> str:
        def n(count: int) -> str:
            return f"{count} {'student' if count == 1 else 'studenten'}"

        if self.action == ADD:
            parts = [f"{n(self.changed)} toegevoegd aan deelnemergroep {self.group_name}."]
            if self.unchanged:
                parts.append(f"{n(self.unchanged)} {'was' if self.unchanged == 1 else 'waren'} al lid.")
        else:
            parts = [f"{n(self.changed)} verwijderd uit deelnemergroep {self.group_name}."]
            if self.unchanged:
                parts.append(f"{n(self.unchanged)} {'was' if self.unchanged == 1 else 'waren'} geen lid.")
        if self.skipped:
            parts.append(f"{n(self.skipped)} overgeslagen: andere organisatie dan de groep.")
        return " ".join(parts)


def _check_action(action: str) -> None:
    if action not in ACTION_LABELS:
        raise InvalidValue("Kies een actie.", field="action")


def _check_request(action: str, group_id: int | None, selection: BulkSelection) -> int:
    """In the order the user meets the controls: students, then the action, then the group."""
    if not selection.all_matching and not selection.student_ids:
        raise InvalidValue("Selecteer eerst een of meer studenten.", field="student_ids")
    _check_action(action)
    if group_id is None:
        raise InvalidValue("Kies een deelnemergroep.", field="group_id")
    return group_id


def _resolve_ids(query: StudentListQuery, actor: Actor, selection: BulkSelection) -> list[int]:
    """The selected students the actor may see: never trust ids from the browser."""
    scope = student_scope(actor, mine=selection.mine)
    if selection.all_matching:
        ids = query.ids(scope, selection.filters)
    elif not selection.student_ids:
        raise InvalidValue("Selecteer eerst een of meer studenten.", field="student_ids")
    else:
        ids = query.ids(scope, StudentListFilters(active=None), among=selection.student_ids)
    if not ids:
        raise InvalidValue("Er zijn geen studenten geselecteerd.", field="student_ids")
    return ids


def preview_bulk_action(
    uow: UnitOfWork, query: StudentListQuery, actor: Actor, action: str, group_id: int | None, selection: BulkSelection
) -> BulkPreview:
    """What 'Voer uit' is about to do, for the confirmation: the group, the number of students
    and the names of the first of them."""
    require(actor, Permission.MANAGE_GROUPS)
    group_id = _check_request(action, group_id, selection)
    with uow:
        group = _group(uow, actor, group_id)
        name = group.name
        ids = _resolve_ids(query, actor, selection)
        shown = ids[:PREVIEW_NAMES]
        by_id = {s.id: s for s in uow.students.list_by_ids(shown)}
        names = tuple(
            f"{by_id[i].full_name} ({by_id[i].student_number})" for i in shown if i in by_id
        )
    return BulkPreview(action=action, group_id=group_id, group_name=name, count=len(ids), names=names)


def apply_bulk_action(
    uow: UnitOfWork, query: StudentListQuery, actor: Actor, action: str, group_id: int | None, selection: BulkSelection
) -> BulkResult:
    """Add the selected students to, or remove them from, a group, all in one unit of work."""
    require(actor, Permission.MANAGE_GROUPS)
    _check_request(action, group_id, selection)
    if action == ADD:
        return bulk_add_to_group(uow, query, actor, group_id, selection)
    return bulk_remove_from_group(uow, query, actor, group_id, selection)


def _bulk(
    uow: UnitOfWork, query: StudentListQuery, actor: Actor, group_id: int | None, selection: BulkSelection, action: str
) -> BulkResult:
    require(actor, Permission.MANAGE_GROUPS)
    group_id = _check_request(action, group_id, selection)
    ids = _resolve_ids(query, actor, selection)
    changed = unchanged = skipped = 0
    with uow:
        group = _group(uow, actor, group_id)
        for student in uow.students.list_by_ids(ids):
            if student.organisation_id != group.organisation_id:
                skipped += 1
                continue
            done = student.join(group) if action == ADD else student.leave(group)
            if done:
                changed += 1
            else:
                unchanged += 1
        name = group.name
        uow.commit()
    return BulkResult(action=action, group_name=name, changed=changed, unchanged=unchanged, skipped=skipped)


def bulk_add_to_group(
    uow: UnitOfWork, query: StudentListQuery, actor: Actor, group_id: int | None, selection: BulkSelection
) -> BulkResult:
    """'Toevoegen aan deelnemersgroep': members already in the group are counted, not doubled."""
    return _bulk(uow, query, actor, group_id, selection, ADD)


def bulk_remove_from_group(
    uow: UnitOfWork, query: StudentListQuery, actor: Actor, group_id: int | None, selection: BulkSelection
) -> BulkResult:
    """'Verwijderen uit deelnemersgroep'."""
    return _bulk(uow, query, actor, group_id, selection, REMOVE)


def parse_ids(values: Iterable[str]) -> tuple[int, ...]:
    """Student ids from a form; anything that is not a number is ignored."""
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return tuple(dict.fromkeys(ids))

