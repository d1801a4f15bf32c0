"""Certificate PDFs (A4 landscape), drawn with fpdf2: pure Python, no system libraries."""

from __future__ import annotations

import unicodedata

from babel.dates import format_date
from fpdf import FPDF

from lms.courses.models import Certificate

BRAND = (13, 92, 99)
ACCENT = (242, 193, 78)


def _latin1(text: str) -> str:
    """The built-in PDF fonts speak Latin-1; fold anything else to its closest letters."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2022", "*")
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKD", text)
        return folded.encode("latin-1", "ignore").decode("latin-1")


def certificate_pdf(cert: Certificate, verify_url: str) -> bytes:
    """The certificate as PDF bytes."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(_latin1(f"Sertifikat - {cert.course_title}"))
    pdf.set_author("Sinau - Pemerintah Provinsi Jawa Timur")
    pdf.add_page()
    width = pdf.w
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(2)
    pdf.rect(10, 10, width - 20, pdf.h - 20)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(14, 14, width - 28, pdf.h - 28)

    def line(text: str, size: float, style: str = "", gap: float = 10, color=(27, 36, 48)) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*color)
        pdf.cell(0, gap, _latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(28)
    line("PEMERINTAH PROVINSI JAWA TIMUR", 13, "B", 7, BRAND)
    line("Sinau - Platform Pengembangan Kompetensi ASN", 10, "", 6, (82, 96, 109))
    pdf.ln(8)
    line("SERTIFIKAT", 34, "B", 16, BRAND)
    if cert.revoked_at:
        line("DICABUT - TIDAK BERLAKU", 16, "B", 9, (166, 27, 27))
    pdf.ln(4)
    line("diberikan kepada", 12, "I", 8, (82, 96, 109))
    line(cert.holder_name, 24, "B", 13)
    if cert.holder_nip:
        nip = cert.holder_nip
        line(f"NIP {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", 12, "", 7)
    pdf.ln(4)
    line("telah menyelesaikan kursus", 12, "I", 8, (82, 96, 109))
    line(cert.course_title, 17, "B", 10)
    line(f"dengan bobot {cert.jp} JP (jam pelajaran)", 12, "", 8)
    # An official Indonesian document: the date is Indonesian whatever the UI language.
    line(f"pada {format_date(cert.completed_on, 'd MMMM y', locale='id')}", 12, "", 8)
    pdf.set_y(pdf.h - 42)
    line(f"Kode verifikasi: {cert.display_code}", 11, "B", 6, BRAND)
    line(f"Periksa keaslian di {verify_url}", 9, "", 5, (82, 96, 109))
    return bytes(pdf.output())
