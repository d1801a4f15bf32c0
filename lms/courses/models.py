"""Courses, their lessons, enrolments, lesson progress and certificates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.extensions import db
from lms.i18n import utcnow

#: ``content_hash`` of a course made in the database rather than read from a folder in courses/
#: (``flask lms seed-synthetic``): ``flask lms courses sync`` never retires it.
DATABASE_ONLY = "-"


class Course(db.Model):
    """A course as synced from ``courses/<slug>/``; the slug is its identity across syncs."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: dasar, menengah or lanjut.
    level: Mapped[str] = mapped_column(String(20), index=True)
    #: Jam pelajaran earned on completion (1 JP = 45 minutes).
    jp: Mapped[int]
    minutes: Mapped[int]
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: Learners cannot enrol themselves; HR assigns the course.
    assignment_only: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Deadline of a mandatory course when it applies to everyone (course.toml).
    deadline: Mapped[date | None] = mapped_column(Date)
    version: Mapped[str] = mapped_column(String(50))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: Set when the course folder disappeared from courses/; progress is kept.
    retired_at: Mapped[datetime | None]
    # Quiz settings ([quiz] in course.toml; admin may change them).
    pass_mark: Mapped[int] = mapped_column(default=70)
    max_attempts: Mapped[int] = mapped_column(default=0)  #: 0 = unlimited
    time_limit_minutes: Mapped[int | None]
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_answers: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Questions drawn at random per attempt; empty means the whole bank.
    draw: Mapped[int | None]
    #: never, after_pass, after_last or always.
    show_answers: Mapped[str] = mapped_column(String(20), default="after_pass")
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course",
        order_by="Lesson.position",
        primaryjoin="and_(Lesson.course_id == Course.id, Lesson.retired_at.is_(None))",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseVersion(db.Model):
    """One sync that changed a course: which version and content it brought."""

    __tablename__ = "course_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(50))
    content_hash: Mapped[str] = mapped_column(String(64))
    #: What changed, e.g. {"added": [...], "updated": [...], "retired": [...]}.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Lesson(db.Model):
    """A lesson (materi); retired lessons stay so that progress on them is never lost."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    #: Order in the course (the NN of NN-slug.md).
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    #: Rendered and sanitised at sync time.
    html: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(default=0)
    reading_minutes: Mapped[int] = mapped_column(default=1)
    retired_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="lessons")


class Enrollment(db.Model):
    """A person taking a course: progress, resume point, completion and JP earned."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_enrollments_course_completed", "course_id", "completed_at"),
        Index("ix_enrollments_user_completed_on", "user_id", "completed_on"),
        # Reports: completions per month and JP per period, across everyone.
        Index("ix_enrollments_completed_on", "completed_on"),
        # Reports and reminders: what is owed by when, per course.
        Index("ix_enrollments_course_deadline", "course_id", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: self, assigned or mandatory.
    source: Mapped[str] = mapped_column(String(20), default="self")
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The lesson to resume at.
    last_lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL")
    )
    #: When anything last moved forward (a lesson done, a quiz submitted).
    last_activity_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: The WIB calendar date of completion: JP count per calendar year from it.
    completed_on: Mapped[date | None] = mapped_column(Date)
    jp_earned: Mapped[int] = mapped_column(default=0)
    #: The WIB day the course is owed by: the earliest deadline of the live assignments covering
    #: the person, else course.toml's deadline of a mandatory course nobody assigned; empty when
    #: not owed. Kept by :func:`lms.assignments.coverage.apply_assignments`, never set by hand.
    deadline: Mapped[date | None] = mapped_column(Date)
    #: The best submitted quiz score, the number of submitted attempts and whether one passed:
    #: kept by :func:`lms.quiz.services.record_attempts` whenever an attempt is graded.
    best_score: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    quiz_passed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    last_lesson: Mapped[Lesson | None] = relationship()
    certificate: Mapped[Certificate | None] = relationship(back_populates="enrollment")


class LessonProgress(db.Model):
    """A lesson marked complete (Tandai selesai) within an enrolment."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


#: ``revoke_reason`` of a certificate withdrawn because its holder was erased (lms/erasure): the
#: public verification page then names no one and says why, in the reader's language.
WITHDRAWN_ON_REQUEST = "Ditarik atas permintaan pemilik sertifikat."
WITHDRAWN_AFTER_RETENTION = "Ditarik karena masa simpan data pemilik sertifikat telah berakhir."


class Certificate(db.Model):
    """Issued once per completed enrolment; holds a snapshot of what it certifies."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    #: Unguessable verification code (about 78 bits), shown grouped as XXXX-XXXX-XXXX-XXXX.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_nip: Mapped[str | None] = mapped_column(String(18))
    course_title: Mapped[str] = mapped_column(String(300))
    jp: Mapped[int]
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))

    enrollment: Mapped[Enrollment] = relationship(back_populates="certificate")

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def withdrawal(self) -> str | None:
        """Why the holder's name was removed: "request" or "retention" (erasure); else None."""
        if self.holder_name:
            return None
        if self.revoke_reason == WITHDRAWN_AFTER_RETENTION:
            return "retention"
        return "request"

    @property
    def masked_nip(self) -> str:
        """Enough of the NIP to tell two namesakes apart, not enough to misuse it."""
        nip = self.holder_nip or ""
        return f"{nip[:4]}{'•' * 10}{nip[-4:]}" if len(nip) == 18 else ""
