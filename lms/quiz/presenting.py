"""What the quiz pages show: an attempt's questions, the review with feedback, essays, and
HR's per-question statistics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import case, func, select

from lms.courses.markdown import render_inline_text
from lms.extensions import db
from lms.i18n import gettext as _
from lms.quiz import grading
from lms.quiz.answers import matching_rights
from lms.quiz.banks import CHOICE_TYPES, as_gift, render_text
from lms.quiz.models import Attempt, AttemptQuestion, Question


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


# -- presenting -------------------------------------------------------------------------------


def _html(text: str, fmt: str) -> Markup:
    return Markup(render_text(text, fmt))  # noqa: S704 - render_text sanitises with nh3


def _plain(text: str) -> Markup:
    return Markup(render_inline_text(text))  # noqa: S704 - render_inline_text escapes


@dataclass
class Shown:
    """One question as the attempt page shows it: no answer key, no fractions, no feedback."""

    aq: AttemptQuestion
    type: str
    text: Markup
    options: list[Markup]  # choices in display order, or matching options
    lefts: list[Markup]  # matching: the items to match
    selected: Any  # the saved response, in display terms


def shown_questions(attempt: Attempt) -> list[Shown]:
    out = []
    for aq in attempt.questions:
        q = aq.question
        data = q.data
        fmt = data.get("format", "moodle")
        options: list[Markup] = []
        lefts: list[Markup] = []
        selected: Any = None
        response = aq.response or {}
        if q.type in CHOICE_TYPES:
            options = [_html(data["answers"][i]["text"], fmt) for i in aq.order]
            if q.type == "multichoice" and "choice" in response:
                selected = aq.order.index(response["choice"])
            elif q.type == "multiresponse":
                selected = {aq.order.index(c) for c in response.get("choices", [])}
        elif q.type == "matching":
            rights = matching_rights(data)
            options = [_plain(rights[i]) for i in aq.order]
            lefts = [_html(p["left"], fmt) for p in data["pairs"] if p["left"]]
            chosen = response.get("pairs", {})
            selected = {
                int(k): aq.order.index(rights.index(v)) for k, v in chosen.items() if v in rights
            }
        elif q.type == "truefalse":
            selected = response.get("value")
        else:
            selected = response.get("text", "")
        text = Markup(q.text_html)  # noqa: S704 - sanitised at sync
        out.append(Shown(aq, q.type, text, options, lefts, selected))
    return out


#: Features that add a note to an essay answer in the review (lms/teaching: the grader's
#: feedback): ``fn(attempt_question_ids) -> {attempt_question_id: safe HTML}``.
ESSAY_NOTES: list[Callable[[list[int]], dict[int, Markup]]] = []


def essay_items(attempt: Attempt) -> list[dict]:
    """The attempt's essays as the review shows them to their writer and graders: the
    question, the answer as typed (escaped) and the grader's feedback once graded."""
    essays = [aq for aq in attempt.questions if aq.question.type == "essay"]
    notes: dict[int, Markup] = {}
    for fn in ESSAY_NOTES:
        notes |= fn([aq.id for aq in essays])
    return [
        {
            "aq": aq,
            "text": Markup(aq.question.text_html),  # noqa: S704 - sanitised at sync
            "answer": _plain((aq.response or {}).get("text", "")),
            "feedback": notes.get(aq.id),
        }
        for aq in essays
    ]


