"""Time ``flask lms people import`` on a realistic 100,000-row SIASN-style CSV.

Generates the file (1,000 units in a 3-level tree, valid random NIPs, Indonesian names; BOM, ';'
separators and leading apostrophes as Excel in Indonesia writes them) in a temporary folder, then
runs the real command against a fresh SQLite database, and against PostgreSQL when
``LMS_BENCH_DATABASE_URL`` is set (its ``public`` schema is DROPPED and recreated: point it at a
throw-away database). For each run it prints the wall time, rows per second and the peak memory
(maximum resident set size) of the command's process. The target: every run under a minute.

    python bench/bench_people_import.py [--rows 100000] [--units 1000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(ROOT))
from lms.reports.synthetic import FIRST, LAST  # noqa: E402 - one list of names for both

FRONT = ["", "", "", "", "Dr.", "Ir.", "drg."]
BACK = ["", "S.Kom.", "S.E.", "S.H.", "S.Sos.", "M.M.", "M.T.", "S.Kep., Ners", "A.Md.", "S.Pd."]
OPD = ["Dinas", "Badan", "Biro", "RSUD", "UPT"]
TOPICS = [
    "Kesehatan",
    "Pendidikan",
    "Komunikasi dan Informatika",
    "Perhubungan",
    "Pertanian",
    "Kelautan dan Perikanan",
    "Sosial",
    "Perindustrian",
    "Koperasi",
    "Lingkungan Hidup",
    "Pekerjaan Umum",
    "Kebudayaan",
    "Pariwisata",
    "Kehutanan",
    "Peternakan",
    "Energi",
]
POSITIONS = [("Pranata Komputer Ahli Muda", "Jabatan Fungsional Tertentu", "III/c"),
             ("Analis Kebijakan Ahli Pertama", "Fungsional", "III/a"),
             ("Pengelola Layanan Operasional", "Pelaksana", "II/c"),
             ("Kepala Seksi", "Pengawas", "III/d"),
             ("Kepala Bidang", "Administrator", "IV/a"),
             ("Perawat Ahli Pertama", "Fungsional", "Penata Muda Tk. I (III/b)"),
             ("Penata Kelola Sistem dan Teknologi Informasi", "Pelaksana", "IX")]  # fmt: skip
HEADER = ["NIP BARU", "NAMA", "GELAR DEPAN", "GELAR BELAKANG", "JABATAN", "JENIS JABATAN",
          "UNIT KERJA", "GOL/RUANG", "STATUS PEGAWAI", "EMAIL"]  # fmt: skip


def unit_paths(count: int, rnd: random.Random) -> list[str]:
    """``count`` unit paths in a 3-level tree: OPD > Bidang > Seksi (about 1 : 6 : 18)."""
    paths: list[str] = []
    n_opd = max(count // 25, 1)
    for i in range(n_opd):
        opd = f"{OPD[i % len(OPD)]} {TOPICS[i % len(TOPICS)]} {i // len(TOPICS) + 1}"
        paths.append(opd)
        for b in range(6):
            bidang = f"{opd} > Bidang {TOPICS[(i + b) % len(TOPICS)]} {b + 1}"
            paths.append(bidang)
            paths.extend(f"{bidang} > Seksi {s + 1}" for s in range(3))
    rnd.shuffle(paths)
    return paths[:count]


def random_nip(rnd: random.Random, pppk: bool) -> str:
    birth_year = rnd.randint(1966, 2000)
    born = f"{birth_year}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
    tmt = f"{rnd.randint(birth_year + 20, min(birth_year + 35, 2024))}{rnd.randint(1, 12):02d}"
    return f"{born}{tmt}{rnd.choice('12')}{rnd.randint(1, 999):03d}"


def generate(path: Path, rows: int, units: int, seed: int = 7, changed: float = 0.0) -> None:
    """Write a SIASN-style CSV; ``changed`` is the share of people moved to another position."""
    rnd = random.Random(seed)
    paths = unit_paths(units, rnd)
    change = random.Random(seed + 1)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            pppk = rnd.random() < 0.15
            nip = random_nip(rnd, pppk)
            while nip in seen:
                nip = random_nip(rnd, pppk)
            seen.add(nip)
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            position, kind, rank = rnd.choice(POSITIONS)
            unit = rnd.choice(paths)
            if change.random() < changed:
                position, kind, rank = POSITIONS[(POSITIONS.index((position, kind, rank)) + 1) % 7]
                unit = change.choice(paths)
            writer.writerow([
                f"'{nip}", f" {first} {last} ", rnd.choice(FRONT), rnd.choice(BACK), position,
                kind, unit, rank, "PPPK" if pppk else "PNS",
                f"{first.lower()}.{last.lower()}{i}@jatimprov.go.id",
            ])  # fmt: skip


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; return (seconds, peak RSS in MiB, output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own flask executable, fixed arguments
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def bench(label: str, database_url: str, files: dict[str, Path], rows: int, tmp: Path) -> None:
    flask = str(Path(sys.executable).parent / "flask")
    env = {
        **os.environ,
        "FLASK_APP": "lms",
        "DATABASE_URL": database_url,
        "LMS_INSTANCE_PATH": str(tmp / f"instance-{label}"),
        "LMS_LOG_LEVEL": "WARNING",
    }
    run([flask, "db", "upgrade"], env)
    steps = [
        ("dry run, empty database", ["--dry-run"], files["first"]),
        ("import, all new", [], files["first"]),
        ("re-import, nothing changed", [], files["first"]),
        ("10% changed, full import", ["--deactivate-missing"], files["changed"]),
    ]
    print(f"\n{label}: {rows:,} rows")
    for name, options, path in steps:
        seconds, peak, output = run([flask, "lms", "people", "import", str(path), *options], env)
        summary = output.strip().splitlines()[0] if output.strip() else ""
        print(f"  {name:<28} {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  peak {peak:5} MiB")
        print(f"    {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sinau-bench-") as folder:
        tmp = Path(folder)
        files = {"first": tmp / "pegawai.csv", "changed": tmp / "pegawai-berubah.csv"}
        started = time.perf_counter()
        generate(files["first"], options.rows, options.units)
        # Same people, 10% moved, and the last 1% gone (to be deactivated).
        generate(files["changed"], options.rows, options.units, changed=0.10)
        lines = files["changed"].read_text(encoding="utf-8-sig").splitlines()
        keep = len(lines) - options.rows // 100
        files["changed"].write_text("\n".join(lines[:keep]) + "\n", encoding="utf-8-sig")
        size = files["first"].stat().st_size / 1e6
        took = time.perf_counter() - started
        print(f"generated {options.rows:,} rows ({size:.1f} MB) in {took:.1f} s")
        bench("SQLite", f"sqlite:///{tmp / 'bench.sqlite'}", files, options.rows, tmp)
        pg_url = os.environ.get("LMS_BENCH_DATABASE_URL")
        if pg_url:
            from sqlalchemy import create_engine, text

            engine = create_engine(pg_url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
            bench("PostgreSQL", pg_url, files, options.rows, tmp)
        else:
            print("\n(set LMS_BENCH_DATABASE_URL to a throw-away PostgreSQL database to time it)")


if __name__ == "__main__":
    main()
