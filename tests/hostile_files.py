"""Hostile files built in memory: the zip bomb as .docx, the deep HTML, the PDF bombs, the UTF-16 text.

Shared by tests/qa/ingest/test_hostile_files.py, tests/fuzz/ and benchmarks/hostile.py; nothing
here is stored on disk, each file is built where it is used.
"""

from __future__ import annotations

import io
import zipfile
import zlib

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: list[str], *, padding: int = 0) -> bytes:
    """A minimal .docx; ``padding`` spaces inside the first paragraph make it a zip bomb
    (spaces deflate about 1000:1, so padding=1_100_000_000 gives a 1.1 GB part in about 1 MB)."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    tail = f"{body}</w:body></w:document>".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head + b"<w:p><w:r><w:t xml:space=\"preserve\">")
            chunk = b" " * 2**20
            for _ in range(padding // len(chunk)):
                part.write(chunk)
            part.write(b" " * (padding % len(chunk)) + b"</w:t></w:r></w:p>" + tail)
    return out.getvalue()


def deep_html(depth: int) -> bytes:
    """A page whose one paragraph sits ``depth`` <div>s deep (10,000 levels are 110 kB)."""
    return (
        "<html><body>" + "<div>" * depth + "<p>We met in Paris and agreed on many things today.</p>"
        + "</div>" * depth + "</body></html>"
    ).encode()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file from its numbered objects (1-based), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_TEXT = b"BT /F1 12 Tf 72 720 Td (We agree to act together on climate and on health.) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_page_tree_bomb(*, fanout: int = 10, levels: int = 6) -> bytes:
    """A PDF of a few hundred bytes whose page tree repeats its kids: fanout**levels pages
    (10**6 by default), every one the same page object."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kid = level + 3
        kids = b" ".join([b"%d 0 R" % kid] * fanout)
        parent = b" /Parent %d 0 R" % (level + 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d%s >>" % (kids, fanout ** (levels - level), parent))
    page, content, font = levels + 2, levels + 3, levels + 4
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                   b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, content, font))
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(_TEXT), _TEXT))
    objects.append(_FONT)
    return _pdf(objects)


def pdf_stream_bomb(*, expanded: int = 200 * 2**20) -> bytes:
    """A one-page PDF whose content stream inflates from about 200 kB to ``expanded`` bytes."""
    data = zlib.compress(_TEXT + b"\n" + b" " * expanded, 9)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        _FONT,
    ])


def plain_pdf() -> bytes:
    """A one-page PDF with a text layer: the control case for the bombs."""
    return pdf_page_tree_bomb(fanout=1, levels=1)
