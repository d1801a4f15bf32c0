"""Loading course folders: the happy path, and every problem an author can make."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from lms.courses.content import load_course, load_courses
from lms.courses.source import CourseContentError, CourseSource, Problem, QuizSettings
from lms.courses.toml_keys import toml_key_lines

DATA = Path(__file__).parent / "data" / "courses"

VALID_TOML = """\
title = "Kursus Contoh"
summary = "Ringkasan kursus."
level = "menengah"
jp = 2
minutes = 90
version = "2026.1"
"""
VALID_LESSON = "# Pengantar\n\nIsi materi pertama.\n"


def make_course(
    root: Path, files: dict[str, str | bytes] | None = None, slug: str = "contoh"
) -> Path:
    """A valid course folder, with ``files`` added or replaced (None content = delete)."""
    folder = root / slug
    folder.mkdir(parents=True)
    contents: dict[str, str | bytes | None] = {
        "course.toml": VALID_TOML,
        "01-pengantar.md": VALID_LESSON,
    }
    contents.update(files or {})
    for name, content in contents.items():
        if content is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(CourseContentError) as info:
        load_course(folder)
    return [str(p) for p in info.value.problems]


def toml_problems(tmp_path: Path, toml: str, **files: str) -> list[str]:
    return problems_of(make_course(tmp_path, {"course.toml": toml, **files}))


# --- the fixture courses ---------------------------------------------------------------------


def test_load_full_course() -> None:
    course = load_course(DATA / "dasar-ai")
    assert isinstance(course, CourseSource)
    assert course.slug == "dasar-ai"
    assert course.title == "Dasar-dasar Kecerdasan Artifisial untuk ASN"
    assert course.summary.startswith("Pengenalan AI generatif")
    assert course.summary.endswith("dengan aman.")
    assert (course.level, course.jp, course.minutes) == ("dasar", 4, 180)
    assert course.mandatory is True
    assert course.assignment_only is False
    assert course.deadline == date(2026, 12, 31)
    assert course.version == "2026.1"
    assert course.tags == ["AI", "Literasi Digital"]
    assert course.quiz == QuizSettings(
        pass_mark=80,
        max_attempts=3,
        time_limit_minutes=30,
        shuffle_questions=True,
        shuffle_answers=True,
        draw=2,
        show_answers="after_last",
    )
    assert course.path == DATA / "dasar-ai"
    assert course.gift_path == DATA / "dasar-ai" / "quiz.gift"
    assert course.gift_text is not None
    assert course.gift_text.startswith("::Q1::")
    assert course.assets == [
        DATA / "dasar-ai" / "diagram.png",
        DATA / "dasar-ai" / "gambar" / "alur.svg",
        DATA / "dasar-ai" / "materi.pdf",
    ]
    assert len(course.content_hash) == 64


def test_lessons_are_ordered_and_rendered() -> None:
    lessons = load_course(DATA / "dasar-ai").lessons
    assert [(x.number, x.slug, x.title) for x in lessons] == [
        (1, "pengantar", "Pengantar AI"),
        (2, "etika", "Etika dan Keamanan Data"),
    ]
    first, second = lessons
    assert first.path == DATA / "dasar-ai" / "01-pengantar.md"
    # the title is shown by the page, not repeated in the body
    assert not first.markdown.lstrip().startswith("# ")
    assert "Pengantar AI" not in first.html
    assert '<h2 id="apa-itu-ai">' in first.html
    assert "<table>" in first.html
    assert 'class="footnotes"' in first.html
    assert 'src="diagram.png"' in first.html
    assert "&lt;tanpa data pribadi&gt;" in second.html
    assert first.words == 26
    assert first.reading_minutes == 1


def test_asset_url_gets_course_slug_and_file_name() -> None:
    course = load_course(DATA / "dasar-ai", asset_url=lambda slug, name: f"/k/{slug}/a/{name}")
    html = course.lessons[0].html
    assert 'src="/k/dasar-ai/a/diagram.png"' in html
    assert 'src="/k/dasar-ai/a/gambar/alur.svg"' in html
    assert 'href="/k/dasar-ai/a/materi.pdf"' in html


def test_minimal_course_gets_defaults() -> None:
    course = load_course(DATA / "minimal")
    assert course.mandatory is False
    assert course.assignment_only is False
    assert course.deadline is None
    assert course.tags == []
    assert course.quiz == QuizSettings()
    assert course.gift_path is None
    assert course.gift_text is None
    assert course.assets == []


def test_load_courses_returns_good_courses_and_all_problems() -> None:
    courses, problems = load_courses(DATA)
    assert [c.slug for c in courses] == ["dasar-ai", "minimal"]
    assert [str(p) for p in problems] == [
        'kursus-rusak/01-pengantar.md:5: gambar "diagram.png" tidak ditemukan',
        'kursus-rusak/01-pengantar.md:7: tautan "Materi.pdf" tidak ditemukan'
        ' (maksud Anda "materi.pdf"? huruf besar/kecil berbeda)',
        'kursus-rusak/01-pengantar.md:9: judul tingkat 1 ("# ...") hanya untuk judul materi;'
        ' pakai "## ..." untuk subjudul',
        'kursus-rusak/01-ulang.md:1: nomor materi 01 sudah dipakai oleh "01-pengantar.md"',
        'kursus-rusak/01-ulang.md:2: materi tidak memiliki judul (baris pertama harus "# Judul")',
        "kursus-rusak/02-kosong.md:1: materi kosong: tidak ada isi setelah judul",
        "kursus-rusak/1-intro.md:1: berkas materi harus bernama NN-judul.md"
        " (misalnya 01-pengantar.md)",
        "kursus-rusak/catatan.docx:1: jenis berkas tidak didukung (yang boleh: materi .md,"
        " course.toml, quiz.gift, gambar .gif .jpeg .jpg .png .svg .webp, dan lampiran .pdf)",
        'kursus-rusak/course.toml:1: "title" harus berupa teks yang tidak kosong',
        'kursus-rusak/course.toml:1: kunci "minutes" wajib diisi',
        'kursus-rusak/course.toml:1: kunci "version" wajib diisi',
        'kursus-rusak/course.toml:5: "level" harus salah satu dari: "dasar", "menengah", "lanjut"',
        # line 3 says "jp = 4" inside a multi-line string: the real key is on line 6
        'kursus-rusak/course.toml:6: "jp" harus bilangan bulat 1–100',
        'kursus-rusak/course.toml:7: "mandatory" harus true atau false',
        'kursus-rusak/course.toml:8: kunci "versi" tidak dikenal (maksud Anda "version"?)',
        'kursus-rusak/course.toml:9: "tags" harus daftar teks yang tidak kosong,'
        ' misalnya ["AI", "Data"]',
        "kursus-rusak/course.toml:11: ada tabel [quiz] tetapi berkas quiz.gift tidak ada",
        'kursus-rusak/course.toml:12: "quiz.pass_mark" harus bilangan bulat 0–100',
        'kursus-rusak/course.toml:13: kunci "quiz.show_answer" tidak dikenal'
        ' (maksud Anda "quiz.show_answers"?)',
        "tanpa-toml/course.toml:1: folder ini bukan kursus: berkas course.toml tidak ditemukan",
    ]


def test_load_course_raises_with_all_problems() -> None:
    with pytest.raises(CourseContentError) as info:
        load_course(DATA / "kursus-rusak")
    assert len(info.value.problems) == 19
    assert all(isinstance(p, Problem) for p in info.value.problems)
    assert "kursus-rusak/course.toml:6:" in str(info.value)


def test_load_course_without_course_toml_reports_it_and_the_rest() -> None:
    assert problems_of(DATA / "tanpa-toml") == [
        "tanpa-toml/course.toml:1: berkas course.toml tidak ditemukan"
    ]


def test_missing_folder_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_course(tmp_path / "tidak-ada")


def test_problem_str() -> None:
    assert str(Problem("a/course.toml", 3, "pesan")) == "a/course.toml:3: pesan"


def test_load_courses_skips_hidden_folders_and_loose_files(tmp_path: Path) -> None:
    make_course(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("x")
    courses, problems = load_courses(tmp_path)
    assert [c.slug for c in courses] == ["contoh"]
    assert problems == []


def test_load_course_from_current_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(make_course(tmp_path))
    assert load_course(Path(".")).slug == "contoh"


# --- content hash ----------------------------------------------------------------------------


def test_content_hash_is_stable_and_sees_every_change(tmp_path: Path) -> None:
    folder = tmp_path / "dasar-ai"
    shutil.copytree(DATA / "dasar-ai", folder)
    original = load_course(DATA / "dasar-ai").content_hash
    assert load_course(folder).content_hash == original  # location does not matter

    (folder / ".DS_Store").write_bytes(b"junk")  # hidden files are not content
    assert load_course(folder).content_hash == original

    png = folder / "diagram.png"
    png.write_bytes(png.read_bytes() + b"\0")
    changed_asset = load_course(folder).content_hash
    assert changed_asset != original

    (folder / "materi.pdf").rename(folder / "ringkasan.pdf")
    lesson = folder / "01-pengantar.md"
    lesson.write_text(lesson.read_text().replace("materi.pdf", "ringkasan.pdf"))
    assert load_course(folder).content_hash not in (original, changed_asset)


def test_content_hash_distinguishes_names_from_contents(tmp_path: Path) -> None:
    a = make_course(tmp_path / "a", {"ab.png": b"c"})
    b = make_course(tmp_path / "b", {"a.png": b"bc"})
    assert load_course(a).content_hash != load_course(b).content_hash


# --- course.toml -------------------------------------------------------------------------------


def test_toml_syntax_error_line(tmp_path: Path) -> None:
    toml = VALID_TOML.replace('level = "menengah"', "level = menengah")
    assert toml_problems(tmp_path, toml) == [
        "contoh/course.toml:3: sintaks TOML tidak sah: Invalid value"
    ]


def test_toml_error_at_end_of_document(tmp_path: Path) -> None:
    # the error is found at the end, but the author must look where the string opened
    toml = VALID_TOML + 'tags = [\n  "AI",\n]\nsummary2 = """\nterbuka\n\n'
    assert toml_problems(tmp_path / "a", toml) == [
        "contoh/course.toml:10: sintaks TOML tidak sah: Unterminated string (di akhir berkas)"
    ]
    toml = VALID_TOML + 'tags = [\n  "AI",\n  """x\ny""",\n'
    assert toml_problems(tmp_path / "b", toml) == [
        "contoh/course.toml:7: sintaks TOML tidak sah: Invalid value (di akhir berkas)"
    ]


