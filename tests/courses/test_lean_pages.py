"""The learner's hot pages run a handful of SQL statements, write nothing on a GET unless
something changed, and never load lazily from a template (issue 16, point 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.paths import services as paths
from tests.factories import make_item, make_unit, make_user, page_sql, sync, write_course

#: The most statements a learner page may run (issue 16): the person and their session, then
#: the page's own few queries.
MOST = 4


def _statements(client, db, url: str) -> list[str]:
    """The SQL statements answering ``url`` (a fresh identity map, as in a new request)."""
    db.session.close()
    return page_sql(client, url)


@pytest.fixture
def learner(db, tmp_path, login_as):
    """A learner with a learning path, a course done, one in progress, an open action item."""
    for slug, title in (("dasar", "Dasar AI"), ("etika", "Etika AI"), ("pimpinan", "Pimpinan")):
        write_course(tmp_path, slug=slug, title=title, lessons=3, mandatory=True,
                     deadline=date(2030, 6, 30))  # fmt: skip
    sync(tmp_path)
    unit = make_unit("Dinas Kominfo")
    person = make_user(unit=unit, position_type="Administrator")
    by_slug = {c.slug: c for c in db.session.scalars(select(Course))}
    paths.require_path("Jalur Pimpinan", [by_slug["dasar"], by_slug["pimpinan"]],
                       ["Administrator"], date(2030, 6, 30), by=None, now=utcnow())  # fmt: skip
    now = utcnow()
    done = courses.enroll(person, by_slug["etika"], now)
    for lesson in courses.current_lessons(by_slug["etika"]):
        courses.complete_lesson(done, lesson, now)
    going = courses.find_enrollment(person, by_slug["dasar"])
    courses.complete_lesson(going, courses.current_lessons(by_slug["dasar"])[0], now)
    make_item(unit, person, actor=person, now=now, due_date=date.today() + timedelta(days=3))
    db.session.commit()
    login_as(person)
    return person


LESSON = "/courses/dasar/lessons/materi-2"


@pytest.mark.parametrize("url", ["/", "/learning", "/courses", LESSON])
def test_learner_pages_run_at_most_four_statements(client, db, learner, url):
    _statements(client, db, url)  # the first request of a session also records its start
    found = _statements(client, db, url)
    assert len(found) <= MOST, "\n".join(" ".join(s.split())[:400] for s in found)


def _writes(statements: list[str]) -> list[str]:
    return [
        s for s in statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def test_a_lesson_shown_again_writes_nothing(client, db, learner):
    first = _statements(client, db, LESSON)  # the lesson opened last changes: one UPDATE
    assert [s.split()[0] for s in _writes(first)] == ["UPDATE"]
    assert _writes(_statements(client, db, LESSON)) == []
    assert _writes(_statements(client, db, "/courses/dasar/lessons/materi-1")) != []


@pytest.mark.parametrize("url", ["/", "/learning", "/courses"])
def test_learner_pages_write_nothing(client, db, learner, url):
    _statements(client, db, url)
    assert _writes(_statements(client, db, url)) == []


def test_the_lesson_page_shows_its_own_text_progress_and_neighbours(client, db, learner):
    page = client.get(LESSON).get_data(as_text=True)
    assert "Isi materi ke-2" in page and "Isi materi ke-1" not in page
    assert "1 dari 3 materi selesai" in page
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_an_unknown_lesson_or_course_is_not_found(client, db, learner):
    assert client.get("/courses/dasar/lessons/tidak-ada").status_code == 404
    assert client.get("/courses/tidak-ada/lessons/materi-1").status_code == 404


def test_the_person_roles_unit_and_bell_come_in_one_statement(app, db, learner):
    from lms.accounts.sessions import figure, load_user
    from lms.reminders.models import Notification
    from tests.factories import login_id

    db.session.add(
        Notification(user_id=learner.id, key="uji:1", category="course", rule="uji", title="Uji")
    )
    db.session.commit()
    token = login_id(learner)
    db.session.expire_all()
    found: list[str] = []
    listener = lambda *args: found.append(args[2])  # noqa: E731
    with app.test_request_context("/"):
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            user = load_user(token)
            assert user.roles == {"learner"} and user.unit.name == "Dinas Kominfo"
            assert figure("unread", user) == 1
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(found) == 1, found


def test_a_unit_report_lists_the_ranks_of_its_own_people_only(client, db, login_as):
    from lms.reports.choices import ranks

    opd = make_unit("Dinas Kesehatan")
    seksi = make_unit("Seksi Gizi", parent=opd)
    other = make_unit("Bapenda")
    make_user(unit=seksi, rank="III/b")
    make_user(unit=opd, rank="IV/a")
    make_user(unit=other, rank="II/c")
    make_user(unit=seksi, rank="I/a", active=False)
    db.session.commit()
    assert ranks(opd) == ["III/b", "IV/a"]
    assert ranks(seksi) == ["III/b"]
    assert ranks(None) == ["II/c", "III/b", "IV/a"]
    login_as("hr")
    statements = _statements(client, db, f"/reports/units/{seksi.id}")
    rank_queries = [s for s in statements if "DISTINCT users.rank" in s]
    assert len(rank_queries) == 1 and "units.path LIKE" in rank_queries[0]
