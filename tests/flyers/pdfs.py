"""Reading the PDFs as a person and a phone would: the text a reader extracts (pypdf), the
page size, and the QR codes decoded from the rendered page (Debian's pdftoppm, then
zxing-cpp, a real barcode decoder)."""

import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

A4_POINTS = (595.28, 841.89)


def reader(body):
    assert body.startswith(b"%PDF"), body[:20]
    return PdfReader(BytesIO(body))


def text_of(body):
    return "\n".join(page.extract_text() for page in reader(body).pages)


def page_sizes(body):
    return [
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader(body).pages
    ]


def qr_codes(body, dpi=200):
    """Every QR code on every page, decoded from the rendered pixels."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm not found: run `make pdf-deps` (Debian's poppler-utils)")
    found = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(body)
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        for image_path in sorted(Path(folder).glob("page*.png")):
            with Image.open(image_path) as image:
                found += [
                    result.text
                    for result in zxingcpp.read_barcodes(image)
                    if result.format == zxingcpp.BarcodeFormat.QRCode
                ]
    return found


def qr_codes_in_image(path):
    with Image.open(path) as image:
        return [r.text for r in zxingcpp.read_barcodes(image)]
