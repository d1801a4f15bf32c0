"""Courses: content as code in courses/, enrolment, progress, JP and certificates."""