def test_toml_duplicate_key_is_a_syntax_error(tmp_path: Path) -> None:
    assert toml_problems(tmp_path, VALID_TOML + "jp = 3\n") == [
        "contoh/course.toml:7: sintaks TOML tidak sah: Cannot overwrite a value"
    ]


def test_toml_syntax_error_still_checks_lessons(tmp_path: Path) -> None:
    folder = make_course(tmp_path, {"course.toml": "title = \n", "01-pengantar.md": "isi"})
    assert problems_of(folder) == [
        'contoh/01-pengantar.md:1: materi tidak memiliki judul (baris pertama harus "# Judul")',
        "contoh/course.toml:1: sintaks TOML tidak sah: Invalid value",
    ]


def test_missing_required_keys(tmp_path: Path) -> None:
    assert toml_problems(tmp_path, "") == [
        f'contoh/course.toml:1: kunci "{key}" wajib diisi'
        for key in ("title", "summary", "level", "jp", "minutes", "version")
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("jp = true", '"jp" harus bilangan bulat 1–100'),
        ("jp = 4.0", '"jp" harus bilangan bulat 1–100'),
        ("jp = 101", '"jp" harus bilangan bulat 1–100'),
        ('jp = "4"', '"jp" harus bilangan bulat 1–100'),
        ("minutes = 0", '"minutes" harus bilangan bulat lebih dari 0'),
        ("minutes = -5", '"minutes" harus bilangan bulat lebih dari 0'),
        ('level = "Dasar"', '"level" harus salah satu dari: "dasar", "menengah", "lanjut"'),
        ("title = 5", '"title" harus berupa teks yang tidak kosong'),
        ('summary = ""', '"summary" harus berupa teks yang tidak kosong'),
        ("version = 2026.1", '"version" harus berupa teks dalam tanda kutip, misalnya "2026.1"'),
        ("mandatory = 1", '"mandatory" harus true atau false'),
        ('assignment_only = "false"', '"assignment_only" harus true atau false'),
        ("tags = 'AI'", '"tags" harus daftar teks yang tidak kosong, misalnya ["AI", "Data"]'),
        (
            'tags = ["AI", ""]',
            '"tags" harus daftar teks yang tidak kosong, misalnya ["AI", "Data"]',
        ),
    ],
)
def test_bad_values_point_at_their_line(tmp_path: Path, line: str, message: str) -> None:
    key = line.split()[0]
    lines = [x for x in VALID_TOML.splitlines() if not x.startswith(key + " ")]
    # the bad key comes after a comment, a blank line and the other keys
    toml = "\n".join(["# komentar", "", *lines, line, "warna = 1"]) + "\n"
    at = len(lines) + 3
    assert toml_problems(tmp_path, toml) == [
        f"contoh/course.toml:{at}: {message}",
        f'contoh/course.toml:{at + 1}: kunci "warna" tidak dikenal',
    ]


