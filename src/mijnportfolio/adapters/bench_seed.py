"""A large, realistic, deterministic organisation for the benchmark (``mijnportfolio seed-bench``).

Everything is written with SQLAlchemy Core ``executemany`` in chunks, with ids assigned here, so
10,000 students take seconds rather than minutes: no ORM unit of work, no flush per row. The
password is hashed once and that hash is shared by every account (``bench1234``).

The same ``seed`` gives the same organisation. Every entity draws from a random generator of its
own (``Random(f"{seed}:student:{k}")``), so bench-student-1 has the same attempts whatever the
number of students: statement counts at two sizes compare the same people.

Accounts (all with password ``bench1234``): ``bench-admin@bench.example``,
``bench-supervisor-<i>@bench.example`` (1 to about students/25), ``bench-trainer-<i>@...``,
``bench-examiner-<i>@...`` (``bench-examiner-1`` is the busy one: at least 500 open parts once
there are 1,000 students or more) and ``bench-student-<k>@...`` (1 to students).

Never in production: the accounts have a known password (the CLI refuses, and so does this).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from typing import Any, Iterable, Sequence

import attrs
import sqlalchemy as sa

from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.questionnaires import QuestionKind
from mijnportfolio.domain.values import sort_key_for_name

from . import orm

BENCH_PASSWORD = "bench1234"
BENCH_DOMAIN = "bench.example"
BENCH_ORGANISATION = "Bench ROC"
BUSY_EXAMINER_OPEN_PARTS = 600
CRITERIA_PER_PART = 5
CHUNK = 5000
UTC = dt.timezone.utc


class BenchSeedRefused(RuntimeError):
    """Bench accounts with a known password must never exist in production, nor twice."""


def bench_email(role: str, number: int | None = None) -> str:
    """``bench-student-3@bench.example``; ``bench_email("admin")`` for the one admin."""
    return f"bench-{role}@{BENCH_DOMAIN}" if number is None else f"bench-{role}-{number}@{BENCH_DOMAIN}"


# --- names and texts ----------------------------------------------------------------------------

FIRST_NAMES = (
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Bram", "Thijs", "Jesse", "Ruben", "Luuk",
    "Mohammed", "Ayoub", "Yusuf", "Emre", "Daniël", "Joël", "Stijn", "Niels", "Jeroen", "Kevin", "Rick",
    "Emma", "Julia", "Sophie", "Mila", "Tess", "Zoë", "Sara", "Anna", "Lotte", "Fleur", "Noor", "Lisa",
    "Fenna", "Isa", "Eva", "Saar", "Nina", "Femke", "Sanne", "Iris", "Fatima", "Yasmina", "Aya", "Chaima",
    "Elif", "Çağla", "Anaïs", "Chloë", "Naomi", "Priya", "Esmée", "Maud", "Roos", "Britt", "Demi", "Kim",
)
LAST_NAMES = (
    (None, "Jansen"), ("de", "Jong"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), (None, "Bakker"),
    (None, "Janssen"), (None, "Visser"), (None, "Smit"), (None, "Meijer"), ("de", "Boer"), (None, "Mulder"),
    ("de", "Groot"), (None, "Bos"), (None, "Vos"), (None, "Peters"), (None, "Hendriks"), ("van", "Leeuwen"),
    (None, "Dekker"), (None, "Brouwer"), ("de", "Wit"), (None, "Dijkstra"), (None, "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), (None, "Kok"), (None, "Jacobs"), ("de", "Haan"),
    (None, "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"),
    ("van der", "Heijden"), (None, "Schouten"), ("van", "Beek"), (None, "Willems"), ("van", "Vliet"),
    ("van de", "Ven"), (None, "Hoekstra"), (None, "Maas"), (None, "Verhoeven"), (None, "Koster"), ("van", "Dam"),
    ("van der", "Wal"), (None, "Prins"), (None, "Blom"), (None, "Huisman"), ("de", "Koning"), (None, "Yılmaz"),
    (None, "El Amrani"), (None, "Çelik"), (None, "Bouzid"), (None, "Kaya"), (None, "Nguyen"), (None, "Öztürk"),
    (None, "Brüggemann"), (None, "Benali"), (None, "Postma"), ("ter", "Horst"), ("van 't", "Hof"),
)
PROGRAMMES = (
    ("Verzorgende-IG", "VIG", 3), ("Maatschappelijke Zorg", "MZ", 3), ("Pedagogisch medewerker", "PM", 3),
    ("Doktersassistent", "DA", 4), ("Apothekersassistent", "AA", 4), ("Mbo-Verpleegkundige", "MBOV", 4),
    ("Helpende Zorg en Welzijn", "HZW", 2), ("Sociaal werker", "SW", 4), ("Onderwijsassistent", "OA", 4),
    ("Sport- en bewegingsleider", "SB", 3), ("Facilitair dienstverlener", "FD", 2), ("Zelfstandig werkend kok", "KOK", 3),
)
EXAM_THEMES = (
    "Zorg en ondersteuning", "Begeleiden van de cliënt", "Afstemmen en coördineren", "Kwaliteit en veiligheid",
    "Communicatie en samenwerking", "Methodisch werken", "Gezondheid en leefstijl", "Professionele houding",
    "Plannen en organiseren", "Signaleren en rapporteren", "Voorlichting en advies", "Reflectie en ontwikkeling",
)
LOCATIONS = (
    "Zorgcentrum De Linde", "Thuiszorg Oost", "Verpleeghuis Het Baken", "Wijkteam Centrum", "Kinderopvang De Vlinder",
    "Huisartsenpraktijk Zuid", "Apotheek De Gaper", "Ziekenhuis Rivierenland", "Woonzorg De Eik", "Basisschool De Regenboog",
)
CRITERION_TEXTS = (
    "De student brengt de situatie en de wensen van de zorgvrager in kaart door observatie en gesprek.",
    "De student signaleert veranderingen en meldt die tijdig aan de juiste persoon.",
    "De student werkt volgens de richtlijnen voor hygiëne, infectiepreventie en veiligheid.",
    "De student communiceert respectvol en afgestemd op de ander, met aandacht voor privacy.",
    "De student rapporteert objectief, volledig en volgens de afspraken.",
    "De student plant de eigen taken, stelt prioriteiten en stemt die af met het team.",
    "De student reflecteert op het eigen handelen en benoemt concrete leerpunten.",
)
DESCRIPTORS = {
    "1": "Laat het niet zien; moet volledig worden overgenomen.",
    "2": "Onvoldoende: belangrijke stappen ontbreken.",
    "3": "Voldoende: voert het uit zoals afgesproken.",
    "4": "Goed: voert het zelfstandig en volledig uit.",
    "5": "Uitstekend: zelfstandig, volledig en goed onderbouwd.",
}
JUSTIFICATIONS = {
    1: "Niet laten zien tijdens de observatie.",
    2: "Onvoldoende: belangrijke stappen ontbraken en de student moest worden bijgestuurd.",
    5: "Uitstekend: zelfstandig, volledig en goed onderbouwd uitgevoerd.",
}

# The kinds of attempt, with their weights: every status of the overview appears.
KINDS = (
    ("none", 18), ("some_future", 8), ("some_started", 8), ("all_future", 12), ("started", 14),
    ("passed", 28), ("failed", 12),
)


@attrs.frozen
class BenchReport:
    """What was created, how long it took, and how many open parts the busy examiner has."""

    counts: dict[str, int]
    kinds: dict[str, int]
    busy_examiner_open_parts: int
    seconds: float

    def summary_line(self) -> str:
        made = ", ".join(f"{name}={count}" for name, count in self.counts.items() if count)
        return (
            f"Benchdata geladen in {self.seconds:.1f} s: {made}; bench-examiner-1 heeft "
            f"{self.busy_examiner_open_parts} openstaande onderdelen. Wachtwoord '{BENCH_PASSWORD}'."
        )


def _utc_day(now: dt.datetime, days: int, hour: int) -> dt.datetime:
    moment = now.astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment + dt.timedelta(days=days)


def _name(rng: random.Random) -> tuple[str, str | None, str]:
    infix, last = rng.choice(LAST_NAMES)
    return rng.choice(FIRST_NAMES), infix, last


def _user(uid: int, email: str, role: Role, name: tuple[str, str | None, str], organisation_id: int | None,
          password_hash: str, now: dt.datetime, active: bool = True) -> dict[str, Any]:
    first, infix, last = name
    return {
        "id": uid, "email": email, "role": role, "first_name": first, "infix": infix, "last_name": last,
        "sort_name": sort_key_for_name(first, infix, last), "organisation_id": organisation_id,
        "password_hash": password_hash, "active": active, "language": "nl", "created_at": now, "version": 1,
    }


class _Ids:
    """Ids after the highest one in each table, so the bench can join data already there."""

    def __init__(self, conn: sa.Connection, tables: Iterable[sa.Table]) -> None:
        self._next = {}
        for table in tables:
            if "id" in table.c:
                self._next[table.name] = (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1

    def take(self, table: sa.Table) -> int:
        value = self._next[table.name]
        self._next[table.name] = value + 1
        return value


def _insert(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]], counts: Counter) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        if not (conn.dialect.paramstyle == "qmark" and _insert_positional(conn, table, chunk)):
            conn.execute(table.insert(), list(chunk))
    counts[table.name] += len(rows)


def _insert_positional(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> bool:
    """The same rows as ``conn.execute(table.insert(), rows)``, through the driver's executemany with
    each column's bind processor applied once per distinct value (the seed repeats its moments,
    names and enums): on SQLite, building the parameters was most of the seed's time. Columns left
    out get their scalar default; a table whose missing column has another kind of default is left
    to SQLAlchemy (False)."""
    if not rows:
        return True
    keys = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.key in rows[0] or column.default is None:
            continue
        if not getattr(column.default, "is_scalar", False):
            return False
        defaults[column.key] = getattr(column.default, "arg")
    dialect = conn.dialect
    values: list[list[Any]] = []
    for name in keys + list(defaults):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        column_values = [row[name] for row in rows] if name in rows[0] else [defaults[name]] * len(rows)
        if process is not None:
            column_values = _processed(column_values, process)
        values.append(column_values)
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.format_column(table.c[name]) for name in keys + list(defaults))
    marks = ", ".join("?" for _ in values)
    conn.exec_driver_sql(f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({marks})", list(zip(*values)))
    return True


def _processed(column_values: list[Any], process: Any) -> list[Any]:
    seen: dict[Any, Any] = {}
    out = []
    for value in column_values:
        try:
            out.append(seen[value])
        except KeyError:
            seen[value] = done = process(value)
            out.append(done)
        except TypeError:  # unhashable (a JSON list or dict)
            out.append(process(value))
    return out


def seed_bench(
    engine: sa.Engine, password_hash: str, now: dt.datetime, *, students: int, programmes: int = 3, exams: int = 12,
    parts: int = 3, seed: int = 1, production: bool = False,
) -> BenchReport:
    """Create the bench organisation: staff, groups, programmes with exams, ``students`` students
    with attempts in every status, final assessments with scores, drafts, and (when those tables
    exist in the database) messages and questionnaire responses. ``password_hash`` is the hash of
    BENCH_PASSWORD, made once by the caller with the app's hasher."""
    if production:
        raise BenchSeedRefused(
            "seed-bench is geweigerd: MIJNPORTFOLIO_ENV=production. Bench-accounts met een bekend "
            "wachtwoord horen niet in productie."
        )
    if students < 1 or programmes < 1 or exams < 1 or parts < 1:
        raise ValueError("students, programmes, exams and parts must each be at least 1")
    started = time.perf_counter()
    present = set(sa.inspect(engine).get_table_names())
    with engine.begin() as conn:
        if conn.execute(sa.select(orm.organisations.c.id).where(orm.organisations.c.name == BENCH_ORGANISATION)).first():
            raise BenchSeedRefused(f"Er is al een organisatie '{BENCH_ORGANISATION}': seed-bench hoort op een lege database.")
        builder = _Builder(conn, password_hash, now, seed, present)
        report = builder.build(students, programmes, exams, parts)
        if engine.dialect.name == "postgresql":
            for table in orm.metadata.sorted_tables:
                if table.name in present and "id" in table.c and isinstance(table.c.id.type, sa.Integer) and table.c.id.primary_key:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    ))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return attrs.evolve(report, seconds=time.perf_counter() - started)


