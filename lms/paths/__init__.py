"""Learning paths: an ordered list of courses HR requires of people by position type."""