@pytest.mark.parametrize(
    "value", ['"2026-12-31"', "2026-12-31T10:00:00", "2026-12-31 10:00:00+07:00", "31"]
)
def test_deadline_must_be_a_plain_date(tmp_path: Path, value: str) -> None:
    toml = VALID_TOML + f"mandatory = true\ndeadline = {value}\n"
    assert toml_problems(tmp_path, toml) == [
        'contoh/course.toml:8: "deadline" harus tanggal TOML tanpa tanda kutip dan tanpa jam,'
        " misalnya 2026-12-31"
    ]


def test_deadline_needs_mandatory(tmp_path: Path) -> None:
    assert toml_problems(tmp_path, VALID_TOML + "deadline = 2026-12-31\n") == [
        'contoh/course.toml:7: "deadline" hanya berlaku untuk kursus wajib;'
        ' tambahkan "mandatory = true" atau hapus deadline'
    ]


def test_deadline_rule_is_checked_even_with_other_problems(tmp_path: Path) -> None:
    toml = VALID_TOML.replace("jp = 2", "jp = 0") + "mandatory = false\ndeadline = 2026-12-31\n"
    assert toml_problems(tmp_path, toml) == [
        'contoh/course.toml:4: "jp" harus bilangan bulat 1–100',
        'contoh/course.toml:8: "deadline" hanya berlaku untuk kursus wajib;'
        ' tambahkan "mandatory = true" atau hapus deadline',
    ]


