"""Time a 100,000-row XLSX staff list through the import pages, end to end.

Writes a SIASN-style workbook (the people and units of ``bench_people_import.py``, NIPs as text
cells), then, on a freshly migrated database (SQLite in a temporary folder; PostgreSQL too when
``LMS_BENCH_DATABASE_URL`` is set: its ``public`` schema is DROPPED), drives the real pages with
a logged-in HR session through the Flask test client: upload (the file is read and checked once,
the checked rows parked), preview, confirm (the parked rows compared with the database and
written, without reading the file again). Prints each step's wall and CPU time (this process:
Flask, the reader, SQLite; PostgreSQL's own work is in the wall time only) and the total.

``--readers`` first times reading the workbook alone, as the import reads it: Sinau's reader
(``lms.xlsx``), openpyxl's read-only mode (the reader before), and python-calamine when it is
installed (it is not a dependency: ``pip install python-calamine`` in a scratch venv to compare).

Target (issue 16, point 6): a 100,000-row XLSX end to end under 15 s.

    python bench/bench_import_xlsx.py [--rows 100000] [--units 1000] [--keep FILE.xlsx] [--readers]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_people_import import (  # noqa: E402 - the same made-up province as the CSV bench
    BACK,
    FIRST,
    FRONT,
    HEADER,
    LAST,
    POSITIONS,
    random_nip,
    unit_paths,
)


def workbook(path: Path, rows: int, units: int, seed: int = 7) -> None:
    """A write-only workbook as SIASN exports it: one sheet, a header row, NIPs as text."""
    rnd = random.Random(seed)
    paths = unit_paths(units, rnd)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Pegawai")
    sheet.append(HEADER)
    seen: set[str] = set()
    for i in range(rows):
        pppk = rnd.random() < 0.15
        nip = random_nip(rnd, pppk)
        while nip in seen:
            nip = random_nip(rnd, pppk)
        seen.add(nip)
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        position, kind, rank = rnd.choice(POSITIONS)
        sheet.append([nip, f"{first} {last}", rnd.choice(FRONT), rnd.choice(BACK), position,
                      kind, rnd.choice(paths), rank, "PPPK" if pppk else "PNS",
                      f"{first.lower()}.{last.lower()}{i}@jatimprov.go.id"])  # fmt: skip
    book.save(path)


def run(label: str, url: str, data: bytes, instance: Path) -> None:
    from flask_migrate import upgrade

    from lms import create_app
    from lms.accounts.models import Role
    from lms.accounts.services import create_user
    from lms.config import testing_config
    from lms.extensions import db
    from lms.notice.services import current_version
    from tests.factories import make_session

    config = testing_config(url, str(instance))
    config["WTF_CSRF_ENABLED"] = False
    config["TESTING"] = False
    app = create_app(config)
    with app.app_context():
        upgrade()
        hr = create_user(full_name="HR Bench", email="bench-hr@sintetis.invalid",
                         roles={Role.HR.value})  # fmt: skip
        hr.privacy_version = current_version()
        db.session.flush()
        token = f"{hr.id}:{make_session(hr)}"
        db.session.commit()
    client = app.test_client()

    def lap() -> tuple[float, float]:
        nonlocal step, cpu
        now, now_cpu = time.perf_counter(), time.process_time()
        took = (now - step, now_cpu - cpu)
        step, cpu = now, now_cpu
        return took

    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True

    times = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    step, cpu = started, cpu_started
    response = client.post("/admin/people/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "pegawai.xlsx")})  # fmt: skip
    if response.status_code != 302:
        errors = re.findall(
            r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True)
        )
        raise SystemExit(f"upload refused ({response.status_code}): {errors}")
    parked = response.headers["Location"]
    times["upload (read, check, compare, park)"] = lap()

    page = client.get(parked)
    assert page.status_code == 200 and "Simpan ke Sinau" in page.get_data(as_text=True)
    times["preview page"] = lap()
    done = client.post(f"{parked}/confirm", follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith("/import"), (
        done.status_code
    )
    times["confirm (compare again, write)"] = lap()
    total = (time.perf_counter() - started, time.process_time() - cpu_started)
    with app.app_context():
        from sqlalchemy import func, select

        from lms.accounts.models import User

        people = db.session.scalar(select(func.count(User.id))) - 1
    print(f"\n{label}: {people:,} people imported   load average {os.getloadavg()[0]:.1f}")
    for name, (seconds, cpu_seconds) in times.items():
        print(f"  {name:<38} {seconds:6.1f} s   CPU {cpu_seconds:5.1f} s")
    print(f"  {'end to end':<38} {total[0]:6.1f} s   CPU {total[1]:5.1f} s")


def compare_readers(data: bytes) -> None:
    """Read every row of the workbook with each reader; CPU and wall time, same values or not."""
    import zipfile

    from openpyxl import load_workbook

    from lms.xlsx import Workbook as SinauWorkbook

    def sinau() -> list:
        book = SinauWorkbook(zipfile.ZipFile(io.BytesIO(data)))
        return list(book.rows(book.sheets[0]))

    def openpyxl() -> list:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        sheet.reset_dimensions()
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    readers = {"lms.xlsx (Sinau)": sinau, "openpyxl read-only": openpyxl}
    try:
        from python_calamine import CalamineWorkbook

        def calamine() -> list:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            return [list(row) for row in sheet.iter_rows()]

        readers["python-calamine"] = calamine
    except ImportError:
        pass
    first = None
    for name, read in readers.items():
        wall, cpu = time.perf_counter(), time.process_time()
        rows = read()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        same = "" if first is None else f"  same values: {rows == first}"
        first = rows if first is None else first
        print(f"  {name:<20} {len(rows):,} rows  {wall:6.1f} s   CPU {cpu:5.1f} s   load "
              f"{os.getloadavg()[0]:.1f}{same}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--keep", help="keep the workbook at this path and reuse it")
    parser.add_argument("--readers", action="store_true", help="time the XLSX readers first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sinau-bench-") as folder:
        tmp = Path(folder)
        path = tmp / "pegawai.xlsx"
        started = time.perf_counter()
        if args.keep:  # the same workbook again (writing it takes longer than importing it)
            path = Path(args.keep)
        if not path.exists():
            workbook(path, args.rows, args.units)
        data = path.read_bytes()
        print(f"wrote {args.rows:,} rows ({len(data) / 1e6:.1f} MB XLSX) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        if args.readers:
            compare_readers(data)
        run("SQLite", f"sqlite:///{tmp / 'bench.sqlite'}", data, tmp / "instance-sqlite")
        url = os.environ.get("LMS_BENCH_DATABASE_URL")
        if url:
            from sqlalchemy import create_engine, text

            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
            run("PostgreSQL", url, data, tmp / "instance-pg")


if __name__ == "__main__":
    main()
