"""Enrolling, lessons, progress, completion with JP, certificates and their verification."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.courses import services
from lms.courses.models import Certificate, Course, Enrollment
from tests.factories import make_unit, make_user, sync, write_course


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path, lessons=3, gift=None, jp=3, mandatory=True)
    sync(tmp_path)
    return db.session.scalar(select(Course))


def walk_lessons(client, course):
    for lesson in services.current_lessons(course):
        page = client.get(f"/courses/{course.slug}/lessons/{lesson.slug}")
        assert page.status_code == 200
        response = client.post(f"/courses/{course.slug}/lessons/{lesson.slug}/complete")
        assert response.status_code == 302
    return response


def test_catalogue_lists_and_filters_courses(client, login_as, course):
    login_as("learner")
    assert "Kursus Uji" in client.get("/courses").get_data(as_text=True)
    assert "Kursus Uji" in client.get("/courses?mandatory=1&jp=3-4&q=uji").get_data(as_text=True)
    assert "Kursus Uji" not in client.get("/courses?level=lanjut").get_data(as_text=True)
    assert "Kursus Uji" not in client.get("/courses?jp=5%2B").get_data(as_text=True)


def test_learner_walks_from_enrolment_to_verified_certificate(client, login_as, course, db):
    user = login_as("learner")
    response = client.post(f"/courses/{course.slug}/enroll")
    assert response.headers["Location"].endswith("/lessons/materi-1")
    last = walk_lessons(client, course)
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.completed_at is not None and enrollment.jp_earned == 3
    assert last.headers["Location"] == f"/certificates/{enrollment.certificate.id}"
    page = client.get(last.headers["Location"]).get_data(as_text=True)
    assert user.full_name in page and "3 JP" in page
    pdf = client.get(f"/certificates/{enrollment.certificate.id}/pdf")
    assert pdf.data.startswith(b"%PDF-") and pdf.mimetype == "application/pdf"
    client.post("/logout")
    verify = client.get(f"/verify/{enrollment.certificate.display_code}")
    text = verify.get_data(as_text=True)
    assert verify.status_code == 200 and "SAH" in text
    assert user.full_name in text and "Kursus Uji" in text
    assert user.email not in text and user.nip not in text
    assert user.nip[:4] in text and user.nip[-4:] in text  # masked form only


def test_completion_is_recorded_once(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    walk_lessons(client, course)
    walk_lessons(client, course)  # marking again changes nothing
    enrollment = db.session.scalar(select(Enrollment))
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert enrollment.jp_earned == 3


def test_progress_bar_and_resume(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    client.post(f"/courses/{course.slug}/lessons/materi-1/complete")
    client.get(f"/courses/{course.slug}/lessons/materi-2")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert '<progress class="progress" max="100" value="33"' in page
    assert f'href="/courses/{course.slug}/lessons/materi-2">Lanjutkan belajar' in page.replace(
        '"\n', '"'
    ) or re.search(r"lessons/materi-2\">\s*Lanjutkan belajar", page)


def test_lesson_page_has_previous_next_reading_time_and_mark_complete(client, login_as, course):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    page = client.get(f"/courses/{course.slug}/lessons/materi-2").get_data(as_text=True)
    assert 'rel="prev"' in page and 'rel="next"' in page
    assert "menit baca" in page and "Tandai selesai" in page


def test_learning_dashboard_shows_jp_against_twenty(client, login_as, course, db):
    login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    walk_lessons(client, course)
    page = client.get("/learning").get_data(as_text=True)
    assert "3 dari 20 JP" in page
    assert "Kursus Uji" in page


def test_jp_count_by_wib_calendar_year(db, course):
    user = make_user()
    enrollment = services.enroll(user, course, datetime(2026, 12, 1))
    for lesson in services.current_lessons(course):
        # 31 December 2026, 17:30 UTC is already 1 January 2027, 00.30 WIB.
        services.complete_lesson(enrollment, lesson, datetime(2026, 12, 31, 17, 30))
    db.session.commit()
    assert services.jp_by_year(user.id) == {2027: 3}


def test_assignment_only_course_cannot_be_self_enrolled(client, login_as, db, tmp_path):
    write_course(tmp_path, slug="wajib-penugasan", gift=None, assignment_only=True)
    sync(tmp_path)
    login_as("learner")
    assert client.post("/courses/wajib-penugasan/enroll").status_code == 403
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_another_learner_cannot_see_certificate_or_progress(app, client, login_as, course, db):
    owner = make_user(unit=make_unit())
    enrollment = services.enroll(owner, course, datetime(2026, 11, 1))
    for lesson in services.current_lessons(course):
        services.complete_lesson(enrollment, lesson, datetime(2026, 11, 2))
    db.session.commit()
    login_as("learner")
    cert_id = enrollment.certificate.id
    assert client.get(f"/certificates/{cert_id}").status_code == 403
    assert client.get(f"/certificates/{cert_id}/pdf").status_code == 403
    # Their own view of the course shows no one else's progress.
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Selesai" not in page and "Daftar dan mulai belajar" in page


def test_admin_revokes_certificate_and_verify_says_so(client, login_as, course, db):
    owner = make_user()
    enrollment = services.enroll(owner, course, datetime(2026, 11, 1))
    for lesson in services.current_lessons(course):
        services.complete_lesson(enrollment, lesson, datetime(2026, 11, 2))
    db.session.commit()
    login_as("admin")
    cert = enrollment.certificate
    response = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Plagiarisme"})
    assert response.status_code == 302
    page = client.get(f"/verify/{cert.code.lower()}").get_data(as_text=True)
    assert "TIDAK BERLAKU" in page


def test_hr_cannot_revoke(client, login_as, course, db):
    owner = make_user()
    enrollment = services.enroll(owner, course, datetime(2026, 11, 1))
    for lesson in services.current_lessons(course):
        services.complete_lesson(enrollment, lesson, datetime(2026, 11, 2))
    db.session.commit()
    login_as("hr")
    cert = enrollment.certificate
    assert client.get(f"/certificates/{cert.id}").status_code == 200
    assert client.post(f"/certificates/{cert.id}/revoke", data={"reason": "x"}).status_code == 403


def test_unknown_verification_code_is_404(client, course):
    response = client.get("/verify/ABCD-EFGH-JKMN-PQRS")
    assert response.status_code == 404
    assert "tidak ditemukan" in response.get_data(as_text=True)


def test_verification_codes_are_long_and_unambiguous(app):
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 16 and not set(c) & set("01OIL") for c in codes)


def test_course_images_are_served_with_cache_headers(app, client, login_as, db, tmp_path):
    folder = write_course(tmp_path, gift=None)
    (folder / "diagram.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (folder / "01-materi-1.md").write_text("# Materi 1\n\n![Diagram](diagram.svg)\n")
    sync(tmp_path)
    app.config["COURSES_PATH"] = str(tmp_path)
    login_as("learner")
    client.post("/courses/kursus-uji/enroll")
    page = client.get("/courses/kursus-uji/lessons/materi-1").get_data(as_text=True)
    assert 'src="/courses/kursus-uji/files/diagram.svg"' in page
    image = client.get("/courses/kursus-uji/files/diagram.svg")
    assert image.status_code == 200
    assert "max-age=86400" in image.headers["Cache-Control"]
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert client.get("/courses/kursus-uji/files/../course.toml").status_code == 404