def test_unknown_keys_and_tables_suggest_a_fix(tmp_path: Path) -> None:
    toml = VALID_TOML + "mandatori = true\n\n[kuis]\npass_mark = 70\n"
    assert toml_problems(tmp_path, toml) == [
        'contoh/course.toml:7: kunci "mandatori" tidak dikenal (maksud Anda "mandatory"?)',
        'contoh/course.toml:9: kunci "kuis" tidak dikenal (maksud Anda "quiz"?)',
    ]


def test_unknown_indonesian_keys_suggest_the_english_one(tmp_path: Path) -> None:
    toml = VALID_TOML + "tenggat = 2026-12-31\n[quiz]\nnilai_lulus = 80\n"
    assert toml_problems(tmp_path, toml, **{"quiz.gift": "::Q:: x {T}\n"}) == [
        'contoh/course.toml:7: kunci "tenggat" tidak dikenal (maksud Anda "deadline"?)',
        'contoh/course.toml:9: kunci "quiz.nilai_lulus" tidak dikenal'
        ' (maksud Anda "quiz.pass_mark"?)',
    ]


def test_unknown_key_without_suggestion(tmp_path: Path) -> None:
    assert toml_problems(tmp_path, VALID_TOML + "warna = 'merah'\n") == [
        'contoh/course.toml:7: kunci "warna" tidak dikenal'
    ]


