"""Time "Data saya" (POST /account/data) for a heavy user.

The person has 50 enrolments (each with its lessons done), 200 graded quiz attempts of 6
questions each, 20 action items with 100 progress updates (20 with a 200 KB evidence file) and
100 comments, 300 notifications with their emails and 500 audit events about them; the rest of
the database holds 2,000 other people with the same shape of data in smaller amounts, so every
query has rows to skip. Through the Flask test client (the full view: every provider, the JSON,
the readable summary, the ZIP, the audit event), on SQLite, or on PostgreSQL with
``LMS_BENCH_DATABASE_URL`` (its schema is dropped first).

Prints the median, min and max of the download in milliseconds, the ZIP's size and the number
of SQL statements one download runs.

    python bench/bench_data_export.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T0 = datetime(2026, 6, 1, 2, 0)
GIFT = "\n\n".join(f"::Q{n}:: Soal nomor {n}? {{=benar ~salah ~keliru}}" for n in range(1, 7))


def build_app(folder: str):
    from sqlalchemy import create_engine, text

    from lms import create_app
    from lms.config import testing_config

    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/export.sqlite"
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    config = testing_config(url, folder)
    config.update(WTF_CSRF_ENABLED=False, TESTING=False, RATELIMIT_ENABLED=False)
    return create_app(config), url


def write_courses(root: Path, count: int) -> None:
    for c in range(count):
        folder = root / f"kursus-{c:02d}"
        folder.mkdir(parents=True)
        (folder / "course.toml").write_text(
            f'title = "Kursus {c}"\nsummary = "Uji"\nlevel = "dasar"\njp = 2\nminutes = 90\n'
            'version = "1"\n\n[quiz]\npass_mark = 70\n',
            encoding="utf-8",
        )
        (folder / "quiz.gift").write_text(GIFT, encoding="utf-8")
        for n in range(1, 4):
            (folder / f"{n:02d}-materi-{n}.md").write_text(f"# Materi {n}\n\nIsi.\n", "utf-8")


def seed(app, folder: Path, others: int) -> int:
    """The heavy person and ``others`` lighter people; returns the heavy person's id."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from lms.accounts.models import User
    from lms.actions.evidence import Evidence, store
    from lms.actions.models import ActionItem, Comment, Program, ProgressUpdate
    from lms.audit.services import record
    from lms.courses.models import Certificate, Course, Enrollment, Lesson, LessonProgress
    from lms.courses.services import sync_courses
    from lms.extensions import db
    from lms.org.models import Unit
    from lms.quiz.models import Attempt, AttemptQuestion, Question
    from lms.reminders.models import Notification, OutboxMessage

    with app.app_context():
        upgrade()
        write_courses(folder / "courses", 50)
        report = sync_courses(folder / "courses", T0)
        assert not report.problems, report.problems[:3]
        unit = Unit(name="Dinas Uji", path="")
        db.session.add(unit)
        db.session.flush()
        unit.path = f"/{unit.id}/"
        program = Program(name="Program Uji")
        db.session.add(program)
        db.session.flush()
        people = [
            {
                "full_name": f"Pegawai {n}",
                "nip": f"19850101201001{n:04d}",
                "email": f"pegawai{n}@bench.test",
                "employment": "PNS",
                "unit_id": unit.id,
                "active": True,
            }
            for n in range(others + 1)
        ]
        db.session.execute(insert(User), people)
        ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        heavy = ids[0]
        courses = list(db.session.scalars(select(Course).order_by(Course.id)))
        lessons = {}
        for lesson in db.session.scalars(select(Lesson)):
            lessons.setdefault(lesson.course_id, []).append(lesson.id)
        questions = {}
        for q in db.session.scalars(select(Question)):
            questions.setdefault(q.course_id, []).append(q.id)

        def learner(user_id: int, n_courses: int, attempts_each: int) -> None:
            rows = [
                {
                    "user_id": user_id,
                    "course_id": c.id,
                    "enrolled_at": T0,
                    "completed_at": T0,
                    "completed_on": T0.date(),
                    "jp_earned": 2,
                    "attempts": attempts_each,
                }
                for c in courses[:n_courses]
            ]
            db.session.execute(insert(Enrollment), rows)
            enrolments = db.session.execute(
                select(Enrollment.id, Enrollment.course_id).where(Enrollment.user_id == user_id)
            ).all()
            db.session.execute(
                insert(LessonProgress),
                [
                    {"enrollment_id": e, "lesson_id": lid, "completed_at": T0}
                    for e, c in enrolments
                    for lid in lessons[c]
                ],
            )
            db.session.execute(
                insert(Certificate),
                [
                    {
                        "enrollment_id": e,
                        "code": f"C{user_id:06d}{e:08d}",
                        "holder_name": "x",
                        "holder_nip": None,
                        "course_title": "Kursus",
                        "jp": 2,
                        "completed_on": T0.date(),
                        "issued_at": T0,
                    }
                    for e, _c in enrolments
                ],
            )
            attempts = [
                {
                    "enrollment_id": e,
                    "user_id": user_id,
                    "course_id": c,
                    "number": k + 1,
                    "started_at": T0,
                    "submitted_at": T0,
                    "score": 83.3,
                    "passed": True,
                }
                for e, c in enrolments
                for k in range(attempts_each)
            ]
            if attempts:
                db.session.execute(insert(Attempt), attempts)
                made = db.session.execute(
                    select(Attempt.id, Attempt.course_id).where(Attempt.user_id == user_id)
                ).all()
                db.session.execute(
                    insert(AttemptQuestion),
                    [
                        {
                            "attempt_id": a,
                            "question_id": q,
                            "position": p + 1,
                            "order": [0, 1, 2],
                            "response": {"choice": 0},
                            "saved_at": T0,
                            "fraction": 1.0,
                            "answer_key": "0",
                        }
                        for a, c in made
                        for p, q in enumerate(questions[c])
                    ],
                )

        learner(heavy, 50, 4)  # 200 attempts
        for user_id in ids[1:]:
            learner(user_id, 2, 1)
        items = []
        for k in range(20):
            item = ActionItem(
                unit_id=unit.id,
                program_id=program.id,
                title=f"Aksi {k}",
                owner_id=heavy,
                due_date=(T0 + timedelta(days=30)).date(),
            )
            db.session.add(item)
            items.append(item)
        db.session.flush()
        blob = os.urandom(200 * 1024)
        for k in range(100):
            key = None
            extra = {}
            if k % 5 == 0:
                evidence = Evidence(blob, f"bukti-{k}.pdf", "application/pdf", "0" * 64)
                key = store(evidence, T0)
                extra = {
                    "evidence_name": evidence.name,
                    "evidence_type": evidence.content_type,
                    "evidence_size": len(blob),
                    "evidence_sha256": evidence.sha256,
                }
            db.session.add(
                ProgressUpdate(
                    item_id=items[k % 20].id,
                    author_id=heavy,
                    created_at=T0,
                    progress=k % 100,
                    status="in_progress",
                    note=f"Catatan {k} " * 20,
                    evidence_key=key,
                    **extra,
                )
            )
            db.session.add(
                Comment(
                    item_id=items[k % 20].id, author_id=heavy, created_at=T0, body=f"Komentar {k}"
                )
            )
        db.session.execute(
            insert(Notification),
            [
                {
                    "user_id": heavy,
                    "key": f"b:{k}",
                    "category": "course",
                    "rule": "uji",
                    "title": f"Pengingat {k}",
                    "body": "Isi " * 30,
                    "url": "/",
                    "created_at": T0,
                }
                for k in range(300)
            ],
        )
        notes = db.session.scalars(select(Notification.id)).all()
        db.session.execute(
            insert(OutboxMessage),
            [
                {
                    "notification_id": n,
                    "to_address": "pegawai0@bench.test",
                    "status": "sent",
                    "sent_at": T0,
                    "next_attempt_at": T0,
                    "created_at": T0,
                }
                for n in notes
            ],
        )
        for k in range(1000):  # through record(), which keeps the audit chain
            target = heavy if k % 2 == 0 else ids[k % len(ids)]
            record(None, "reports.person.view", f"user:{target}", now=T0)
        db.session.commit()
        return heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--others", type=int, default=2000)
    args = parser.parse_args()

    from sqlalchemy import event

    from lms.accounts.models import User
    from lms.extensions import db
    from tests.factories import make_session

    folder = Path(tempfile.mkdtemp(prefix="sinau-bench-export-"))
    app, url = build_app(str(folder))
    started = time.perf_counter()
    heavy = seed(app, folder, args.others)
    print(f"{url.split(':')[0]}: seeded in {time.perf_counter() - started:.1f} s")
    times, size, statements = [], 0, 0
    with app.app_context():
        key = make_session(db.session.get(User, heavy))
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = f"{heavy}:{key}"
        if "notice.acknowledge" in app.view_functions:  # the privacy notice comes first
            client.post("/privacy/acknowledge")

        def count(*_args):
            nonlocal statements
            statements += 1

        for n in range(args.rounds):
            if n == 0:
                event.listen(db.engine, "before_cursor_execute", count)
            start = time.perf_counter()
            response = client.post("/account/data")
            data = response.get_data()
            times.append((time.perf_counter() - start) * 1000)
            if n == 0:
                event.remove(db.engine, "before_cursor_execute", count)
            assert response.status_code == 200, (response.status_code, response.location)
            size = len(data)
    print(
        f"Data saya: median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
        f"max {max(times):.0f} ms over {args.rounds} rounds; ZIP {size / 1024 / 1024:.1f} MiB; "
        f"{statements} SQL statements per download"
    )


if __name__ == "__main__":
    main()
