"""Benchmark of the student import (issue 4): 10,000 rows through the same application service
as the web wizard, on a fresh SQLite file.

Targets: preview under 5 s, import under 10 s, peak memory under 300 MB.
Run with `make bench` (part of bench/run.py) or `.venv/bin/python bench/import_bench.py [ROWS] [--json]`.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

from mijnportfolio.adapters.clock import SystemClock
from mijnportfolio.adapters.database import make_engine, make_session_factory
from mijnportfolio.adapters.files import LocalFileStore
from mijnportfolio.adapters.orm import metadata, start_mappers
from mijnportfolio.adapters.tabular import CsvXlsxReader
from mijnportfolio.adapters.unit_of_work import SqlAlchemyUnitOfWorkFactory
from mijnportfolio.application.imports import wizard as imports
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor

FIRST = ["Zoë", "Daniël", "François", "Anaïs", "Jan", "Fatima", "Mohammed", "Sanne", "Çağla", "Lotte"]
INFIX = ["", "van", "de", "van der", "", "", "ter", "", "", "van den"]
LAST = ["Jansen", "de Vries", "Bakker", "Çelik", "Yılmaz", "Brüggemann", "Smit", "Meijer", "El Amrani", "Visser"]


def make_csv(rows: int) -> bytes:
    lines = ["Studentnummer;Roepnaam;Tussenvoegsel;Achternaam;E-mailadres;Opleiding;Praktijkbegeleider;Praktijkopleider;Klas;Cohort"]
    for i in range(rows):
        lines.append(";".join([
            f"{i:07d}", FIRST[i % 10], INFIX[i % 7], LAST[i % 10], f"student{i}@bench.example",
            "Verzorgende-IG" if i % 2 else "25491", "begeleider@bench.example" if i % 3 else "Bas de Begeleider",
            "opleider@bench.example" if i % 4 == 0 else "", f"VIG-{i % 20}", "01-09-2025" if i % 5 == 0 else "2025",
        ]))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def run(rows: int = 10_000) -> dict:
    """Preview and import ``rows`` rows on a fresh SQLite file; the timings, counts and peak memory."""
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    start_mappers()
    metadata.create_all(engine)  # a fresh default SQLite database
    uow = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    clock = SystemClock()
    now = clock.now()
    with uow() as u:
        org = Organisation(name="Bench ROC")
        u.organisations.add(org)
        u.flush()
        u.programmes.add(Programme(name="Verzorgende-IG", crebo="25491", level=3))
        admin = User(email="admin@bench.example", role=Role.ADMIN, last_name="Beheer", created_at=now)
        u.users.add(admin)
        for email, role, first, infix, last in (
            ("begeleider@bench.example", Role.SUPERVISOR, "Bas", "de", "Begeleider"),
            ("opleider@bench.example", Role.TRAINER, "Olga", None, "Opleider"),
        ):
            u.users.add(User(email=email, role=role, first_name=first, infix=infix, last_name=last,
                             organisation_id=org.id, created_at=now))
        u.flush()
        org_id, actor = org.id, Actor(user_id=admin.id, role=Role.ADMIN)
        u.commit()

    data = make_csv(rows)
    store = LocalFileStore(tmp / "uploads")
    reader = CsvXlsxReader()

    t0 = time.perf_counter()
    session_id = imports.start_import(uow(), actor, clock, store, reader, organisation_id=org_id,
                                      filename="bench.csv", data=data)
    view = imports.get_session(uow(), actor, session_id)
    step = imports.save_mapping(uow(), actor, clock, store, reader, session_id, view.mapping)
    if step == "resolve":  # the 20 groups are new: create them, as a user would choose
        ambiguities = imports.list_ambiguities(uow(), actor, store, reader, session_id)
        choices = {amb.key: (amb.options[0].value if amb.kind == "group" else amb.choice or amb.options[0].value)
                   for amb in ambiguities}
        imports.save_resolutions(uow(), actor, clock, store, reader, session_id, choices)
    preview = imports.preview(uow(), actor, store, reader, session_id)
    t1 = time.perf_counter()
    result = imports.run_import(uow(), actor, clock, store, reader, session_id, update_existing=False)
    t2 = time.perf_counter()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    engine.dispose()
    ok = (t1 - t0) < 5 and (t2 - t1) < 10 and peak_mb < 300 and result.created == rows
    return {
        "rows": rows, "file_mb": round(len(data) / 1024 / 1024, 1), "preview_s": round(t1 - t0, 2),
        "import_s": round(t2 - t1, 2), "peak_mb": round(peak_mb), "created": result.created,
        "to_create": preview.create_count, "errors": preview.error_count, "summary": result.summary_line(), "ok": ok,
    }


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 10_000
    figures = run(rows)
    if "--json" in sys.argv:
        import json

        print("BENCH_JSON " + json.dumps(figures))
        return 0 if figures["ok"] else 1
    print(f"rows={rows} file={figures['file_mb']:.1f} MB")
    print(f"preview: {figures['preview_s']:.2f} s (upload, mapping, choices, preview; to create={figures['to_create']}, "
          f"errors={figures['errors']})")
    print(f"import:  {figures['import_s']:.2f} s ({figures['summary']})")
    print(f"peak memory (ru_maxrss, whole process): {figures['peak_mb']:.0f} MB")
    ok = figures["ok"]
    print("OK: within the targets (preview < 5 s, import < 10 s, < 300 MB)" if ok else "NOT within the targets")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
