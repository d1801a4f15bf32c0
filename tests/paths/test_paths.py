"""Learning paths: HR requires ordered courses of position types; assignments carry them out;
the learner sees the path and what comes next."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from lms.assignments import services as assignments
from lms.assignments.coverage import apply_assignments
from lms.assignments.models import Assignment
from lms.audit.models import AuditEvent
from lms.courses.models import Course, Enrollment
from lms.extensions import db
from lms.paths import services
from lms.paths.models import LearningPath
from tests.factories import make_session, make_unit, make_user, page_statements, sync, write_course

NOW = datetime(2026, 5, 1, 2, 0)
DEADLINE = date(2030, 6, 30)


@pytest.fixture
def org(db, tmp_path):
    write_course(tmp_path, slug="dasar", gift=None, lessons=1, title="Dasar AI")
    write_course(tmp_path, slug="pimpinan", gift=None, lessons=1, title="AI untuk Pimpinan")
    write_course(tmp_path, slug="etika", gift=None, lessons=1, title="Etika AI")
    sync(tmp_path)
    unit = make_unit("Dinas Kominfo")
    people = {
        "kadis": make_user(unit=unit, full_name="Kadis", position_type="JPT"),
        "kabid": make_user(unit=unit, full_name="Kabid", position_type="Administrator"),
        "kasi": make_user(unit=unit, full_name="Kasi", position_type="Pengawas"),
        "staf": make_user(unit=unit, full_name="Staf", position_type="Pelaksana"),
    }
    db.session.commit()
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    return {"unit": unit, **people, **courses}


def _leaders(org, by=None, now=NOW):
    return services.require_path(
        "Jalur Pimpinan",
        [org["dasar"], org["pimpinan"]],
        ["JPT", "Administrator"],
        DEADLINE,
        by=by,
        now=now,
    )


def _enrolled(db, course) -> set[int]:
    return set(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id))
    )


def test_a_path_enrols_only_its_position_types_with_its_deadline(db, org):
    path, made = _leaders(org)
    db.session.commit()
    assert made == 4
    leaders = {org["kadis"].id, org["kabid"].id}
    assert _enrolled(db, org["dasar"]) == leaders == _enrolled(db, org["pimpinan"])
    deadlines = set(db.session.scalars(select(Enrollment.deadline)))
    assert deadlines == {DEADLINE}
    assert [s.course.slug for s in path.steps] == ["dasar", "pimpinan"]
    assert services.position_types([path.id]) == {path.id: ["JPT", "Administrator"]}


def test_someone_who_becomes_a_leader_later_is_enrolled(db, org):
    _leaders(org)
    db.session.commit()
    org["kasi"].position_type = "Administrator"
    apply_assignments(NOW)
    db.session.commit()
    assert org["kasi"].id in _enrolled(db, org["pimpinan"])


def test_the_learner_sees_the_path_and_what_comes_next(db, org):
    _leaders(org)
    db.session.commit()
    [mine] = services.paths_of(org["kabid"])
    assert mine["next"].course.slug == "dasar" and (mine["done"], mine["total"]) == (0, 2)
    basics = db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == org["kabid"].id, Enrollment.course_id == org["dasar"].id
        )
    )
    basics.completed_at = datetime(2026, 5, 2)
    db.session.commit()
    [mine] = services.paths_of(org["kabid"])
    assert mine["next"].course.slug == "pimpinan" and mine["done"] == 1
    assert [s["status"] for s in mine["steps"]] == ["completed", "not_started"]
    assert services.paths_of(org["staf"]) == []


def test_progress_counts_people_who_finished_every_step(db, org):
    path, _made = _leaders(org)
    for course in (org["dasar"], org["pimpinan"]):
        db.session.scalar(
            select(Enrollment).where(
                Enrollment.user_id == org["kadis"].id, Enrollment.course_id == course.id
            )
        ).completed_at = NOW
    db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == org["kabid"].id, Enrollment.course_id == org["dasar"].id
        )
    ).completed_at = NOW
    db.session.commit()
    assert services.progress_counts([path.id]) == {path.id: (2, 1)}


def test_cancelling_a_path_keeps_progress_and_an_assignment_made_before(db, org):
    earlier, _n = assignments.create_assignment(
        org["dasar"], scope="position_type", position_type="JPT", deadline=DEADLINE, by=None,
        now=NOW,
    )  # fmt: skip
    path, _made = _leaders(org)
    db.session.commit()
    live = db.session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.cancelled_at.is_(None))
    )
    assert live == 4  # the JPT basics assignment is used, not made twice
    services.cancel_path(path, NOW)
    db.session.commit()
    live = set(db.session.scalars(select(Assignment.id).where(Assignment.cancelled_at.is_(None))))
    assert live == {earlier.id}
    assert org["kabid"].id in _enrolled(db, org["pimpinan"])  # enrolments stay
    assert services.paths_of(org["kadis"]) == []
    with pytest.raises(services.PathError):
        services.cancel_path(path, NOW)


@pytest.mark.parametrize(
    ("slugs", "kinds"), [([], ["JPT"]), (["dasar", "dasar"], ["JPT"]), (["dasar"], [])]
)
def test_a_path_needs_courses_once_each_and_a_position_type(db, org, slugs, kinds):
    with pytest.raises(services.PathError):
        services.require_path("X", [org[s] for s in slugs], kinds, DEADLINE, by=None, now=NOW)


# -- pages ----------------------------------------------------------------------------------------


def test_hr_requires_a_path_through_the_form(db, client, login_as, org):
    hr = login_as("hr")
    form = {
        "title": "Jalur Pimpinan", "position_types": ["JPT", "Administrator"],
        "steps-0": org["dasar"].id, "steps-1": org["pimpinan"].id, "steps-2": 0,
        "deadline": DEADLINE.isoformat(),
    }  # fmt: skip
    response = client.post("/admin/paths/new", data=form)
    assert response.status_code == 302
    path = db.session.scalar(select(LearningPath))
    assert [s.course.slug for s in path.steps] == ["dasar", "pimpinan"]
    assert path.created_by_id == hr.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "paths.require"))
    assert event.target == f"path:{path.id}"
    page = client.get("/admin/paths/").get_data(as_text=True)
    assert "Jalur Pimpinan" in page and "JPT, Administrator" in page


def test_the_form_refuses_a_course_twice(db, client, login_as, org):
    login_as("hr")
    form = {
        "title": "Ganda", "position_types": ["JPT"], "steps-0": org["dasar"].id,
        "steps-1": org["dasar"].id, "deadline": DEADLINE.isoformat(),
    }  # fmt: skip
    page = client.post("/admin/paths/new", data=form).get_data(as_text=True)
    assert "hanya boleh muncul sekali" in page
    assert db.session.scalar(select(func.count()).select_from(LearningPath)) == 0


def test_the_learning_page_shows_the_path_and_the_next_course(db, client, login_as, org):
    _leaders(org)
    db.session.commit()
    login_as(org["kadis"])
    page = client.get("/learning").get_data(as_text=True)
    assert "Jalur belajar: Jalur Pimpinan" in page
    assert page.index("Berikutnya:") < page.index("Dasar AI") < page.index("AI untuk Pimpinan")
    login_as(org["staf"])
    assert "Jalur belajar:" not in client.get("/learning").get_data(as_text=True)


def test_cancel_needs_the_csrf_token(make_app, org):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        path, _made = _leaders(org)
        db.session.commit()
        client = app.test_client()
        hr = make_user(roles={"learner", "hr"})
        db.session.commit()
        key = make_session(hr)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = f"{hr.id}:{key}"
        assert client.post(f"/admin/paths/{path.id}/cancel").status_code == 400
        db.session.expire_all()
        assert db.session.get(LearningPath, path.id).cancelled_at is None


def test_the_learning_page_does_not_query_per_path_or_step(db, client, login_as, org):
    _leaders(org)
    db.session.commit()
    login_as(org["kadis"])
    page_statements(client, "/learning")  # the first request of a session also records its start
    one = page_statements(client, "/learning")
    services.require_path(
        "Jalur Etika", [org["etika"], org["dasar"]], ["JPT"], date(2031, 1, 31), by=None, now=NOW
    )
    db.session.commit()
    assert page_statements(client, "/learning") == one
    assert len(services.paths_of(org["kadis"])) == 2