QUIZ = "\n[quiz]\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("pass_mark = -1", '"quiz.pass_mark" harus bilangan bulat 0–100'),
        ("pass_mark = 70.5", '"quiz.pass_mark" harus bilangan bulat 0–100'),
        (
            "max_attempts = -1",
            '"quiz.max_attempts" harus bilangan bulat 0 atau lebih (0 = tanpa batas)',
        ),
        ("time_limit_minutes = 0", '"quiz.time_limit_minutes" harus bilangan bulat lebih dari 0'),
        ('shuffle_questions = "ya"', '"quiz.shuffle_questions" harus true atau false'),
        ("shuffle_answers = 0", '"quiz.shuffle_answers" harus true atau false'),
        ("draw = 0", '"quiz.draw" harus bilangan bulat lebih dari 0'),
        (
            'show_answers = "selalu"',
            '"quiz.show_answers" harus salah satu dari: "never", "after_pass", "after_last",'
            ' "always"',
        ),
    ],
)
def test_bad_quiz_values(tmp_path: Path, line: str, message: str) -> None:
    toml = VALID_TOML + QUIZ + "# pengaturan kuis\n" + line + "\n"
    problems = toml_problems(tmp_path, toml, **{"quiz.gift": "::Q:: x {T}\n"})
    assert problems == [f"contoh/course.toml:10: {message}"]


def test_quiz_settings_are_read(tmp_path: Path) -> None:
    toml = VALID_TOML + QUIZ + "max_attempts = 0\ndraw = 5\nshow_answers = 'never'\n"
    folder = make_course(tmp_path, {"course.toml": toml, "quiz.gift": "::Q:: x {T}\n"})
    course = load_course(folder)
    assert course.quiz == QuizSettings(max_attempts=0, draw=5, show_answers="never")
    assert course.gift_text == "::Q:: x {T}\n"


def test_quiz_keys_found_in_dotted_and_inline_forms(tmp_path: Path) -> None:
    gift = {"quiz.gift": "::Q:: x {T}\n"}
    dotted = VALID_TOML + "quiz.pass_mark = 200\n"
    assert toml_problems(tmp_path / "a", dotted, **gift) == [
        'contoh/course.toml:7: "quiz.pass_mark" harus bilangan bulat 0–100'
    ]
    inline = VALID_TOML + "\nquiz = { draw = 3, pass_mark = 200 }\n"
    assert toml_problems(tmp_path / "b", inline, **gift) == [
        'contoh/course.toml:8: "quiz.pass_mark" harus bilangan bulat 0–100'
    ]


def test_same_key_name_in_quiz_table_is_not_confused(tmp_path: Path) -> None:
    # "draw" exists only in [quiz]; an unknown top-level "draw" must point at its own line
    toml = "draw = 1\n" + VALID_TOML + QUIZ + "draw = 0\n"
    assert toml_problems(tmp_path, toml, **{"quiz.gift": "::Q:: x {T}\n"}) == [
        'contoh/course.toml:1: kunci "draw" tidak dikenal',
        'contoh/course.toml:10: "quiz.draw" harus bilangan bulat lebih dari 0',
    ]


def test_quiz_must_be_a_table(tmp_path: Path) -> None:
    assert toml_problems(tmp_path, VALID_TOML + "quiz = 5\n") == [
        'contoh/course.toml:7: "quiz" harus berupa tabel [quiz]'
    ]


def test_course_toml_with_bom_and_crlf(tmp_path: Path) -> None:
    data = ("\ufeff" + VALID_TOML).replace("\n", "\r\n").encode()
    lesson = "\ufeff# Judul\r\n\r\nIsi\r\n".encode()
    course = load_course(make_course(tmp_path, {"course.toml": data, "01-pengantar.md": lesson}))
    assert course.title == "Kursus Contoh"
    assert course.lessons[0].title == "Judul"
    assert "\r" not in course.lessons[0].markdown