class _Builder:
    def __init__(self, conn: sa.Connection, password_hash: str, now: dt.datetime, seed: int, present: set[str]) -> None:
        self.conn = conn
        self.hash = password_hash
        self.now = now.astimezone(UTC)
        self.seed = seed
        self.present = present
        self.ids = _Ids(conn, [t for t in orm.metadata.sorted_tables if t.name in present])
        self.counts: Counter = Counter()

    def rng(self, *key: object) -> random.Random:
        return random.Random(":".join(str(k) for k in (self.seed, *key)))

    def insert(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        _insert(self.conn, table, rows, self.counts)

    # --- the organisation, its staff and its catalogue ----------------------------------------------

    def build(self, n: int, n_programmes: int, n_exams: int, n_parts: int) -> BenchReport:
        now = self.now
        org_id = self.ids.take(orm.organisations)
        self.insert(orm.organisations, [{"id": org_id, "name": BENCH_ORGANISATION, "examiners_may_plan": False, "version": 1}])

        users: list[dict[str, Any]] = []
        admin_id = self.ids.take(orm.users)
        users.append(_user(admin_id, bench_email("admin"), Role.ADMIN, ("Anna", None, "Beheer"), None, self.hash, now))
        staff: dict[Role, list[int]] = {}
        for role, label, count in (
            (Role.SUPERVISOR, "supervisor", max(2, n // 25)),
            (Role.TRAINER, "trainer", max(1, n // 40)),
            (Role.EXAMINER, "examiner", max(4, n // 100)),
        ):
            for i in range(1, count + 1):
                uid = self.ids.take(orm.users)
                users.append(_user(uid, bench_email(label, i), role, _name(self.rng(label, i)), org_id, self.hash, now))
                staff.setdefault(role, []).append(uid)
        supervisors, trainers, examiners = staff[Role.SUPERVISOR], staff[Role.TRAINER], staff[Role.EXAMINER]

        programme_rows, module_rows, exam_rows, part_rows, task_rows, wp_rows, criterion_rows = [], [], [], [], [], [], []
        existing_crebos = set(self.conn.execute(sa.select(orm.programmes.c.crebo)).scalars())
        crebo = 25400
        programme_ids: list[int] = []
        exams_of: dict[int, list[tuple[int, list[tuple[int, list[int]]]]]] = {}  # programme -> [(exam, [(part, [criteria])])]
        abbreviations: dict[int, str] = {}
        for pi in range(n_programmes):
            name, abbreviation, level = PROGRAMMES[pi % len(PROGRAMMES)]
            if pi >= len(PROGRAMMES):
                name, abbreviation = f"{name} {pi // len(PROGRAMMES) + 1}", f"{abbreviation}{pi // len(PROGRAMMES) + 1}"
            while str(crebo) in existing_crebos:
                crebo += 1
            pid = self.ids.take(orm.programmes)
            programme_rows.append({"id": pid, "name": name, "crebo": str(crebo), "level": level, "version": 1})
            crebo += 1
            programme_ids.append(pid)
            abbreviations[pid] = abbreviation
            mid = self.ids.take(orm.modules)
            module_rows.append({"id": mid, "programme_id": pid, "name": f"Kwalificatiedeel {name}", "position": 1})
            exams_of[pid] = []
            for ei in range(1, n_exams + 1):
                eid = self.ids.take(orm.exams)
                theme = EXAM_THEMES[(ei - 1) % len(EXAM_THEMES)]
                exam_rows.append({
                    "id": eid, "programme_id": pid, "module_id": mid, "code": f"{abbreviation}-P{ei:02d}",
                    "name": f"Proeve van bekwaamheid {ei}: {theme}",
                    "planning_instruction": "Plan de onderdelen in overleg met de praktijkopleider, tijdens een gewone dienst.",
                    "location": "Op de leerwerkplek van de student.", "max_attempts": 3, "pass_mark": "5.5",
                    "justification_scores": "1,2,5", "work_process_minimum": None, "position": ei, "version": 1,
                })
                wps: list[int] = []
                for ti in (1, 2):
                    tid = self.ids.take(orm.core_tasks)
                    task_rows.append({"id": tid, "exam_id": eid, "code": f"B1-K{ti}", "title": f"Kerntaak {ti}: {theme}",
                                      "position": ti})
                    for wi in (1, 2):
                        wid = self.ids.take(orm.work_processes)
                        wp_rows.append({"id": wid, "exam_id": eid, "core_task_id": tid, "code": f"B1-K{ti}-W{wi}",
                                        "title": f"Werkproces {ti}.{wi}", "position": len(wps) + 1})
                        wps.append(wid)
                exam_parts = []
                for number in range(1, n_parts + 1):
                    part_id = self.ids.take(orm.exam_parts)
                    part_rows.append({"id": part_id, "exam_id": eid, "number": number, "title": f"Onderdeel {number}"})
                    criteria = []
                    for position in range(1, CRITERIA_PER_PART + 1):
                        cid = self.ids.take(orm.criteria)
                        criterion_rows.append({
                            "id": cid, "part_id": part_id, "work_process_id": wps[(position - 1) % len(wps)],
                            "text": CRITERION_TEXTS[(number + position) % len(CRITERION_TEXTS)],
                            "knock_out": position == 3, "descriptors": DESCRIPTORS, "position": position,
                        })
                        criteria.append(cid)
                    exam_parts.append((part_id, criteria))
                exams_of[pid].append((eid, exam_parts))
        self.insert(orm.programmes, programme_rows)
        self.insert(orm.modules, module_rows)
        self.insert(orm.exams, exam_rows)
        self.insert(orm.exam_parts, part_rows)
        self.insert(orm.core_tasks, task_rows)
        self.insert(orm.work_processes, wp_rows)
        self.insert(orm.criteria, criterion_rows)

        # --- students and their groups -----------------------------------------------------------
        def programme_of(k: int) -> int:
            # Two in five students follow the first programme (2,000 of 5,000): one big overview.
            if n_programmes == 1 or (k - 1) % 5 < 2:
                return programme_ids[0]
            return programme_ids[1 + ((k - 1) // 5 * 3 + (k - 1) % 5 - 2) % (n_programmes - 1)]

        cohorts = ("2023", "2024", "2025", "2026")
        group_rows: list[dict[str, Any]] = []
        class_groups: dict[tuple[int, str], list[int]] = {}
        per_programme = Counter(programme_of(k) for k in range(1, n + 1))
        for pid in programme_ids:
            for cohort in cohorts:
                classes = max(1, -(-per_programme[pid] // (25 * len(cohorts))))
                for ci in range(classes):
                    gid = self.ids.take(orm.participant_groups)
                    name = f"{abbreviations[pid]}-{cohort[2:]}{chr(65 + ci % 26)}{ci // 26 or ''}"
                    group_rows.append({"id": gid, "organisation_id": org_id, "name": name, "category": "Klas",
                                       "description": f"Klas {name}, cohort {cohort}", "version": 1})
                    class_groups.setdefault((pid, cohort), []).append(gid)
        location_groups = []
        for li in range(max(2, n // 60)):
            gid = self.ids.take(orm.participant_groups)
            base = LOCATIONS[li % len(LOCATIONS)]
            name = base if li < len(LOCATIONS) else f"{base} {li // len(LOCATIONS) + 1}"
            group_rows.append({"id": gid, "organisation_id": org_id, "name": name, "category": "Locatie",
                               "description": f"Leerwerkplek {name}", "version": 1})
            location_groups.append(gid)
        self.insert(orm.participant_groups, group_rows)

        student_rows, memberships = [], []
        student_ids: list[int] = []
        student_user: dict[int, int] = {}
        student_info: dict[int, tuple[int, int, bool]] = {}  # student -> (programme, supervisor, active)
        for k in range(1, n + 1):
            rng = self.rng("student", k)
            uid = self.ids.take(orm.users)
            active = k <= 10 or rng.random() >= 0.01
            users.append(_user(uid, bench_email("student", k), Role.STUDENT, _name(rng), org_id, self.hash, now, active))
            sid = self.ids.take(orm.students)
            pid = programme_of(k)
            cohort = cohorts[(k - 1) % len(cohorts)]
            supervisor = supervisors[(k - 1) % len(supervisors)]
            student_rows.append({
                "id": sid, "organisation_id": org_id, "user_id": uid, "student_number": f"{100000 + k}",
                "programme_id": pid, "supervisor_id": supervisor,
                "trainer_id": trainers[(k - 1) % len(trainers)] if rng.random() < 0.8 else None,
                "cohort": cohort, "phone": f"06-{rng.randrange(10_000_000, 99_999_999)}",
                "introduction": None, "active": active, "version": 1,
            })
            group_ids = class_groups[(pid, cohort)]
            memberships.append({"student_id": sid, "group_id": group_ids[(k - 1) // len(cohorts) % len(group_ids)]})
            memberships.append({"student_id": sid, "group_id": location_groups[(k - 1) % len(location_groups)]})
            student_ids.append(sid)
            student_user[sid] = uid
            student_info[sid] = (pid, supervisor, active)
        self.insert(orm.users, users)
        self.insert(orm.students, student_rows)
        self.insert(orm.student_groups, memberships)

        kinds, busy_open = self._attempts(student_ids, student_info, exams_of, examiners)
        if {"messages", "message_recipients"} <= self.present:
            self._messages(student_ids, student_user, student_info, admin_id)
        if {"questionnaires", "questionnaire_questions", "questionnaire_assignments",
                "questionnaire_responses", "questionnaire_answers"} <= self.present:
            self._questionnaires(student_ids, admin_id, [g["id"] for g in group_rows if g["category"] == "Klas"], memberships)
        return BenchReport(counts=dict(self.counts), kinds=dict(kinds), busy_examiner_open_parts=busy_open, seconds=0.0)

    # --- attempts, plannings and assessments -------------------------------------------------------

    def _attempts(self, student_ids, student_info, exams_of, examiners) -> tuple[Counter, int]:
        now = self.now
        names, weights = zip(*KINDS)
        attempts: list[dict[str, Any]] = []
        plannings: list[dict[str, Any]] = []
        criteria_of: dict[int, list[int]] = {}
        kinds: Counter = Counter()
        others = examiners[1:]
        busy = examiners[0]
        for sid in student_ids:
            pid, supervisor, active = student_info[sid]
            for eid, exam_parts in exams_of[pid]:
                rng = self.rng("attempt", sid - student_ids[0] + 1, eid - exams_of[pid][0][0] + 1)
                kind = rng.choices(names, weights)[0]
                kinds[kind] += 1
                if kind == "none":
                    continue
                sequence = [kind]
                if kind == "failed" and rng.random() < 0.4:
                    sequence.append(rng.choice(("some_future", "all_future", "started", "passed")))
                for number, attempt_kind in enumerate(sequence, start=1):
                    aid = self.ids.take(orm.attempts)
                    offset = -rng.randint(150, 300) if number < len(sequence) else 0
                    rows = self._plannings(rng, aid, attempt_kind, exam_parts, offset, others, supervisor)
                    final = [p for p in rows if p["finalized_at"] is not None]
                    complete = attempt_kind in ("passed", "failed")
                    first = min(p["starts_at"] for p in rows)
                    attempts.append({
                        "id": aid, "student_id": sid, "exam_id": eid, "number": number,
                        "created_at": min(now, first) - dt.timedelta(days=14), "created_by_id": supervisor,
                        "result_passed": (attempt_kind == "passed") if complete else None,
                        "result_at": max(p["finalized_at"] for p in final) if complete else None,
                        "updated_at": max(p["finalized_at"] for p in final) if final else None, "version": 1,
                    })
                    for row in rows:
                        row["_passed"] = attempt_kind != "failed"
                        row["_active"] = active
                    plannings.extend(rows)
                for part_id, criteria in exam_parts:
                    criteria_of[part_id] = criteria

        # The busy examiner (bench-examiner-1) gets a sample of the open parts, some upcoming
        # ones and some final ones: the Examendashboard of someone with 500 things to do.
        rng = self.rng("busy")
        open_rows = [i for i, p in enumerate(plannings) if p["finalized_at"] is None and p["starts_at"] <= now and p["_active"]]
        future_rows = [i for i, p in enumerate(plannings) if p["starts_at"] > now]
        final_rows = [i for i, p in enumerate(plannings) if p["finalized_at"] is not None]
        chosen = rng.sample(open_rows, min(len(open_rows), BUSY_EXAMINER_OPEN_PARTS))
        chosen += rng.sample(future_rows, min(len(future_rows), 60))
        chosen += rng.sample(final_rows, min(len(final_rows), 150))
        for i in chosen:
            plannings[i]["examiner1_id"] = busy
            if plannings[i]["examiner2_id"] == busy:
                plannings[i]["examiner2_id"] = None
        busy_open = sum(1 for i in open_rows if plannings[i]["examiner1_id"] == busy)

        assessments: list[dict[str, Any]] = []
        scores: list[dict[str, Any]] = []
        for index, row in enumerate(plannings):
            started = row["assessment_started_at"]
            if started is None:
                continue
            srng = self.rng("scores", index)
            criteria = criteria_of[row["part_id"]]
            examiner_ids = [row["examiner1_id"]] + ([row["examiner2_id"]] if row["examiner2_id"] else [])
            if row["finalized_at"] is None:
                examiner_ids = examiner_ids[:1]  # an open part: a draft by examiner 1
            for position, examiner_id in enumerate(examiner_ids):
                asid = self.ids.take(orm.assessments)
                submitted = row["finalized_at"] is not None and position == 0
                assessments.append({
                    "id": asid, "planning_id": row["id"], "examiner_id": examiner_id, "started_at": started,
                    "updated_at": row["finalized_at"] or started, "submitted_at": row["finalized_at"] if submitted else None,
                    "submitted_by_id": examiner_id if submitted else None, "version": 2 if submitted else 1,
                })
                if submitted:
                    row["final_assessment_id"] = asid
                scored = criteria if row["finalized_at"] is not None else criteria[: srng.randint(1, len(criteria))]
                for cid in scored:
                    value = srng.choice((3, 4, 4, 4, 5) if row["_passed"] else (1, 2, 2, 3, 4))
                    scores.append({"assessment_id": asid, "criterion_id": cid, "score": value,
                                   "justification": JUSTIFICATIONS.get(value, "")})
        for row in plannings:
            del row["_passed"], row["_active"]
        self.insert(orm.attempts, attempts)
        self.insert(orm.part_plannings, plannings)
        self.insert(orm.assessments, assessments)
        self.insert(orm.assessment_scores, scores)
        return kinds, busy_open

    def _plannings(self, rng, attempt_id, kind, exam_parts, offset, examiners, planner) -> list[dict[str, Any]]:
        """The planned parts of one attempt of ``kind``; ``offset`` (days) moves an earlier attempt back."""
        now = self.now
        count = len(exam_parts)
        if kind in ("some_future", "some_started") and count > 1:
            planned = rng.randint(1, count - 1)
        else:
            planned = count
        past = kind in ("some_started", "started", "passed", "failed") or offset < 0
        base = -rng.randint(3, 120) if past else rng.randint(2, 60)
        rows = []
        for index, (part_id, _criteria) in enumerate(exam_parts[:planned]):
            days = base + offset + index * 2
            if not past:
                days = max(1, days)
            elif days >= 0:
                days = -1
            start = _utc_day(now, days, rng.choice((7, 8, 11, 12)))
            final = kind in ("passed", "failed") or (kind == "started" and index < planned - 1 and rng.random() < 0.4)
            if kind == "some_started" and index == 0 and rng.random() < 0.3:
                final = True
            draft = not final and start <= now and rng.random() < 0.3
            examiner1 = examiners[rng.randrange(len(examiners))] if examiners else planner
            examiner2 = examiners[rng.randrange(len(examiners))] if examiners and rng.random() < 0.3 else None
            pid = self.ids.take(orm.part_plannings)
            rows.append({
                "id": pid, "attempt_id": attempt_id, "part_id": part_id, "starts_at": start,
                "ends_at": start + dt.timedelta(hours=3), "location": "Op de leerwerkplek van de student.",
                "examiner1_id": examiner1, "examiner2_id": examiner2 if examiner2 != examiner1 else None,
                "examiner2_may_submit": rng.random() < 0.5, "calendar_uid": f"bench-{pid}@mijnportfolio",
                "calendar_sequence": 0, "planned_at": min(now, start) - dt.timedelta(days=14), "planned_by_id": planner,
                "assessment_started_at": start if (final or draft) else None,
                "finalized_at": start + dt.timedelta(hours=3) if final else None, "final_assessment_id": None,
                "version": 2 if final else 1,
            })
        return rows

    # --- messages and questionnaires ---------------------------------------------------------------

    def _messages(self, student_ids, student_user, student_info, admin_id) -> None:
        now = self.now
        messages: list[dict[str, Any]] = []
        recipients: list[dict[str, Any]] = []

        def send(sender: int, to: Sequence[int], subject: str, body: str, sent_at: dt.datetime, read: float,
                 rng: random.Random, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
            mid = self.ids.take(orm.messages)
            message = {"id": mid, "sender_id": sender, "subject": subject, "body": body, "sent_at": sent_at,
                       "reply_to_id": reply_to["id"] if reply_to else None,
                       "thread_id": (reply_to["thread_id"] or reply_to["id"]) if reply_to else None}
            messages.append(message)
            for user_id in to:
                recipients.append({"id": self.ids.take(orm.message_recipients), "message_id": mid, "user_id": user_id,
                                   "read_at": sent_at + dt.timedelta(hours=2) if rng.random() < read else None})
            return message

        by_supervisor: dict[int, list[int]] = {}
        for sid in student_ids:
            by_supervisor.setdefault(student_info[sid][1], []).append(student_user[sid])
        for index, (supervisor, users) in enumerate(sorted(by_supervisor.items()), start=1):
            rng = self.rng("group-message", index)
            send(supervisor, users, "Planning proeven dit blok",
                 "Beste studenten,\n\nDe proeven van dit blok worden de komende weken ingepland. Kijk in je "
                 "portfolio wanneer jouw onderdelen zijn.\n\nGroet, je begeleider",
                 _utc_day(now, -rng.randint(5, 20), 9), 0.7, rng)
        send(admin_id, [student_user[sid] for sid in student_ids[:2000]], "Onderhoud MijnPortfolio",
             "Zaterdag is MijnPortfolio tussen 8.00 en 10.00 uur niet bereikbaar.", _utc_day(now, -3, 8), 0.5, self.rng("admin"))
        for k, sid in enumerate(student_ids, start=1):
            rng = self.rng("messages", k)
            supervisor, user = student_info[sid][1], student_user[sid]
            first = send(supervisor, [user], "Voortgang stage",
                         "Hoi, hoe gaat het op je stage? Laat even weten of je al een datum hebt voor je proeve.",
                         _utc_day(now, -rng.randint(10, 60), 10), 0.8, rng)
            if rng.random() < 0.6:
                reply = send(user, [supervisor], "Re: Voortgang stage",
                             "Het gaat goed! Mijn praktijkopleider plant de proeve in overleg met de examinator.",
                             first["sent_at"] + dt.timedelta(days=1), 0.6, rng, reply_to=first)
                if rng.random() < 0.5:
                    send(supervisor, [user], "Re: Voortgang stage", "Top, succes met de voorbereiding!",
                         reply["sent_at"] + dt.timedelta(hours=5), 0.5, rng, reply_to=reply)
            if rng.random() < 0.3:
                send(supervisor, [user], "Beoordeling beschikbaar",
                     "Er staat een nieuwe beoordeling voor je klaar in MijnPortfolio.",
                     _utc_day(now, -rng.randint(1, 9), 14), 0.4, rng)
        self.insert(orm.messages, messages)
        self.insert(orm.message_recipients, recipients)

    def _questionnaires(self, student_ids, admin_id, class_ids, memberships) -> None:
        now = self.now
        definitions = (
            ("Evaluatie beroepspraktijkvorming", "Hoe was je stage? Je antwoorden helpen de school en de leerbedrijven."),
            ("Tevredenheid opleiding", "Jaarlijkse vragenlijst over de opleiding."),
            ("Reflectie op je proeve", "Kijk terug op je laatste proeve van bekwaamheid."),
        )
        questionnaires, questions, assignments, responses, answers = [], [], [], [], []
        question_ids: dict[int, list[tuple[int, QuestionKind]]] = {}
        for qi, (title, description) in enumerate(definitions, start=1):
            qid = self.ids.take(orm.questionnaires)
            questionnaires.append({"id": qid, "title": title, "description": description,
                                   "created_at": _utc_day(now, -90, 9), "created_by_id": admin_id, "version": 1})
            question_ids[qid] = []
            for position, (kind, text, options) in enumerate((
                (QuestionKind.SCALE, "Hoe tevreden ben je over de begeleiding?", []),
                (QuestionKind.SCALE, "Hoe goed sloot de opdracht aan bij je opleiding?", []),
                (QuestionKind.CHOICE, "Zou je dit leerbedrijf aanraden aan een medestudent?", ["Ja", "Misschien", "Nee"]),
                (QuestionKind.OPEN, "Wat ging er goed?", []),
                (QuestionKind.OPEN, "Wat kan er beter?", []),
            ), start=1):
                question_id = self.ids.take(orm.questionnaire_questions)
                questions.append({"id": question_id, "questionnaire_id": qid, "position": position, "kind": kind,
                                  "text": text, "options": options})
                question_ids[qid].append((question_id, kind))
            for gid in class_ids:
                assignments.append({"id": self.ids.take(orm.questionnaire_assignments), "questionnaire_id": qid,
                                    "student_id": None, "group_id": gid, "deadline": _utc_day(now, 30 * qi - 40, 22),
                                    "assigned_at": _utc_day(now, -60, 9), "assigned_by_id": admin_id})
        for k, sid in enumerate(student_ids, start=1):
            rng = self.rng("questionnaire", k)
            for qi, qid in enumerate(question_ids, start=1):
                if rng.random() >= (0.7, 0.5, 0.3)[(qi - 1) % 3]:
                    continue
                rid = self.ids.take(orm.questionnaire_responses)
                start = _utc_day(now, -rng.randint(2, 50), 19)
                submitted = rng.random() < 0.8
                responses.append({"id": rid, "questionnaire_id": qid, "student_id": sid, "started_at": start,
                                  "updated_at": start + dt.timedelta(minutes=12),
                                  "submitted_at": start + dt.timedelta(minutes=12) if submitted else None,
                                  "version": 2 if submitted else 1})
                for question_id, kind in question_ids[qid]:
                    answers.append({
                        "id": self.ids.take(orm.questionnaire_answers), "response_id": rid, "question_id": question_id,
                        "text": rng.choice(("Goede begeleiding.", "Veel geleerd van de collega's.", "Meer tijd voor reflectie.",
                                            "De planning was soms krap.")) if kind is QuestionKind.OPEN else None,
                        "choice": rng.randrange(3) if kind is QuestionKind.CHOICE else None,
                        "scale": rng.randint(2, 5) if kind is QuestionKind.SCALE else None,
                    })
        self.insert(orm.questionnaires, questionnaires)
        self.insert(orm.questionnaire_questions, questions)
        self.insert(orm.questionnaire_assignments, assignments)
        self.insert(orm.questionnaire_responses, responses)
        self.insert(orm.questionnaire_answers, answers)
