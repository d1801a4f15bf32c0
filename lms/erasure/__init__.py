"""Erasure (UU 27/2022 Pasal 8) and retention: anonymising a person, on request or when the
retention period after deactivation ends. Each feature erases its own rows through the eraser
of its personal-data provider (``lms/<feature>/privacy.py``)."""