def test_course_toml_not_utf8(tmp_path: Path) -> None:
    data = VALID_TOML.encode() + b'tags = ["caf\xe9"]\n'
    assert problems_of(make_course(tmp_path, {"course.toml": data})) == [
        "contoh/course.toml:7: berkas bukan teks UTF-8 yang sah; simpan ulang sebagai UTF-8"
    ]


def test_toml_key_lines_scanner() -> None:
    text = (
        "# jp = 1 in a comment\n"  # 1
        'title = "a = b # bukan komentar"  # komentar\n'  # 2
        "summary = '''\n"  # 3
        "level = 'x'\n"  # 4  (inside a literal string)
        "'''\n"  # 5
        'note = """ satu \\""" masih string\n'  # 6
        'jp = 2 """\n'  # 7  (still inside)
        "tags = [\n"  # 8
        '  "minutes = 3",\n'  # 9
        "  ]\n"  # 10
        '"minutes" = 4\n'  # 11
        "[ quiz ]\n"  # 12
        "draw=1\n"  # 13
        "[quiz.extra]\n"  # 14
        "x.y = 1\n"  # 15
    )
    assert toml_key_lines(text) == {
        ("title",): 2,
        ("summary",): 3,
        ("note",): 6,
        ("tags",): 8,
        ("minutes",): 11,
        ("quiz",): 12,
        ("quiz", "draw"): 13,
        ("quiz", "extra"): 14,
        ("quiz", "extra", "x", "y"): 15,
    }


# --- slug ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["Dasar-AI", "dasar_ai", "dasar--ai", "-ai", "ai-", "ai baru"])
def test_bad_folder_slug(tmp_path: Path, slug: str) -> None:
    assert problems_of(make_course(tmp_path, slug=slug)) == [
        f'{slug}/course.toml:1: nama folder "{slug}" tidak sah: pakai huruf kecil, angka,'
        " dan tanda hubung (misalnya dasar-ai)"
    ]


# --- lessons --------------------------------------------------------------------------------------


def test_no_lessons(tmp_path: Path) -> None:
    assert problems_of(make_course(tmp_path, {"01-pengantar.md": None})) == [
        "contoh/course.toml:1: kursus belum memiliki materi (berkas NN-judul.md)"
    ]


@pytest.mark.parametrize(
    "name", ["1-intro.md", "001-intro.md", "01_intro.md", "01-Intro.md", "01-.md", "intro.md"]
)
def test_bad_lesson_file_names(tmp_path: Path, name: str) -> None:
    assert problems_of(make_course(tmp_path, {name: VALID_LESSON})) == [
        f"contoh/{name}:1: berkas materi harus bernama NN-judul.md (misalnya 01-pengantar.md)"
    ]


def test_lessons_are_ordered_by_number_not_name(tmp_path: Path) -> None:
    files = {
        "10-akhir.md": "# Akhir\n\nx\n",
        "02-dua.md": "# Dua\n\nx\n",
        "00-awal.md": "# Awal\n\nx\n",
    }
    lessons = load_course(make_course(tmp_path, files)).lessons
    assert [(x.number, x.slug) for x in lessons] == [
        (0, "awal"),
        (1, "pengantar"),
        (2, "dua"),
        (10, "akhir"),
    ]


def test_duplicate_lesson_numbers_and_slugs(tmp_path: Path) -> None:
    files = {"01-lagi.md": "# Lagi\n\nx\n", "02-pengantar.md": "# P\n\nx\n"}
    assert problems_of(make_course(tmp_path, files)) == [
        'contoh/01-pengantar.md:1: nomor materi 01 sudah dipakai oleh "01-lagi.md"',
        'contoh/02-pengantar.md:1: nama materi "pengantar" sudah dipakai oleh "01-pengantar.md"',
    ]


