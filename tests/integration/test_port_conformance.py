"""Every port has an implementation, and every adapter and every fake fits its port.

The ports are the Protocols of ``application/ports/``. Implementations are found by name: a
class whose name ends with the port's name (``SmtpMailer``, ``FakeMailer`` for ``Mailer``;
``SqlAlchemyStudentRepository`` for ``StudentRepository``), in any adapter module or in the
unit tests' fakes; an adapter that serves several ports is named in ``ALSO_IMPLEMENTS``. The
SQLAlchemy adapters are inspected as classes; no database is needed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Protocol

import pytest

import mijnportfolio.adapters
import mijnportfolio.application.ports
from mijnportfolio.application.ports.unit_of_work import UnitOfWork
from tests.unit import fakes

#: Ports whose implementations we know must exist (guards against a renamed class
#: silently dropping out of the name-based discovery).
REQUIRED = {
    "Clock": {"SystemClock", "FixedClock", "FakeClock"},
    "PasswordHasher": {"Argon2PasswordHasher", "FakePasswordHasher"},
    "Mailer": {"SmtpMailer", "ConsoleMailer", "MemoryMailer", "FakeMailer"},
    "FileStore": {"LocalFileStore", "FakeFileStore"},
    "OrganisationRepository": {"SqlAlchemyOrganisationRepository", "FakeOrganisationRepository"},
    "UserRepository": {"SqlAlchemyUserRepository", "FakeUserRepository"},
    "TokenRepository": {"SqlAlchemyTokenRepository", "FakeTokenRepository"},
    "OutboxRepository": {"SqlAlchemyOutboxRepository", "FakeOutboxRepository"},
    "UnitOfWork": {"SqlAlchemyUnitOfWork", "FakeUnitOfWork"},
    "UnitOfWorkFactory": {"SqlAlchemyUnitOfWorkFactory", "FakeUnitOfWorkFactory"},
    "StaffUserQueries": {"SqlAlchemyStaffUserQueries"},
    "StudentImportStore": {"SqlAlchemyStudentImportStore", "FakeStudentImportStore"},
    "AttemptRepository": {"SqlAlchemyAttemptRepository", "FakeAttemptRepository"},
    "CalendarFeedRepository": {"SqlAlchemyCalendarFeedRepository", "FakeCalendarFeedRepository"},
    "CalendarWriter": {"IcalendarCalendarWriter", "FakeCalendarWriter"},
    "OverviewQuery": {"SqlAlchemyOverviewQuery"},
    "DashboardQuery": {"SqlAlchemyDashboardQuery"},
}

#: Adapters that serve more than the port their name ends with.
ALSO_IMPLEMENTS = {
    "StudentFormOptionsQuery": {"SqlAlchemyStudentListQuery"},
    "GroupListQuery": {"SqlAlchemyStudentListQuery"},
    "TabularReader": {"CsvXlsxReader"},
    "PlanningOptionsQuery": {"SqlAlchemyOverviewQuery"},
    "TableData": {"Table"},
}

_PROTOCOL_ONLY = {"__init__", "__subclasshook__", "__class_getitem__", "__init_subclass__"}
_DUNDER_MEMBERS = {"__enter__", "__exit__", "__call__"}


def _is_protocol(obj) -> bool:
    return inspect.isclass(obj) and obj is not Protocol and getattr(obj, "_is_protocol", False)


def _ports() -> dict[str, type]:
    found = {}
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(mijnportfolio.application.ports.__path__, "mijnportfolio.application.ports.")
    ]
    for module in modules:
        for name, obj in vars(module).items():
            if _is_protocol(obj) and obj.__module__ == module.__name__:
                found[name] = obj
    return found


def _adapter_modules():
    for info in pkgutil.walk_packages(mijnportfolio.adapters.__path__, "mijnportfolio.adapters."):
        if ".migrations" in info.name:
            continue  # Alembic scripts run on import
        yield importlib.import_module(info.name)


def _implementations() -> list[type]:
    classes: dict[str, type] = {}
    for module in [*_adapter_modules(), fakes]:
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and obj.__module__ == module.__name__ and not _is_protocol(obj):
                classes[name] = obj
    return list(classes.values())


PORTS = _ports()
IMPLEMENTATIONS = _implementations()


def implementations_of(port_name: str) -> list[type]:
    also = ALSO_IMPLEMENTS.get(port_name, set())
    return [
        cls for cls in IMPLEMENTATIONS
        if (cls.__name__.endswith(port_name) and cls.__name__ != port_name) or cls.__name__ in also
    ]


def port_methods(port: type) -> dict[str, object]:
    methods = {}
    for klass in port.__mro__:
        if klass in (object, Protocol) or klass.__module__ == "typing":
            continue
        for name, member in vars(klass).items():
            if not callable(member) or name in _PROTOCOL_ONLY:
                continue
            if name.startswith("_") and name not in _DUNDER_MEMBERS:
                continue
            methods.setdefault(name, member)
    return methods


def signature_problems(port_method, impl_method, *, generic: bool = False) -> list[str]:
    """Parameters the port promises must be accepted under the same name and kind; extra
    parameters of the implementation need defaults.

    ``generic``: the method is inherited from a shared base (``_Base.add(item)``,
    ``FakeRepository.get(item_id)``) that cannot know the entity's name; its positional
    parameters are matched by position, keyword parameters still by name."""
    problems = []
    port_params = list(inspect.signature(port_method).parameters.values())[1:]  # drop self
    impl_sig = inspect.signature(impl_method)
    impl_params = list(impl_sig.parameters.values())
    if impl_params and impl_params[0].name in ("self", "cls"):
        impl_params = impl_params[1:]
    if generic:
        impl_positional = [p for p in impl_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        port_positional = [p for p in port_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(impl_positional) >= len(port_positional):
            renamed = {i.name: q.name for q, i in zip(port_positional, impl_positional)}
            impl_params = [i.replace(name=renamed.get(i.name, i.name)) for i in impl_params]
    by_name = {p.name: p for p in impl_params}
    has_var_pos = any(p.kind is p.VAR_POSITIONAL for p in impl_params)
    has_var_kw = any(p.kind is p.VAR_KEYWORD for p in impl_params)
    for p in port_params:
        if p.kind is p.VAR_POSITIONAL:
            if not has_var_pos:
                problems.append(f"needs *{p.name}")
            continue
        if p.kind is p.VAR_KEYWORD:
            if not has_var_kw:
                problems.append(f"needs **{p.name}")
            continue
        other = by_name.get(p.name)
        if other is None:
            if not (has_var_kw or (has_var_pos and p.kind is p.POSITIONAL_ONLY)):
                problems.append(f"missing parameter '{p.name}'")
            continue
        positional = {p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD}
        if p.kind in positional and other.kind not in positional:
            problems.append(f"'{p.name}' must be positional")
        if p.kind is p.KEYWORD_ONLY and other.kind not in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD):
            problems.append(f"'{p.name}' must be accepted by keyword")
        if p.default is not p.empty and other.default is p.empty:
            problems.append(f"'{p.name}' must be optional as in the port")
    promised = {p.name for p in port_params}
    for p in impl_params:
        if p.name not in promised and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.default is p.empty:
            problems.append(f"extra required parameter '{p.name}'")
    # Positional order must match, so that positional calls land on the right parameter.
    port_positional = [p.name for p in port_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    impl_positional = [p.name for p in impl_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if impl_positional[: len(port_positional)] != port_positional and not problems:
        problems.append(f"positional order {impl_positional} differs from {port_positional}")
    return problems


CASES = [
    pytest.param(port, impl, id=f"{port_name}-{impl.__name__}")
    for port_name, port in sorted(PORTS.items())
    for impl in implementations_of(port_name)
]


def test_the_ports_are_found():
    assert {"Mailer", "UnitOfWork", "StudentRepository", "StaffUserQueries"} <= set(PORTS)


def test_no_protocol_lives_outside_the_ports_package():
    for info in pkgutil.walk_packages(mijnportfolio.application.__path__, "mijnportfolio.application."):
        if info.name.startswith("mijnportfolio.application.ports"):
            continue
        module = importlib.import_module(info.name)
        stray = [n for n, o in vars(module).items() if _is_protocol(o) and o.__module__ == module.__name__]
        assert not stray, f"{info.name} defines ports outside application/ports/: {stray}"


@pytest.mark.parametrize("port_name", sorted(PORTS))
def test_every_port_has_an_implementation(port_name):
    assert implementations_of(port_name), f"no adapter or fake implements {port_name}"


@pytest.mark.parametrize("port_name, expected", sorted(REQUIRED.items()))
def test_each_known_port_has_its_adapters_and_fakes(port_name, expected):
    assert expected <= {cls.__name__ for cls in implementations_of(port_name)}


def test_every_repository_port_has_a_sqlalchemy_adapter_and_a_fake():
    for name in PORTS:
        if name.endswith("Repository"):
            names = {cls.__name__ for cls in implementations_of(name)}
            assert f"SqlAlchemy{name}" in names, name
            assert f"Fake{name}" in names, name


@pytest.mark.parametrize("port, impl", CASES)
def test_the_implementation_has_every_method_of_its_port(port, impl):
    problems = []
    for name, port_method in port_methods(port).items():
        impl_method = getattr(impl, name, None)
        if impl_method is None or not callable(impl_method):
            problems.append(f"{name}: missing")
            continue
        owner = next(k for k in impl.__mro__ if name in vars(k))
        generic = not owner.__name__.endswith(port.__name__)
        problems += [f"{name}: {p}" for p in signature_problems(port_method, impl_method, generic=generic)]
    assert not problems, f"{impl.__name__} does not fit {port.__name__}: {problems}"


class _StubSession:
    """Just enough of a session for entering and leaving a SqlAlchemyUnitOfWork."""

    def rollback(self) -> None: ...

    def close(self) -> None: ...


def _repository_attributes() -> dict[str, str]:
    hints = {}
    for name, annotation in UnitOfWork.__annotations__.items():
        hints[name] = annotation if isinstance(annotation, str) else annotation.__name__
    return hints


@pytest.mark.parametrize("kind", ["sqlalchemy", "fake"])
def test_a_unit_of_work_offers_every_repository_of_the_port_fitting_its_port(kind):
    from mijnportfolio.adapters.unit_of_work import SqlAlchemyUnitOfWork

    uow = SqlAlchemyUnitOfWork(_StubSession) if kind == "sqlalchemy" else fakes.FakeUnitOfWork()
    with uow:
        for attribute, port_name in _repository_attributes().items():
            repository = getattr(uow, attribute, None)
            assert repository is not None, f"{type(uow).__name__} has no '{attribute}'"
            port = PORTS[port_name]
            missing = [m for m in port_methods(port) if not callable(getattr(repository, m, None))]
            assert not missing, f"{type(uow).__name__}.{attribute} ({type(repository).__name__}) lacks {missing}"
