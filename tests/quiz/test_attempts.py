"""Attempts: fixed questions, no key in the page, server-side grading, limits, tampering."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.courses import services as courses
from lms.courses.models import Course, Enrollment
from lms.quiz import banks, presenting, services
from lms.quiz.answers import from_form
from lms.quiz.models import Attempt, AttemptQuestion
from tests.factories import login_id, make_user, sync, write_course

T0 = datetime(2026, 11, 27, 3, 0)


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    return db.session.scalar(select(Course))


@pytest.fixture
def enrollment(db, course):
    user = make_user()
    enrollment = courses.enroll(user, course, T0)
    db.session.commit()
    return enrollment


def by_name(attempt: Attempt) -> dict[str, AttemptQuestion]:
    return {aq.question.name: aq for aq in attempt.questions}


def right_form(attempt: Attempt) -> dict:
    """The posted form a learner who knows every answer would send."""
    form: dict = {}
    for aq in attempt.questions:
        name = f"q{aq.position}"
        data = aq.question.data
        if aq.question.type == "multichoice":
            best = max(range(len(data["answers"])), key=lambda i: data["answers"][i]["fraction"])
            form[name] = str(aq.order.index(best))
        elif aq.question.type == "multiresponse":
            form[name] = [
                str(aq.order.index(i)) for i, a in enumerate(data["answers"]) if a["fraction"] > 0
            ]
        elif aq.question.type == "truefalse":
            form[name] = "true" if data["answer"] else "false"
        elif aq.question.type == "numerical":
            form[name] = "45"
        elif aq.question.type == "shortanswer":
            form[name] = "  asn "
        elif aq.question.type == "matching":
            rights = services.matching_rights(data)
            for i, pair in enumerate(data["pairs"]):
                form[f"{name}_{i}"] = str(aq.order.index(rights.index(pair["right"])))
    return form


class Form(dict):
    """A posted form as Flask gives it to services (``getlist`` for repeated fields)."""

    def get(self, key, default=None):
        value = super().get(key, default)
        return value[0] if isinstance(value, list) and value else value

    def getlist(self, key):
        value = super().get(key, [])
        return value if isinstance(value, list) else [value]


def test_starting_fixes_questions_and_reloading_shows_same_attempt(db, enrollment):
    first = services.start_attempt(enrollment, T0)
    again = services.start_attempt(enrollment, T0 + timedelta(minutes=1))
    assert first.id == again.id
    assert len(first.questions) == 6


def test_right_answers_score_full_marks_and_complete_the_course(db, enrollment, course):
    lesson = courses.current_lessons(course)[0]
    courses.complete_lesson(enrollment, lesson, T0)
    attempt = services.start_attempt(enrollment, T0)
    assert services.submit_attempt(
        attempt, from_form(attempt, Form(right_form(attempt))), T0 + timedelta(minutes=5)
    )
    assert attempt.score == 100.0 and attempt.passed
    assert enrollment.completed_at is not None and enrollment.certificate is not None


def test_wrong_and_partial_answers(db, enrollment):
    attempt = services.start_attempt(enrollment, T0)
    q = by_name(attempt)
    form = right_form(attempt)
    mr = q["Q3 Banyak jawaban"]
    health = mr.order.index(0)
    form[f"q{mr.position}"] = [str(health)]  # half the credit
    tf = q["Q2 Benar salah"]
    form[f"q{tf.position}"] = "true"  # wrong
    match = q["Q6 Jodohkan"]
    rights = services.matching_rights(match.question.data)
    # Swap two of the three pairs: one pair in three is right.
    form[f"q{match.position}_0"] = str(match.order.index(rights.index("jam pelajaran")))
    form[f"q{match.position}_1"] = str(match.order.index(rights.index("nomor induk pegawai")))
    services.submit_attempt(attempt, from_form(attempt, Form(form)), T0)
    fractions = {aq.question.name: aq.fraction for aq in attempt.questions}
    assert fractions["Q3 Banyak jawaban"] == pytest.approx(0.5)
    assert fractions["Q2 Benar salah"] == 0
    assert fractions["Q6 Jodohkan"] == pytest.approx(1 / 3)
    assert attempt.score == pytest.approx(round(100 * (3 + 0.5 + 1 / 3) / 6, 2))
    assert attempt.passed is False


def test_negative_credit_is_floored_at_zero(db, enrollment):
    attempt = services.start_attempt(enrollment, T0)
    mr = by_name(attempt)["Q3 Banyak jawaban"]
    form = Form({f"q{mr.position}": [str(mr.order.index(0)), str(mr.order.index(2))]})
    services.submit_attempt(attempt, from_form(attempt, form), T0)
    assert by_name(attempt)["Q3 Banyak jawaban"].fraction == 0.0


def test_short_answer_ignores_case_and_spaces_and_numerical_accepts_comma(db, enrollment):
    attempt = services.start_attempt(enrollment, T0)
    q = by_name(attempt)
    form = Form({
        f"q{q['Q5 Singkat'].position}": "  a.s.n.  ",
        f"q{q['Q4 Isian'].position}": "45,0",
    })  # fmt: skip
    services.submit_attempt(attempt, from_form(attempt, form), T0)
    assert by_name(attempt)["Q5 Singkat"].fraction == 1.0
    assert by_name(attempt)["Q4 Isian"].fraction == 1.0


def test_tampered_post_is_ignored(db, enrollment):
    attempt = services.start_attempt(enrollment, T0)
    mc = by_name(attempt)["Q1 Pilihan"]
    form = Form({
        "score": "100", "passed": "1", "q99": "0", f"q{mc.position}": "7",
        f"q{mc.position}_0": "0",
    })  # fmt: skip
    services.submit_attempt(attempt, from_form(attempt, form), T0)
    assert attempt.score == 0.0 and not attempt.passed
    assert by_name(attempt)["Q1 Pilihan"].response is None


def test_attempt_page_holds_no_answer_key(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    response = client.post(f"/courses/{course.slug}/quiz/start")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Apa kepanjangan JP" in page
    for secret in ["fraction", "Benar.", "Bukan, JP adalah", "Tidak boleh.", "Tepat.", "-100"]:
        assert secret not in page, secret
    # The matching options are not in pair order.
    assert 'value="45"' not in page


def test_time_limit_is_enforced_on_the_server(db, tmp_path):
    write_course(tmp_path, slug="berwaktu", quiz_toml="time_limit_minutes = 10\n")
    sync(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == "berwaktu"))
    enrollment = courses.enroll(make_user(), course, T0)
    attempt = services.start_attempt(enrollment, T0)
    form = Form(right_form(attempt))
    mc = by_name(attempt)["Q1 Pilihan"]
    services.save_responses(
        attempt, from_form(attempt, Form({f"q{mc.position}": form[f"q{mc.position}"]})), T0
    )
    late = T0 + timedelta(minutes=10, seconds=services.GRACE_SECONDS + 1)
    with pytest.raises(services.QuizError):
        services.save_responses(attempt, from_form(attempt, form), late)
    assert services.submit_attempt(attempt, from_form(attempt, form), late)
    assert attempt.expired is True
    assert attempt.score == pytest.approx(round(100 / 6, 2))  # only what was saved in time


def test_save_within_grace_period_counts(db, tmp_path):
    write_course(tmp_path, slug="berwaktu", quiz_toml="time_limit_minutes = 10\n")
    sync(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == "berwaktu"))
    attempt = services.start_attempt(courses.enroll(make_user(), course, T0), T0)
    services.submit_attempt(
        attempt,
        from_form(attempt, Form(right_form(attempt))),
        T0 + timedelta(minutes=10, seconds=5),
    )
    assert attempt.score == 100.0 and not attempt.expired


def test_attempt_cap(db, tmp_path):
    write_course(tmp_path, slug="terbatas", quiz_toml="max_attempts = 2\n")
    sync(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == "terbatas"))
    enrollment = courses.enroll(make_user(), course, T0)
    for _ in range(2):
        attempt = services.start_attempt(enrollment, T0)
        services.submit_attempt(attempt, from_form(attempt, Form({})), T0)
    with pytest.raises(services.QuizError, match="habis"):
        services.start_attempt(enrollment, T0)


def test_random_draw_takes_n_questions(db, tmp_path):
    write_course(tmp_path, slug="acak", quiz_toml="draw = 3\nshuffle_questions = true\n")
    sync(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == "acak"))
    seen = set()
    for _ in range(8):
        enrollment = courses.enroll(make_user(), course, T0)
        attempt = services.start_attempt(enrollment, T0)
        assert len(attempt.questions) == 3
        assert len({aq.question_id for aq in attempt.questions}) == 3
        seen |= {aq.question_id for aq in attempt.questions}
    assert len(seen) > 3  # different learners get different draws


def test_best_attempt_counts(db, enrollment):
    first = services.start_attempt(enrollment, T0)
    services.submit_attempt(first, from_form(first, Form(right_form(first))), T0)
    second = services.start_attempt(enrollment, T0)
    services.submit_attempt(second, from_form(second, Form({})), T0)
    assert services.best_attempt(enrollment).id == first.id
    assert banks.quiz_passed(enrollment)


def test_grading_stores_best_score_attempts_and_pass_on_the_enrolment(db, enrollment):
    first = services.start_attempt(enrollment, T0)
    services.submit_attempt(first, from_form(first, Form(right_form(first))), T0)
    second = services.start_attempt(enrollment, T0)
    services.submit_attempt(second, from_form(second, Form({})), T0)
    db.session.refresh(enrollment)
    assert enrollment.best_score == 100.0
    assert enrollment.attempts == 2
    assert enrollment.quiz_passed is True


def test_review_shows_answers_only_as_the_setting_allows(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    start = client.post(f"/courses/{course.slug}/quiz/start")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "1"})  # blank, confirmed
    page = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Belum lulus" in page and "Jawaban benar" not in page  # after_pass: not yet
    attempt = db.session.get(Attempt, attempt_id)
    start = client.post(f"/courses/{course.slug}/quiz/start")
    second = db.session.get(Attempt, int(start.headers["Location"].rsplit("/", 1)[1]))
    client.post(f"/attempts/{second.id}/submit", data=right_form(second))
    page = client.get(f"/attempts/{second.id}/review").get_data(as_text=True)
    assert "Lulus" in page and "Jawaban benar" in page and "Jam pelajaran" in page
    assert attempt.number == 1


def test_save_without_javascript_keeps_answers_on_reload(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    start = client.post(f"/courses/{course.slug}/quiz/start")
    attempt = db.session.get(Attempt, int(start.headers["Location"].rsplit("/", 1)[1]))
    tf = by_name(attempt)["Q2 Benar salah"]
    response = client.post(
        f"/attempts/{attempt.id}/save",
        data={f"q{tf.position}": "false", "only": str(tf.position), "shown": str(tf.position)},
    )
    assert response.status_code == 302
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert f'name="q{tf.position}" value="false" checked' in page


def test_autosave_answers_json(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    start = client.post(f"/courses/{course.slug}/quiz/start")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    response = client.post(
        f"/attempts/{attempt_id}/save",
        data={"q1": "0", "only": "1", "shown": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.json == {"ok": True, "saved": 1}


def test_other_learner_cannot_see_or_answer_an_attempt(app, client, login_as, enrollment, db):
    attempt = services.start_attempt(enrollment, T0)
    db.session.commit()
    login_as("learner")
    assert client.get(f"/attempts/{attempt.id}").status_code == 403
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 403
    assert client.post(f"/attempts/{attempt.id}/submit").status_code == 403
    hr = app.test_client()
    login_as_hr = make_user(roles={"learner", "hr"})
    db.session.commit()
    with hr.session_transaction() as session:
        session["_user_id"] = login_id(login_as_hr)
    assert hr.post(f"/attempts/{attempt.id}/submit").status_code == 403
    assert hr.get(f"/attempts/{attempt.id}").status_code == 200  # under way: read-only, no answers


def test_two_concurrent_submissions_grade_once(app, db, enrollment, course):
    lesson = courses.current_lessons(course)[0]
    courses.complete_lesson(enrollment, lesson, T0)
    attempt = services.start_attempt(enrollment, T0)
    form = right_form(attempt)
    db.session.commit()
    attempt_id = attempt.id
    barrier = threading.Barrier(2)
    results: list = []

    def submit():
        with app.app_context():
            from lms.extensions import db as tdb

            try:
                target = tdb.session.get(Attempt, attempt_id)
                _ = [aq.question for aq in target.questions]
                barrier.wait(timeout=10)
                results.append(services.submit_attempt(target, from_form(target, Form(form)), T0))
                tdb.session.commit()
            except Exception as exc:
                results.append(exc)
            finally:
                tdb.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(map(repr, results)) == ["False", "True"], results
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.submitted_at.is_not(None)))
        == 1
    )
    assert db.session.get(Attempt, attempt_id).score == 100.0
    done = db.session.get(Enrollment, enrollment.id)
    assert done.completed_at is not None


def test_question_statistics_for_hr(client, login_as, db, enrollment, course):
    for n in range(3):
        e = enrollment if n == 0 else courses.enroll(make_user(), course, T0)
        attempt = services.start_attempt(e, T0)
        tf = by_name(attempt)["Q2 Benar salah"]
        services.submit_attempt(attempt, from_form(attempt, Form({f"q{tf.position}": "true"})), T0)
    db.session.commit()
    stats = {row["question"].name: row for row in presenting.question_statistics(course.id)}
    assert stats["Q2 Benar salah"]["answered"] == 3
    assert stats["Q2 Benar salah"]["right"] == 0
    assert stats["Q2 Benar salah"]["top_wrong"] == "Benar"
    login_as("hr")
    page = client.get(f"/courses/{course.slug}/quiz/statistics").get_data(as_text=True)
    assert "Q2 Benar salah" in page and "3×" in page


def test_gift_dump_cli_prints_one_json_object_per_question(app, tmp_path):
    import json

    path = tmp_path / "quiz.gift"
    path.write_text("::A:: 1+1? {=2 ~3}\n\n::B:: Pi? {#3.14:0.01}\n\n::C:: Langit biru. {T}\n")
    result = app.test_cli_runner().invoke(args=["lms", "gift", "dump", str(path)])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["type"] for r in rows] == ["multichoice", "numerical", "truefalse"]
    assert rows[0]["answers"][0] == {"text": "2", "fraction": 1.0, "feedback": ""}
    assert rows[1]["answers"][0]["min"] == pytest.approx(3.13)
    assert rows[2]["answer"] is True and rows[2]["line"] == 5
    path.write_text("::A:: Esai {}\n")
    bad = app.test_cli_runner().invoke(args=["lms", "gift", "dump", str(path)])
    assert bad.exit_code == 1 and f"{path}:1:" in bad.output


def test_admin_changes_quiz_settings(client, login_as, course, db):
    login_as("admin")
    response = client.post(
        f"/courses/{course.slug}/quiz/settings",
        data={
            "s-pass_mark": "80",
            "s-max_attempts": "2",
            "s-time_limit_minutes": "15",
            "s-draw": "",
            "s-show_answers": "never",
        },
    )
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.pass_mark, course.max_attempts, course.time_limit_minutes) == (80, 2, 15)
    assert course.show_answers == "never" and course.draw is None
    bad = client.post(
        f"/courses/{course.slug}/quiz/settings",
        data={"s-pass_mark": "150", "s-max_attempts": "1", "s-show_answers": "never"},
    )
    assert "Isi angka antara 0 dan 100." in bad.get_data(as_text=True)


def test_hr_uploads_gift_bank_and_errors_name_the_line(client, login_as, course, db):
    from io import BytesIO

    login_as("hr")
    broken = client.post(
        f"/courses/{course.slug}/quiz/settings",
        data={"g-file": (BytesIO(b"::A:: Soal {=a ~b\n"), "bank.gift")},
        content_type="multipart/form-data",
    )
    assert "bank.gift:1:" in broken.get_data(as_text=True)
    assert len(banks.active_questions(course.id)) == 6
    ok = client.post(
        f"/courses/{course.slug}/quiz/settings",
        data={
            "g-file": (
                BytesIO(b"::Q1 Pilihan:: Ibu kota Jawa Timur? {=Surabaya ~Malang}\n"),
                "bank.gift",
            )
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    names = [q.name for q in banks.active_questions(course.id)]
    assert names == ["Q1 Pilihan"]  # the same name keeps the question (and its statistics)


def test_learner_cannot_change_quiz_settings(client, login_as, course):
    login_as("learner")
    assert client.get(f"/courses/{course.slug}/quiz/settings").status_code == 403


def test_services_drop_answers_the_question_does_not_offer(db, enrollment):
    attempt = services.start_attempt(enrollment, T0)
    q = by_name(attempt)
    answers = {
        q["Q1 Pilihan"].position: {"choice": 99},
        q["Q2 Benar salah"].position: {"value": "yes"},
        q["Q3 Banyak jawaban"].position: {"choices": [0, 42, "x"]},
        q["Q6 Jodohkan"].position: {"pairs": {"0": "bukan pilihan", "9": "jam pelajaran"}},
        99: {"choice": 0},
    }
    services.submit_attempt(attempt, answers, T0)
    assert q["Q1 Pilihan"].response is None and q["Q2 Benar salah"].response is None
    assert q["Q3 Banyak jawaban"].response == {"choices": [0]}
    assert q["Q6 Jodohkan"].response is None
