"""tests/conftest.py hands every app the URL-building functions Werkzeug compiled for the same
rule in an earlier app (``Rule._compile_builder``, patched): sound only while such a function is
plain code that reads everything else from the rule it is bound to. A Werkzeug that bakes more
into it fails here, instead of as a wrong URL in some other test."""

from __future__ import annotations

from tests import conftest


def test_each_reused_url_builder_is_the_function_werkzeug_would_compile(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown in (True, False):
            reused = conftest._reused_url_builder(rule, append_unknown)
            fresh = conftest._compile_builder(rule, append_unknown)
            assert reused.__code__ == fresh.__code__, rule
            assert reused.__defaults__ == fresh.__defaults__, rule
            assert reused.__closure__ is None and fresh.__closure__ is None, rule
            assert set(fresh.__globals__) <= {"__builtins__"}, rule
