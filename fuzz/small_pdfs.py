#!/usr/bin/env python3
"""Write small one-page PDFs with uncompressed content and fonts into the folder given: seeds
that let the pdf_reader fuzzer mutate what pdf::glyphs interprets (text operators, a Type0 font
with a ToUnicode map and /W widths, a WinAnsi TrueType font, a rotated form XObject) hundreds
of times a second. Run by fuzz/seed.sh; fuzz with -max_len=8192."""
import sys
from pathlib import Path


def pdf(objects):
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n{o}\nendobj\n".encode()
    xref, n = len(out), len(objects) + 1
    out += f"xref\n0 {n}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def stream(data):
    return f"<< /Length {len(data.encode())} >>\nstream\n{data}\nendstream"


def one_page(ops, resources, rest):
    return pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        f"/Resources {resources} >>",
        stream(ops),
    ] + rest)


TYPE0 = ("<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H "
         "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>")


def cid_font(widths):
    return (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /DW 1000 {widths} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")


def to_unicode(bfchars):
    return stream("begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange "
                  f"{bfchars.count('<') // 2} beginbfchar {bfchars} endbfchar "
                  "1 beginbfrange <0010> <0020> <4E00> endbfrange endcmap")


ARIAL = ("<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 48 /LastChar 57 "
         "/Widths [556 556 556 556 556 556 556 556 556 556] /Encoding /WinAnsiEncoding >>")
FORM_OPS = "BT /F2 10 Tf 72 660 Td (56) Tj ET"
FORM = ("<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Matrix [1 0 0 1 0 -40] "
        f"/Resources << /Font << /F2 8 0 R >> >> /Length {len(FORM_OPS)} >>\n"
        f"stream\n{FORM_OPS}\nendstream")

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
(out / "small-type0-form.pdf").write_bytes(one_page(
    "BT /F1 12 Tf 1 0 0 1 72 700 Tm <00010002> Tj 0 -14 TD 2 Tc 3 Tw 90 Tz <0011 0012> Tj "
    "T* (x) ' 1 2 (y) \" ET BT /F2 10 Tf 72 660 Td [(12)-250(34)] TJ ET "
    "q 0 1 -1 0 300 0 cm /X1 Do Q",
    "<< /Font << /F1 5 0 R /F2 8 0 R >> /XObject << /X1 9 0 R >> >>",
    [TYPE0, cid_font("/W [1 [1000 1000] 16 32 500]"),
     to_unicode("<0001> <9884> <0002> <7B97>"), ARIAL, FORM]))
(out / "small-radical.pdf").write_bytes(one_page(
    "BT /F1 12 Tf 72 700 Td <0001> Tj ET", "<< /Font << /F1 5 0 R >> >>",
    [TYPE0, cid_font(""), to_unicode("<0001> <2F74>")]))
(out / "small-helvetica.pdf").write_bytes(one_page(
    "BT /F1 12 Tf 72 700 Td (Hello) Tj ET", "<< /Font << /F1 5 0 R >> >>",
    ["<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]))
# A grid of ruling lines (stroked segments, filled thin rectangles, a white background fill,
# a curve, a clip) with text in its cells: reaches pdf::content's paths and pdf::grid.
GRID_OPS = (
    "q 1 g 0 0 595 842 re f Q "
    "q 0.5 w 72 700 m 372 700 l 72 680 m 372 680 l S "
    "72 659.8 300 0.4 re f 72 640 300 0.5 re f "
    "72 640 m 72 700 l 172 640 m 172 700 l 272 640.2 m 272 680 l 372 640 m 372 700 l s "
    "100 600 m 120 620 140 620 160 600 c S Q "
    "q 72 640 300 60 re W n "
    "BT /F1 10 Tf 80 686 Td <0001> Tj 100 0 Td <0002> Tj ET "
    "BT /F2 9 Tf 180 666 Td (12) Tj 100 0 Td (34) Tj 0 -10 Td (56) Tj ET "
    "BT /F2 9 Tf 500 500 Td (99) Tj ET Q "
    "BT 3 Tr /F2 9 Tf 80 646 Td (78) Tj ET"
)
(out / "small-grid.pdf").write_bytes(one_page(
    GRID_OPS,
    "<< /Font << /F1 5 0 R /F2 8 0 R >> >>",
    [TYPE0, cid_font("/W [1 [1000 1000]]"), to_unicode("<0001> <9884> <0002> <7B97>"), ARIAL]))
