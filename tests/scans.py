"""Builders of scanned test documents: a report's text rendered to noisy, slightly rotated page images.

Real CRM reports from the 1990s and early 2000s often reach us as scans (a PDF of page images with no text
layer, or TIFF/PNG files). These builders make such scans from a known text, so OCR tests can compare what
tesseract reads against the text that was printed. Everything is deterministic for a given ``seed``.

Also here: ``character_error_rate``, the metric those tests assert on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FONT_FILES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "DejaVuSerif.ttf")

LETTER_INCHES = (8.5, 11.0)


@dataclass(frozen=True)
class ScannedPage:
    """One page image and the exact text printed on it (source lines, wrapped lines joined back)."""

    image: Image.Image
    text: str


def find_font() -> Path:
    """A TrueType font shipped by Debian (fonts-dejavu-core or fonts-liberation)."""
    for directory in FONT_DIRS:
        for name in FONT_FILES:
            if (directory / name).is_file():
                return directory / name
    raise FileNotFoundError("no TrueType font found: apt-get install fonts-dejavu-core")


def _wrap(line: str, font: ImageFont.FreeTypeFont, width_px: int) -> list[str]:
    """Greedy word wrap of one source line to the text width; a long line becomes several printed lines."""
    words = line.split()
    printed: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and font.getlength(candidate) > width_px:
            printed.append(current)
            current = word
        else:
            current = candidate
    if current:
        printed.append(current)
    return printed


def render_pages(
    text: str,
    *,
    dpi: int = 200,
    font_pt: float = 11.0,
    margin_in: float = 1.0,
    page_in: tuple[float, float] = LETTER_INCHES,
) -> list[ScannedPage]:
    """Typeset ``text`` on clean white pages: each source line is a paragraph, blank lines add space.

    Paragraphs get a half-line gap after them, as word processors do; that gap is what lets OCR see
    paragraph boundaries, as on real printed reports.
    """
    font = ImageFont.truetype(str(find_font()), size=round(font_pt * dpi / 72))
    width_px, height_px = round(page_in[0] * dpi), round(page_in[1] * dpi)
    margin = round(margin_in * dpi)
    line_height = round(font.size * 1.25)
    paragraph_gap = line_height // 2
    bottom = height_px - margin

    pages: list[ScannedPage] = []
    image: Image.Image | None = None
    draw: ImageDraw.ImageDraw | None = None
    printed_lines: list[str] = []
    y = margin

    def new_page() -> None:
        nonlocal image, draw, y, printed_lines
        if image is not None:
            pages.append(ScannedPage(image, "\n".join(printed_lines)))
        image = Image.new("L", (width_px, height_px), 255)
        image.info["dpi"] = (dpi, dpi)
        draw = ImageDraw.Draw(image)
        printed_lines = []
        y = margin

    new_page()
    for source_line in text.splitlines():
        if not source_line.strip():
            y += paragraph_gap
            continue
        for printed in _wrap(source_line, font, width_px - 2 * margin):
            if y + line_height > bottom:
                new_page()
            assert draw is not None
            draw.text((margin, y), printed, font=font, fill=0)
            printed_lines.append(printed)
            y += line_height
        y += paragraph_gap
    new_page()  # flushes the last page
    return [page for page in pages if page.text]


def _random_plane(size: tuple[int, int], rng: random.Random) -> Image.Image:
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def degrade(image: Image.Image, *, angle: float = 0.7, specks: bool = True, seed: int = 0) -> Image.Image:
    """Make a clean page look scanned: a small rotation, grey grain on the paper, and (``specks``) about
    0.4 % of pixels turned black and 0.4 % white, as dust and a worn platen leave them."""
    rng = random.Random(seed)
    scanned = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    # Grain: mostly light, occasionally darker, like paper texture under a scanner's sensor.
    grain = _random_plane(scanned.size, rng).point(lambda v: int(48 * (v / 255) ** 6))
    scanned = ImageChops.subtract(scanned, grain)
    if specks:
        pepper = _random_plane(scanned.size, rng).point(lambda v: 255 if v == 0 else 0)
        salt = _random_plane(scanned.size, rng).point(lambda v: 255 if v == 0 else 0)
        scanned = ImageChops.add(ImageChops.subtract(scanned, pepper), salt)
    scanned.info["dpi"] = image.info.get("dpi", (200, 200))
    return scanned


def scan(
    text: str, *, dpi: int = 200, angle: float = 0.7, specks: bool = True, seed: int = 0
) -> list[ScannedPage]:
    """``text`` typeset and degraded; alternating rotation direction per page, as a sheet feeder does."""
    pages = render_pages(text, dpi=dpi)
    return [
        ScannedPage(degrade(page.image, angle=angle if n % 2 == 0 else -angle, specks=specks, seed=seed + n),
                    page.text)
        for n, page in enumerate(pages)
    ]


def write_scanned_pdf(pages: Sequence[ScannedPage], path: Path) -> Path:
    """A PDF of page images only (no text layer), like a scanner's output."""
    first, *rest = [page.image for page in pages]
    dpi = first.info.get("dpi", (200, 200))[0]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return path


def write_tiff(pages: Sequence[ScannedPage], path: Path) -> Path:
    """A multi-page TIFF (one frame per page), compressed as fax-era archives often are."""
    first, *rest = [page.image for page in pages]
    first.save(path, "TIFF", save_all=True, append_images=rest, compression="tiff_lzw", dpi=first.info.get("dpi"))
    return path


def normalise_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def levenshtein(a: str, b: str) -> int:
    """Edit distance, bit-parallel (Myers 1999 / Hyyrö 2001) on Python ints: O(len(b)) big-int steps.

    A plain dynamic-programming table costs len(a) * len(b) Python steps (15 million for one seed report,
    seconds); this keeps the CER check in the millisecond range.
    """
    if not a:
        return len(b)
    if not b:
        return len(a)
    matches: dict[str, int] = {}
    for i, char in enumerate(a):
        matches[char] = matches.get(char, 0) | (1 << i)
    mask = (1 << len(a)) - 1
    high_bit = 1 << (len(a) - 1)
    plus, minus, score = mask, 0, len(a)
    for char in b:
        eq = matches.get(char, 0)
        xv = eq | minus
        xh = ((((eq & plus) + plus) & mask) ^ plus) | eq
        horizontal_plus = (minus | ~(xh | plus)) & mask
        horizontal_minus = plus & xh
        if horizontal_plus & high_bit:
            score += 1
        elif horizontal_minus & high_bit:
            score -= 1
        horizontal_plus = ((horizontal_plus << 1) | 1) & mask
        horizontal_minus = (horizontal_minus << 1) & mask
        plus = (horizontal_minus | ~(xv | horizontal_plus)) & mask
        minus = horizontal_plus & xv
    return score


def character_error_rate(recognised: str, expected: str) -> float:
    """Edits needed to turn the recognised text into the expected one, per expected character.

    Whitespace is normalised first: line breaks and paragraph gaps are layout, not characters read wrongly.
    """
    expected_n = normalise_whitespace(expected)
    return levenshtein(normalise_whitespace(recognised), expected_n) / max(1, len(expected_n))
