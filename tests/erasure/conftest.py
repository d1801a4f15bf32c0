"""The two people with data in every feature, shared with the "Data saya" tests."""

from tests.privacy.test_data_saya import people  # noqa: F401 - a fixture, used by name
