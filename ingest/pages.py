"""Page images of a stored original, for showing a reader what OCR read (the report page links them)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from archive.models import ExtractionError

PAGE_IMAGE_DPI = 110  # legible on a screen, ~150–300 KB per A4 page as PNG


def render_page_png(path: Path, fmt: str, page: int, dpi: int = PAGE_IMAGE_DPI) -> bytes:
    """PNG bytes of 1-based ``page`` of a PDF or page-image original.

    Raises ExtractionError when the format has no pages to show or ``page`` is out of range.
    """
    if fmt == "pdf":
        image = _pdf_page(path, page, dpi)
    elif fmt == "image":
        image = _image_frame(path, page)
    else:
        raise ExtractionError(f"a {fmt} original has no page images")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _pdf_page(path: Path, page: int, dpi: int) -> Image.Image:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError) as e:
        raise ExtractionError(f"cannot open the PDF: {e}") from e
    try:
        if not 1 <= page <= len(document):
            raise ExtractionError(f"no page {page} (the PDF has {len(document)})")
        rendered = document[page - 1]
        try:
            return rendered.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            rendered.close()
    finally:
        document.close()


def _image_frame(path: Path, page: int) -> Image.Image:
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if not 1 <= page <= frames:
                raise ExtractionError(f"no page {page} (the image has {frames})")
            image.seek(page - 1)
            return image.convert("L")
    except (UnidentifiedImageError, OSError) as e:
        raise ExtractionError(f"cannot read the image: {e}") from e
