"""Quiz question import and grading."""