NO_TITLE = 'materi tidak memiliki judul (baris pertama harus "# Judul")'


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Pengantar\n\nisi", 1),
        ("\n\n\nPengantar\n", 4),
        ("## Pengantar\n", 1),
        ("#Pengantar\n", 1),
        ("", 1),
        ("Judul\n=====\n\nSetext tidak dipakai.", 1),
    ],
)
def test_lesson_without_title(tmp_path: Path, text: str, line: int) -> None:
    assert problems_of(make_course(tmp_path, {"01-pengantar.md": text})) == [
        f"contoh/01-pengantar.md:{line}: {NO_TITLE}"
    ]


@pytest.mark.parametrize("text", ["# Judul\n", "\n# Judul\n\n  \n\n", "# Judul"])
def test_empty_lesson_body(tmp_path: Path, text: str) -> None:
    line = 2 if text.startswith("\n") else 1
    assert problems_of(make_course(tmp_path, {"01-pengantar.md": text})) == [
        f"contoh/01-pengantar.md:{line}: materi kosong: tidak ada isi setelah judul"
    ]


def test_second_level_one_heading(tmp_path: Path) -> None:
    text = "# Judul\n\nIsi\n\n# Lagi\n\n## Boleh\n"
    assert problems_of(make_course(tmp_path, {"01-pengantar.md": text})) == [
        'contoh/01-pengantar.md:5: judul tingkat 1 ("# ...") hanya untuk judul materi;'
        ' pakai "## ..." untuk subjudul'
    ]


def test_lesson_not_utf8(tmp_path: Path) -> None:
    data = b"# Judul\n\nbaris dua\nCaf\xe9\n"
    assert problems_of(make_course(tmp_path, {"01-pengantar.md": data})) == [
        "contoh/01-pengantar.md:4: berkas bukan teks UTF-8 yang sah; simpan ulang sebagai UTF-8"
    ]


def test_quiz_gift_not_utf8(tmp_path: Path) -> None:
    assert problems_of(make_course(tmp_path, {"quiz.gift": b"\x80"})) == [
        "contoh/quiz.gift:1: berkas bukan teks UTF-8 yang sah; simpan ulang sebagai UTF-8"
    ]


def test_reading_minutes(tmp_path: Path) -> None:
    files = {
        "01-pengantar.md": "# Panjang\n\n" + "kata " * 401,
        "02-pendek.md": "# Pendek\n\nSatu **dua** [tiga](https://a.id).\n",
        "03-pas.md": "# Pas\n\n" + "kata " * 200,
    }
    lessons = load_course(make_course(tmp_path, files)).lessons
    assert [(x.words, x.reading_minutes) for x in lessons] == [(401, 3), (3, 1), (200, 1)]


# --- links and assets ---------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"


def lesson_problems(tmp_path: Path, body: str, **files: str | bytes) -> list[str]:
    folder = make_course(tmp_path, {"01-pengantar.md": "# Judul\n\n" + body, **files})
    return problems_of(folder)


def test_missing_image_reports_its_line(tmp_path: Path) -> None:
    body = "Paragraf.\n\n![Diagram](diagram.png)\n"
    assert lesson_problems(tmp_path, body) == [
        'contoh/01-pengantar.md:5: gambar "diagram.png" tidak ditemukan'
    ]


def test_missing_link_target_in_footnote_and_reference(tmp_path: Path) -> None:
    body = "Lihat [ringkasan][r].[^1]\n\n[r]: ringkasan.pdf\n\n[^1]: Sumber: [pdf](sumber.pdf)\n"
    assert lesson_problems(tmp_path, body) == [
        'contoh/01-pengantar.md:5: tautan "ringkasan.pdf" tidak ditemukan',
        'contoh/01-pengantar.md:7: tautan "sumber.pdf" tidak ditemukan',
    ]


