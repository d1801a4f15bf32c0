"""Small real files for authoring tests."""

from __future__ import annotations

import struct
import zlib


def tiny_png(rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real 2x2 PNG (browsers display it), built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SETTINGS = {
    "title": "Etika AI untuk ASN",
    "summary": "Memakai AI dengan aman: data pribadi warga tidak pernah masuk chatbot publik.",
    "level": "dasar",
    "jp": 2,
    "minutes": 90,
    "mandatory": False,
    "assignment_only": False,
    "deadline": None,
    "version": "2026.1",
    "tags": ["ai", "etika"],
}
QUIZ = {"pass_mark": 70, "max_attempts": 0, "show_answers": "after_pass"}
GIFT = """::Data pribadi:: Bolehkah NIK warga ditempel ke chatbot AI publik? {F}

::Tanggung jawab:: Siapa yang bertanggung jawab atas hasil kerja yang dibantu AI? {
=Pegawai yang memakainya
~Penyedia AI
~Tidak ada
}
"""
