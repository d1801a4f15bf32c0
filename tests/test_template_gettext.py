"""Templates' ``_()``, ``gettext()`` and ``ngettext()`` (lms.i18n) behave as Jinja's newstyle
gettext did: variables escaped, ``%`` always applied, the request's language followed."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return render_template_string(source, **context)


def test_variables_are_escaped_and_the_msgid_is_not(app):
    html = render(app, "{{ _('<b>%(who)s</b>', who=name) }}", name="<i>Ani</i>")
    assert html == "<b>&lt;i&gt;Ani&lt;/i&gt;</b>"


def test_percent_is_always_applied(app):
    assert render(app, "{{ _('100%%') }} {{ gettext('50%%') }}") == "100% 50%"


def test_ngettext_fills_num(app):
    source = "{{ ngettext('%(num)d materi', '%(num)d materi', n) }}"
    assert render(app, source, n=3) == "3 materi"


def test_a_forced_language_is_followed_and_left(app):
    source = "{{ _('Keluar') }}"
    with app.test_request_context("/"):
        before = render_template_string(source)
        with force_locale("en"):
            forced = render_template_string(source)
        after = render_template_string(source)
    assert (before, forced, after) == ("Keluar", "Sign out", "Keluar")


def test_trans_blocks_escape_variables_and_fill_the_count(app):
    """``{% trans %}`` calls the same ``gettext``/``ngettext`` globals (none of our templates
    uses it yet)."""
    source = (
        "{% trans %}<b>{{ who }}</b>{% endtrans %}|"
        "{% trans count=n %}{{ count }} materi{% pluralize %}{{ count }} materi{% endtrans %}"
    )
    assert render(app, source, who="<i>Ani</i>", n=2) == "<b>&lt;i&gt;Ani&lt;/i&gt;</b>|2 materi"
