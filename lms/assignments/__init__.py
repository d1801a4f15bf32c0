"""Course assignments: HR assigns a course to everyone, to units or to position types."""
