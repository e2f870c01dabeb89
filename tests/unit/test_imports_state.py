"""The wizard's typed state: what it stores as JSON, and that runs stored by earlier versions load."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.application.imports.state import ImportResult, WizardState
from mijnportfolio.domain.imports import FIELDS, RowError

# A state exactly as the untyped wizard stored it, after 'Importeer studenten'.
OLD_STATE = {
    "kind": "csv",
    "headers": ["Studentnummer", "Roepnaam", "Achternaam", "E-mailadres", "Opleiding", "Praktijkbegeleider", "Klas"],
    "rows": 4,
    "mapping": {"student_number": 0, "first_name": 1, "infix": None, "last_name": 2, "email": 3,
                "programme": 4, "supervisor": 5, "trainer": None, "groups": 6, "cohort": None},
    "resolutions": {"supervisor": {"jan smit": "id:7"}, "group": {"nieuwe groep": "create"}},
    "update_existing": True,
    "invite": False,
    "result": {"created": 2, "updated": 1, "skipped": 0, "error_count": 1, "invited": 0,
               "groups_created": ["Nieuwe groep"], "errors": [[4, "Achternaam ontbreekt."]]},
}


def test_a_state_stored_by_the_untyped_wizard_still_loads():
    state = WizardState.from_json(OLD_STATE)
    assert state.kind == "csv" and state.row_count == 4 and state.headers[1] == "Roepnaam"
    assert state.mapping["groups"] == 6 and state.mapping["infix"] is None
    assert state.resolutions == {"supervisor": {"jan smit": "id:7"}, "group": {"nieuwe groep": "create"}}
    assert state.update_existing is True and state.invite is False
    assert state.result is not None
    assert state.result.summary_line() == "created=2 updated=1 skipped=0 errors=1"
    assert state.result.errors == (RowError(4, "Achternaam ontbreekt."),)
    assert state.result.groups_created == ("Nieuwe groep",)


def test_a_state_goes_to_json_and_back_unchanged():
    state = WizardState.from_json(OLD_STATE)
    stored = json.loads(json.dumps(state.to_json()))
    assert WizardState.from_json(stored) == state
    # The keys stay those of the earlier versions, so a run survives an update either way.
    assert set(stored) == set(OLD_STATE)


def test_a_state_of_a_run_that_has_just_started_has_every_field_and_no_choices():
    state = WizardState.from_json({"kind": "xlsx", "headers": ["Stamnr"], "rows": 1, "mapping": {"student_number": 0},
                                   "resolutions": {}, "update_existing": False, "invite": False})
    assert state.mapping == {f.key: (0 if f.key == "student_number" else None) for f in FIELDS}
    assert state.resolutions == {} and state.result is None


def test_the_stored_result_keeps_the_count_of_all_refused_rows_but_only_the_first_of_them():
    result = ImportResult(created=0, updated=0, skipped=0, errors=[RowError(n, "x") for n in range(1, 602)])
    stored = ImportResult.from_json(result.to_json())
    assert stored.error_count == 601 and len(stored.errors) == 500
    assert stored.summary_line() == result.summary_line()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@given(st.one_of(json_values, st.dictionaries(st.sampled_from(list(OLD_STATE)), json_values)))
def test_a_damaged_state_loads_with_defaults_and_never_raises(data):
    state = WizardState.from_json(data)
    assert set(state.mapping) == {f.key for f in FIELDS}
    assert all(v is None or (isinstance(v, int) and v >= 0) for v in state.mapping.values())
    WizardState.from_json(state.to_json())
