"""Sections other features show below a lesson, such as the questions to the instructor.

A feature registers a template and a loader with :func:`lesson_panel`; the lesson page calls
each loader with what it already knows (:class:`LessonSeen`) and includes the template with the
loader's context as ``panel``. The lesson page is held to a few SQL statements (issue 16): a
loader runs at most one, and nothing it returns may load lazily from a template. A loader
returns None to show nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lms.accounts.models import User
from lms.courses.models import Course, Enrollment, Lesson


@dataclass(frozen=True)
class LessonSeen:
    """One showing of a lesson: to whom, and their enrolment (None for a course's instructor or
    staff reading it without being enrolled)."""

    user: User
    course: Course
    lesson: Lesson
    enrollment: Enrollment | None


Loader = Callable[[LessonSeen], dict | None]

#: (template, loader) in the order the panels are shown.
LESSON_PANELS: list[tuple[str, Loader]] = []


def lesson_panel(template: str) -> Callable[[Loader], Loader]:
    """Register ``loader`` to show ``template`` below every lesson."""

    def register(loader: Loader) -> Loader:
        LESSON_PANELS.append((template, loader))
        return loader

    return register


def panels_for(seen: LessonSeen) -> list[tuple[str, dict]]:
    """The panels to show for this showing of a lesson, each with its context."""
    shown = ((template, loader(seen)) for template, loader in LESSON_PANELS)
    return [(template, context) for template, context in shown if context is not None]
