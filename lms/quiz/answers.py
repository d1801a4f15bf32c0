"""Answers: what a learner chose, in the stored question's own terms, whatever brought it.

The quiz services take ``answers`` (attempt position -> response, ``None`` for a cleared
answer) and never read a request. :func:`from_form` turns a posted attempt page into answers:
the page shows choices in a shuffled order, so display positions become stored indexes here.
:func:`clean` is what the services apply to any answer, from a form, an API or a test: a value
outside what the question offers is dropped, so nothing reaches another question.
"""

from __future__ import annotations

from typing import Any

#: The longest essay kept (characters); a short answer keeps 500.
ESSAY_MAX = 20_000
SHORT_MAX = 500

Answers = dict[int, dict | None]


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def matching_rights(data: dict) -> list[str]:
    """The distinct right-hand options of a matching question, in a stable order."""
    return sorted({p["right"] for p in data["pairs"]})


def _getlist(form: Any, name: str) -> list:
    if hasattr(form, "getlist"):
        return form.getlist(name)
    value = form.get(name)
    return value if isinstance(value, list) else [] if value is None else [value]


def _from_fields(aq: Any, form: Any) -> dict | None:
    """One question's posted fields (display terms) as a response (stored terms)."""
    name = f"q{aq.position}"
    q = aq.question
    if q.type == "multichoice":
        pos = _int(form.get(name))
        return {"choice": aq.order[pos]} if pos is not None and 0 <= pos < len(aq.order) else None
    if q.type == "multiresponse":
        positions = {
            p
            for p in (_int(v) for v in _getlist(form, name))
            if p is not None and 0 <= p < len(aq.order)
        }
        return {"choices": sorted(aq.order[p] for p in positions)} if positions else None
    if q.type == "truefalse":
        value = form.get(name)
        return {"value": value == "true"} if value in ("true", "false") else None
    if q.type in ("shortanswer", "numerical", "essay"):
        return {"text": form.get(name) or ""}
    if q.type == "matching":
        rights = matching_rights(q.data)
        chosen: dict[str, str] = {}
        for left in range(len(q.data["pairs"])):
            pos = _int(form.get(f"{name}_{left}"))
            if pos is not None and 0 <= pos < len(aq.order):
                chosen[str(left)] = rights[aq.order[pos]]
        return {"pairs": chosen} if chosen else None
    return None


def from_form(attempt: Any, form: Any, only: int | None = None) -> Answers:
    """The answers a posted attempt page carries (or only question ``only``'s).

    A question counts as posted when one of its fields is in the form or the page's hidden
    ``shown`` field names it (every checkbox unticked posts nothing else): it is then answered
    or cleared. Questions not on the post are left out, so what was saved before stays.
    """
    shown = {_int(v) for v in _getlist(form, "shown")}
    answers: Answers = {}
    for aq in attempt.questions:
        if only is not None and aq.position != only:
            continue
        prefix = f"q{aq.position}"
        posted = aq.position in shown or any(
            key == prefix or key.startswith(prefix + "_") for key in form
        )
        if posted:
            answers[aq.position] = _from_fields(aq, form)
    return answers


def clean(question: Any, response: Any) -> dict | None:
    """``response`` if it is a valid answer to ``question`` (stored terms), trimmed; else None."""
    if not isinstance(response, dict):
        return None
    data = question.data
    kind = question.type
    if kind == "multichoice":
        choice = response.get("choice")
        ok = type(choice) is int and 0 <= choice < len(data["answers"])  # not a bool
        return {"choice": choice} if ok else None
    if kind == "multiresponse":
        picks = response.get("choices")
        if not isinstance(picks, list):
            return None
        size = len(data["answers"])
        kept = sorted({c for c in picks if type(c) is int and 0 <= c < size})
        return {"choices": kept} if kept else None
    if kind == "truefalse":
        value = response.get("value")
        return {"value": value} if isinstance(value, bool) else None
    if kind in ("shortanswer", "numerical", "essay"):
        text = response.get("text")
        if not isinstance(text, str):
            return None
        text = text.strip()[: ESSAY_MAX if kind == "essay" else SHORT_MAX]
        return {"text": text} if text else None
    if kind == "matching":
        pairs = response.get("pairs")
        if not isinstance(pairs, dict):
            return None
        rights = set(matching_rights(data))
        lefts = {str(i) for i in range(len(data["pairs"]))}
        kept = {k: v for k, v in pairs.items() if k in lefts and v in rights}
        return {"pairs": kept} if kept else None
    return None
