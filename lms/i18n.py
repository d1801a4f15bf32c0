"""Language and time: Bahasa Indonesia first, English second; times stored in UTC, shown in WIB."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import (
    NumberPattern,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)
from babel.support import NullTranslations
from flask import Flask, current_app, g, request, session
from flask_babel import LazyString, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

__all__ = ["gettext", "lazy_gettext", "ngettext", "select_locale", "to_wib", "utcnow", "wib"]

WIB = ZoneInfo("Asia/Jakarta")
_ID = Locale.parse("id")


def translations() -> NullTranslations:
    """This request's catalogue: Flask-Babel's, looked up once per request and locale.

    Flask-Babel looks it up again for every string (three lookups through ``g`` and the locale
    turned into text each time): on a page of course cards that was a fifth of its CPU time
    (issue 16). A changed locale (``force_locale`` for an email, ``refresh()``) is a new
    ``Locale`` object, so it gets its own catalogue. Once both are known, one look at ``g``'s
    own attributes answers (a page asks 20-50 times; each trip through the ``g`` proxy and
    ``get_locale`` cost about 3 microseconds)."""
    try:
        state = vars(g._get_current_object())
    except RuntimeError:  # no app context: Flask-Babel's null catalogue
        return get_translations()
    cached = state.get("_translations")
    babel = state.get("_flask_babel")
    if (
        cached is not None
        and babel is not None
        and cached[0] is getattr(babel, "babel_locale", None)
    ):
        return cached[1]
    locale = get_locale()
    cached = state["_translations"] = (locale, get_translations())
    return cached[1]


def gettext(string: str, **variables) -> str:
    """``string`` in the current language; ``%(name)s`` filled from ``variables``."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for ``num`` (available as ``%(num)d``)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """:func:`gettext` when the text is used (labels defined at import time)."""
    return LazyString(gettext, string, **variables)


@pass_context
def _template_gettext(context: Context, string: str, **variables) -> str:
    """Templates' ``_()`` and ``gettext()``: what Jinja's newstyle gettext does (escaped
    variables, ``%`` always applied), in one call instead of Jinja's three (``_`` resolves
    ``gettext``, which calls the catalogue function through ``Context.call``): a page shows
    20-50 strings, and the wrappers cost more than the lookup."""
    text = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own msgids and catalogues, as Jinja's gettext
    return text % variables


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, num: int, **variables) -> str:
    """Templates' ``ngettext()``, as :func:`_template_gettext` (``num`` is a variable too)."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own msgids and catalogues, as Jinja's ngettext
    return text % variables


def init_templates(app: Flask) -> None:
    """Templates' ``_()``, ``gettext()`` and ``ngettext()`` (``{% trans %}`` too) ask
    :func:`translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )


def utcnow() -> datetime:
    """The current time in UTC, naive, as the database stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def select_locale() -> str:
    """The person's stored choice, then the visitor's session, then Bahasa Indonesia."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request and session.get("locale") in languages:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def to_wib(value: datetime) -> datetime:
    """A stored (naive UTC) or aware datetime, in WIB."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WIB)


def wib_today(now: datetime | None = None) -> date:
    """Today's date in WIB."""
    return to_wib(now or utcnow()).date()


def format_day(value: date | datetime | None) -> str:
    """27 November 2026, in the current language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_wib(value).date()
    return _babel_date(value, "d MMMM y", locale=str(get_locale() or "id"))


def wib(value: datetime | None, with_date: bool = True) -> str:
    """27 November 2026, 21.30 WIB (a stored UTC time shown in WIB)."""
    if value is None:
        return ""
    local = to_wib(value)
    clock = f"{local:%H.%M} WIB"
    return f"{format_day(local.date())}, {clock}" if with_date else clock


@functools.cache
def _number_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0" if digits == 0 else "#,##0." + "#" * digits)


def number(value: float | int | None, digits: int = 1) -> str:
    """1.234,5 in Indonesian, 1,234.5 in English.

    The pattern is parsed once and the request's ``Locale`` passed as it is: a report table
    formats a few hundred numbers, and babel parsing both again for each was most of its cost.
    A whole number (most of a report's cells) is only grouped, with the locale's symbols read
    once per process: babel's rounding machinery took 7 us per cell for nothing to round."""
    if value is None:
        return ""
    locale = get_locale() or _ID
    if type(value) is int:
        group, minus = _int_symbols(locale)
        grouped = f"{abs(value):,}".replace(",", group)
        return minus + grouped if value < 0 else grouped
    return _number_pattern(digits).apply(value, locale)


@functools.lru_cache(maxsize=16)
def _int_symbols(locale: Locale) -> tuple[str, str]:
    """The group separator and minus sign of ``locale`` (latin digits)."""
    return get_group_symbol(locale), get_minus_sign_symbol(locale)
