"""Migration 7d3e5a1c9b24: open twins left by past races are tidied before the unique index."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from lms.courses import services as courses
from lms.courses.models import Course
from lms.extensions import db
from lms.quiz import services as quiz
from lms.quiz.models import Attempt, AttemptQuestion
from tests.factories import make_user, sync, write_course

T0 = datetime(2026, 11, 27, 3, 0)


def test_older_open_twins_are_deleted_when_empty_and_closed_when_answered(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/twins.sqlite")
    with app.app_context():
        upgrade()
        write_course(tmp_path / "c", lessons=1)
        sync(tmp_path / "c")
        course = db.session.scalar(select(Course))
        enrollment = courses.enroll(make_user(), course, T0)
        answered = quiz.start_attempt(enrollment, T0)  # the oldest; the learner saved an answer
        answered.questions[0].saved_at = T0
        answered.questions[0].response = {"choice": 0}
        db.session.commit()
        downgrade(revision="c4d1a7e93b52")  # before the index: a race could leave twins
        for number in (2, 3):
            twin = Attempt(enrollment_id=enrollment.id, user_id=enrollment.user_id,
                           course_id=course.id, number=number, started_at=T0)  # fmt: skip
            twin.questions = [AttemptQuestion(question_id=answered.questions[0].question_id,
                                              position=1, order=[])]  # fmt: skip
            db.session.add(twin)
        db.session.commit()
        ids = {a.number: a.id for a in db.session.scalars(select(Attempt))}
        db.session.remove()
        upgrade()
        rows = {
            a.number: (a.submitted_at, a.expired, a.score, a.passed)
            for a in db.session.scalars(select(Attempt).execution_options(populate_existing=True))
        }
        # Number 2 was empty: gone. Number 1 held an answer: closed, failed, kept. 3 stays open.
        assert set(rows) == {1, 3}
        assert rows[1] == (T0, True, 0.0, False)
        assert rows[3] == (None, False, None, None)
        left = db.session.scalars(select(AttemptQuestion.attempt_id)).all()
        assert ids[2] not in left