def review_items(attempt: Attempt) -> list[dict]:
    """Per question: the learner's answer, the right answer(s) and feedback, for the review."""
    items = []
    for shown in shown_questions(attempt):
        q = shown.aq.question
        data = q.data
        fmt = data.get("format", "moodle")
        feedback: list[Markup] = []
        right: list[Markup] = []
        response = shown.aq.response or {}
        if q.type in CHOICE_TYPES:
            picked = [response["choice"]] if "choice" in response else response.get("choices", [])
            for i in picked:
                if data["answers"][i].get("feedback"):
                    feedback.append(_html(data["answers"][i]["feedback"], fmt))
            right = [_html(a["text"], fmt) for a in data["answers"] if a["fraction"] > 0]
        elif q.type == "truefalse":
            value = response.get("value")
            text = data["feedback_true"] if value else data["feedback_false"]
            if value is not None and text:
                feedback.append(_html(text, fmt))
            right = [_plain(_("Benar") if data["answer"] else _("Salah"))]
        elif q.type in ("shortanswer", "numerical"):
            answers = [a for a in data["answers"] if a["fraction"] >= 1]
            if q.type == "shortanswer":
                right = [_plain(a["text"]) for a in answers]
                matched = grading.matching_shortanswer(as_gift(q), response.get("text"))
            else:
                right = [_plain(_fmt_range(a["min"], a["max"])) for a in answers]
                matched = grading.matching_numeric(as_gift(q), response.get("text"))
            if matched is not None and matched.feedback:  # e.g. Moodle's "~#Completely wrong"
                feedback.append(_html(matched.feedback, fmt))
        elif q.type == "matching":
            right = [_plain(f"{p['left']} → {p['right']}") for p in data["pairs"] if p["left"]]
        if data.get("general_feedback"):
            feedback.append(_html(data["general_feedback"], fmt))
        items.append(
            {"shown": shown, "fraction": shown.aq.fraction, "right": right, "feedback": feedback}
        )
    return items


def _fmt_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "*"  # Moodle's "any answer"

    def f(x: float) -> str:
        return f"{x:g}".replace(".", ",")

    return f(low) if low == high else f"{f(low)} – {f(high)}"


def question_statistics(course_id: int) -> list[dict]:
    """Per question, over submitted attempts: answered, fully right, most chosen wrong answer."""
    right = case((AttemptQuestion.fraction >= 0.999, 1), else_=0)
    rows = db.session.execute(
        select(
            AttemptQuestion.question_id,
            func.count(AttemptQuestion.id),
            func.sum(right),
            func.avg(AttemptQuestion.fraction),
        )
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.course_id == course_id, Attempt.submitted_at.is_not(None))
        .group_by(AttemptQuestion.question_id)
    ).all()
    counts = {qid: (n, int(r or 0), float(avg or 0)) for qid, n, r, avg in rows}
    wrong_rows = db.session.execute(
        select(AttemptQuestion.question_id, AttemptQuestion.answer_key, func.count())
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(
            Attempt.course_id == course_id,
            Attempt.submitted_at.is_not(None),
            AttemptQuestion.fraction < 0.999,
            AttemptQuestion.answer_key.is_not(None),
        )
        .group_by(AttemptQuestion.question_id, AttemptQuestion.answer_key)
    ).all()
    top_wrong: dict[int, tuple[str, int]] = {}
    for qid, key, n in wrong_rows:
        if qid not in top_wrong or n > top_wrong[qid][1]:
            top_wrong[qid] = (key, n)
    stats = []
    for q in db.session.scalars(
        select(Question).where(Question.course_id == course_id).order_by(Question.position)
    ):
        answered, fully_right, avg = counts.get(q.id, (0, 0, 0.0))
        wrong = top_wrong.get(q.id)
        stats.append(
            {
                "question": q,
                "answered": answered,
                "right": fully_right,
                "right_pct": round(100 * fully_right / answered) if answered else None,
                "average": avg,
                "top_wrong": describe_answer(q, wrong[0]) if wrong else None,
                "top_wrong_count": wrong[1] if wrong else 0,
            }
        )
    return stats


def describe_answer(q: Question, key: str) -> str:
    """An answer key from statistics as text a trainer can read."""
    if q.type in CHOICE_TYPES:
        texts = []
        for part in key.split(","):
            idx = _int(part)
            if idx is not None and 0 <= idx < len(q.data["answers"]):
                texts.append(q.data["answers"][idx]["text"])
        return " + ".join(texts)
    if q.type == "truefalse":
        return _("Benar") if key == "true" else _("Salah")
    return key
