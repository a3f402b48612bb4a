"""Small PDF documents for the demo's items: Chinese text in the PDF standard CJK font (STSong-Light), nothing embedded."""

from __future__ import annotations

LINE_CHARS = 38  # full-width characters per line at 12 pt on an A4 page with 50 pt margins
PAGE_LINES = 46


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        paragraph = paragraph.rstrip()
        while len(paragraph) > LINE_CHARS:
            lines.append(paragraph[:LINE_CHARS])
            paragraph = "  " + paragraph[LINE_CHARS:].lstrip()
        lines.append(paragraph)
    return lines


def _hex(line: str) -> str:
    # UniGB-UCS2-H takes UCS-2 big-endian; the demo's texts are all in the Basic Multilingual Plane.
    return "<" + line.encode("utf-16-be").hex().upper() + ">"


def text_pdf(title: str, text: str) -> bytes:
    """A one-page A4 PDF of ``title`` and ``text`` that any reader shows with its own Song typeface."""
    lines = [title, "", *_wrapped(text)][:PAGE_LINES]
    shown = " T* ".join(f"{_hex(line)} Tj" for line in lines)
    content = f"BT /F1 12 Tf 16 TL 50 790 Td {shown} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R"
        b" /DW 1000 /W [1 95 500 814 939 500] >>",  # ASCII half-width, as the Song face draws it
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