def test_found_assets_in_many_spellings(tmp_path: Path) -> None:
    body = (
        "![a](diagram.png) ![b](./diagram.png) ![c](<foto baru.jpg>) ![d](foto%20baru.jpg)\n"
        "[e](gambar/../materi.pdf#page=2) [f](gambar/alur.svg) [g](https://contoh.go.id/x.png)"
        " [h](#bagian) [i](/kursus) [j](mailto:a@b.id)\n"
    )
    files = {
        "diagram.png": PNG,
        "foto baru.jpg": b"jpg",
        "materi.pdf": b"%PDF",
        "gambar/alur.svg": "<svg/>",
    }
    folder = make_course(tmp_path, {"01-pengantar.md": "# Judul\n\n" + body, **files})
    course = load_course(folder)
    assert [p.relative_to(folder).as_posix() for p in course.assets] == [
        "diagram.png",
        "foto baru.jpg",
        "gambar/alur.svg",
        "materi.pdf",
    ]


def test_link_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "rahasia.png").write_bytes(PNG)
    assert lesson_problems(tmp_path, "![x](../rahasia.png)\n") == [
        'contoh/01-pengantar.md:3: gambar "../rahasia.png" berada di luar folder kursus'
    ]


def test_image_must_be_an_image_and_links_must_be_assets(tmp_path: Path) -> None:
    body = "![x](materi.pdf)\n\n[lanjut](02-lanjut.md) [info](course.toml)\n"
    files = {"materi.pdf": b"%PDF", "02-lanjut.md": "# Lanjut\n\nx\n"}
    assert lesson_problems(tmp_path, body, **files) == [
        'contoh/01-pengantar.md:3: gambar "materi.pdf" bukan berkas gambar',
        'contoh/01-pengantar.md:5: tautan "02-lanjut.md" bukan aset (gambar atau PDF)'
        " dan tidak bisa dibuka",
        'contoh/01-pengantar.md:5: tautan "course.toml" bukan aset (gambar atau PDF)'
        " dan tidak bisa dibuka",
    ]


def test_disallowed_url_schemes(tmp_path: Path) -> None:
    body = "![x](data:image/png;base64,iVBORw0KGgo=)\n\n[ftp](ftp://a.id/b) [ok](https://a.id)\n"
    assert lesson_problems(tmp_path, body) == [
        'contoh/01-pengantar.md:3: gambar "data:image/png;base64,iVBORw0KGgo=" tidak diizinkan;'
        " pakai alamat http(s), mailto, atau berkas di folder kursus",
        'contoh/01-pengantar.md:5: tautan "ftp://a.id/b" tidak diizinkan;'
        " pakai alamat http(s), mailto, atau berkas di folder kursus",
    ]


def test_links_in_a_lesson_without_title_use_file_lines(tmp_path: Path) -> None:
    folder = make_course(tmp_path, {"01-pengantar.md": "\nIsi\n![x](x.png)\n"})
    assert problems_of(folder) == [
        'contoh/01-pengantar.md:2: materi tidak memiliki judul (baris pertama harus "# Judul")',
        'contoh/01-pengantar.md:3: gambar "x.png" tidak ditemukan',
    ]


def test_unsupported_and_misplaced_files(tmp_path: Path) -> None:
    files = {"catatan.txt": "x", "gambar/03-lagi.md": "# x\n\ny\n", "Foto.PNG": PNG}
    assert problems_of(make_course(tmp_path, files)) == [
        "contoh/catatan.txt:1: jenis berkas tidak didukung (yang boleh: materi .md, course.toml,"
        " quiz.gift, gambar .gif .jpeg .jpg .png .svg .webp, dan lampiran .pdf)",
        "contoh/gambar/03-lagi.md:1: berkas materi harus berada langsung di folder kursus",
    ]


def test_hidden_files_are_ignored(tmp_path: Path) -> None:
    folder = make_course(tmp_path, {".DS_Store": b"\0", ".git/config": "x", ".~lock.md#": "x"})
    assert load_course(folder).assets == []


def test_symlinks_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "rahasia.png"
    secret.write_bytes(PNG)
    folder = make_course(tmp_path)
    (folder / "diagram.png").symlink_to(secret)
    (folder / "gambar").symlink_to(tmp_path)
    assert problems_of(folder) == [
        "contoh/diagram.png:1: tautan simbolik (symlink) tidak diizinkan di folder kursus",
        "contoh/gambar:1: tautan simbolik (symlink) tidak diizinkan di folder kursus",
    ]
