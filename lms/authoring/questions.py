"""The question bank question by question, in forms that work without JavaScript.

Routes on the authoring blueprint beside the GIFT text editor (``authoring.quiz``), with its
policy (the same draft lookup) and its check: every save rewrites quiz.gift through the GIFT
writer, one block at a time (:mod:`lms.authoring.question_bank`), and reports the problems the
text editor would. Descriptions, unreadable blocks and questions the form cannot give back
exactly are listed but edited only as text.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from lms.authoring import services
from lms.authoring.blueprint import bp, editable_draft
from lms.authoring.models import CourseDraft, DraftFile
from lms.authoring.question_bank import Bank, Item, block_text, digest, read_block
from lms.authoring.question_forms import (
    KIND_NAMES,
    ROW_PARTS,
    TYPE_CHOICES,
    QuestionForm,
    representable,
    same,
)
from lms.courses.source import QUIZ_FILE
from lms.extensions import db
from lms.forms import BaseForm
from lms.i18n import gettext as _
from lms.i18n import utcnow
from lms.quiz.gift import GiftError, Question

#: Start of a question's text shown in the list.
PREVIEW_CHARS = 90


def _quiz_text(draft: CourseDraft) -> str:
    """The draft's quiz.gift (empty when there is none); only that file is read."""
    data = db.session.scalar(
        select(DraftFile.data).where(DraftFile.draft_id == draft.id, DraftFile.name == QUIZ_FILE)
    )
    return bytes(data).decode("utf-8", "replace") if data is not None else ""


def _list_url(draft: CourseDraft, number: int | None = None) -> str:
    anchor = f"#soal-{number}" if number else ""
    return url_for("authoring.questions", authored=draft.slug) + anchor


def _start(item: Item) -> str:
    text = " ".join((item.question.text if item.question else item.source).split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1].rstrip() + "…"


def _save(draft: CourseDraft, bank: Bank, message: str) -> None:
    """Keep the bank's new text as the text editor does and say what its check found."""
    problems = services.save_quiz(draft, bank.text(), utcnow())
    db.session.commit()
    flash(message, "success")
    if problems:
        flash(
            _("Bank soal masih memiliki %(n)d masalah; lihat daftarnya di bawah.", n=len(problems)),
            "error",
        )


@bp.route("/authoring/<authored>/questions")
@login_required
def questions(authored: str):
    """Every item of the bank in order, with its type and first words; change, delete, move."""
    draft, _course = editable_draft(authored)
    text = _quiz_text(draft)
    bank = Bank(text)
    rows = [
        {
            "item": item,
            "kind": KIND_NAMES.get(item.kind, item.kind),
            "start": _start(item),
            "editable": item.question is not None and representable(item.question),
            "origin": digest(item.source),
        }
        for item in bank.items
    ]
    return render_template(
        "authoring/questions.html",
        draft=draft,
        rows=rows,
        types=TYPE_CHOICES,
        problems=services.quiz_problems(draft.slug, text),
        action=BaseForm(),
    )


def _page(draft: CourseDraft, form: QuestionForm, number: int | None):
    return render_template(
        "authoring/question.html",
        draft=draft,
        qform=form,
        number=number,
        parts=ROW_PARTS.get(form.type.data, ROW_PARTS["multichoice"]),
        problems=form.problems(),
    )


def _written(form: QuestionForm, fmt: str) -> Question | None:
    """The form's question as the writer writes it, if it reads back the same; else None with
    the reason on the form (the bank is not touched)."""
    question = form.question(fmt)
    try:
        back = read_block(block_text(question))
    except GiftError as exc:
        why = exc.message
    else:
        if same(back, question):
            return question
        why = _("teks GIFT-nya terbaca berbeda")
    message = _(
        "Soal ini tidak dapat disimpan sebagai GIFT persis seperti diisi (%(why)s).", why=why
    )
    form.answer_errors.append(message)
    return None
    return question


@bp.route("/authoring/<authored>/questions/new", methods=["GET", "POST"])
@login_required
def question_new(authored: str):
    """A new question at the end of the bank; ``?jenis=`` chooses its type."""
    draft, _course = editable_draft(authored)
    form = QuestionForm()
    if request.method == "GET":
        kind = request.args.get("jenis", "multichoice")
        form.type.data = kind if kind in ROW_PARTS else "multichoice"
    elif not form.change.data and form.validate_on_submit():
        question = _written(form, "moodle")
        if question is not None:
            bank = Bank(_quiz_text(draft))
            bank.append(question)
            _save(draft, bank, _("Soal ditambahkan ke bank soal di draf."))
            return redirect(_list_url(draft, len(bank.items) + 1))
    return _page(draft, form, None)


@bp.route("/authoring/<authored>/questions/<int:number>", methods=["GET", "POST"])
@login_required
def question_edit(authored: str, number: int):
    """Change one question in a form; the others stay as they are written."""
    draft, _course = editable_draft(authored)
    bank = Bank(_quiz_text(draft))
    item = bank.item(number) or abort(404)
    if item.question is None or not representable(item.question):
        flash(_("Butir ini hanya bisa diubah sebagai teks GIFT."), "error")
        return redirect(url_for("authoring.quiz", authored=draft.slug))
    form = QuestionForm()
    if request.method == "GET":
        form.fill(item.question)
        form.origin.data = digest(item.source)
    elif not form.change.data and form.validate_on_submit():
        if form.origin.data != digest(item.source):
            form.answer_errors.append(
                _(
                    "Soal ini telah diubah atau dipindahkan sejak formulir dibuka. Isian Anda "
                    "belum disimpan; buka soalnya lagi dari daftar soal."
                )
            )
        elif (question := _written(form, item.question.format)) is not None:
            bank.replace(number, question)
            _save(draft, bank, _("Soal %(n)d disimpan di draf.", n=number))
            return redirect(_list_url(draft, number))
    return _page(draft, form, number)


def _checked_item(bank: Bank, number: int) -> Item | None:
    """The item a list button was pressed for, if the bank still has it where it was."""
    item = bank.item(number)
    if not BaseForm().validate_on_submit():
        return None
    if item is None or request.form.get("origin") != digest(item.source):
        flash(_("Bank soal telah berubah sejak daftar dibuka; periksa lalu ulangi."), "error")
        return None
    return item


@bp.route("/authoring/<authored>/questions/<int:number>/delete", methods=["POST"])
@login_required
def question_delete(authored: str, number: int):
    """Remove one item from the bank."""
    draft, _course = editable_draft(authored)
    bank = Bank(_quiz_text(draft))
    if _checked_item(bank, number) is not None:
        bank.remove(number)
        _save(draft, bank, _("Butir %(n)d dihapus dari bank soal.", n=number))
    return redirect(_list_url(draft))


@bp.route("/authoring/<authored>/questions/<int:number>/move", methods=["POST"])
@login_required
def question_move(authored: str, number: int):
    """Move one item a place up or down (buttons, no JavaScript)."""
    draft, _course = editable_draft(authored)
    bank = Bank(_quiz_text(draft))
    step = -1 if request.form.get("direction") == "up" else 1
    target = number + step
    if _checked_item(bank, number) is not None and bank.item(target) is not None:
        bank.move(number, step)
        _save(draft, bank, _("Urutan bank soal disimpan di draf."))
        return redirect(_list_url(draft, target))
    return redirect(_list_url(draft, number))
