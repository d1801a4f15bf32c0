"""Sinau courses that support an action item: what the item form offers, and how the item page
names them. Items keep course slugs (the import accepts them too); people see titles."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import gettext as _


def course_choices(linked: list[str] | None = None) -> list[tuple[str, str]]:
    """(slug, title) of every course on offer, by title; a course an item already links that is
    no longer offered (retired, or a slug imported before it existed) stays, marked, so editing
    the item does not drop it unasked."""
    offered = db.session.execute(
        select(Course.slug, Course.title).where(Course.retired_at.is_(None)).order_by(Course.title)
    ).all()
    choices = [(slug, title) for slug, title in offered]
    known = {slug for slug, _title in choices}
    for slug in linked or []:
        if slug not in known:
            choices.append((slug, _("%(slug)s (kursus tidak tersedia lagi)", slug=slug)))
    return choices


def linked_courses(slugs: list[str]) -> list[tuple[str, str | None]]:
    """(slug, title) of an item's courses, in one query; the title is None for a slug that
    names no course Sinau offers (the page then shows the slug, without a link)."""
    if not slugs:
        return []
    titles = dict(
        db.session.execute(
            select(Course.slug, Course.title).where(
                Course.slug.in_(slugs), Course.retired_at.is_(None)
            )
        ).all()
    )
    return [(slug, titles.get(slug)) for slug in slugs]
