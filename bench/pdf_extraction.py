"""PDF extraction benchmark (issue 14): time per page of pdfminer and pdfium on the same generated PDFs,
word similarity to poppler's ``pdftotext`` where it is installed, and the re-ingest of an unchanged folder
that holds bad files (failures remembered vs parsed again).

    python -m bench.pdf_extraction [--out bench/RESULTS.md] [--rounds 3]

The PDFs are generated here with reportlab (the fixtures of the tests: the two seed reports in one and
two columns, a long report built from both, letter-spaced and turned pages); none is a real report. The
section between ``<!-- pdf-extraction -->`` markers of RESULTS.md is replaced, the rest kept.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- pdf-extraction -->", "<!-- /pdf-extraction -->"


def _corpus(folder: Path) -> dict[str, tuple[Path, str]]:
    """label -> (PDF, the text drawn on it): the drawn text is the ground truth of the quality table."""
    from tests.fixtures_docs import build_pdf, paragraphs_of, read_seed
    from tests.ingest.extract.pdf_cases import glyph_by_glyph_pdf, set_rotate

    managua, tela = ROOT / "corpus" / "000_cf50010547db6d03.txt", ROOT / "corpus" / "003_5b39909ca16edb25.txt"
    both = read_seed(managua) + "\n" + read_seed(tela)
    one = build_pdf(paragraphs_of(read_seed(managua)), folder / "managua.pdf").path
    files = {
        "Managua 2014, one column": (one, read_seed(managua)),
        "Tela 2008, two columns": (build_pdf(paragraphs_of(read_seed(tela)), folder / "tela-2col.pdf",
                                             two_columns=True).path, read_seed(tela)),
        "both seeds, short pages": (build_pdf(paragraphs_of(both), folder / "long.pdf", page_size=(595, 420),
                                              running_header="Conferencia Regional sobre Migración").path, both),
        "Managua, /Rotate 90": (set_rotate(one, folder / "rot.pdf", 90), read_seed(managua)),
    }
    rows = [("Compania Sud Americana de Vapores", 3.5, 9.0), ("Strip the cable before use", 0.0, 1.2)] * 12
    files["letter-spaced, glyph by glyph"] = (glyph_by_glyph_pdf(rows, folder / "spaced.pdf", size=11),
                                              "\n".join(text for text, _, _ in rows))
    return files


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def _engines() -> dict[str, Callable[[Path], str]]:
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text

    from ingest.extract import pdf

    def pdfium_raw(path: Path) -> str:
        document = pdfium.PdfDocument(str(path))
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    engines = {
        "crm-archive (pdfminer + layout)": lambda path: pdf.extract(path).text,
        "crm-archive with pdfium leading": lambda path: pdf.extract(path, lead="pdfium").text,
        "pdfminer.six extract_text": lambda path: extract_text(str(path)),
        "pdfium get_text_range": pdfium_raw,
    }
    if shutil.which("pdftotext"):
        engines["poppler pdftotext"] = _pdftotext
    return engines


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _cpu() -> float:
    """CPU seconds of this process and its finished children (pdftotext runs as one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _words(text: str) -> list[str]:
    """Words of three letters or more: list markers and page numbers ("a.", "2", "de 14") are placed
    differently by design (pdftotext prints a hanging marker on a line of its own, keeps headers)."""
    return [w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 3 and not w.isdigit()]


def similarity(text: str, reference: str) -> tuple[float, float]:
    """(in-order word similarity, word recall) of ``text`` against ``reference``."""
    a, b = _words(text), _words(reference)
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    counts: dict[str, int] = {}
    for word in a:
        counts[word] = counts.get(word, 0) + 1
    found = 0
    for word in b:
        if counts.get(word, 0) > 0:
            counts[word] -= 1
            found += 1
    return ratio, found / max(len(b), 1)


def measure_extraction(files: dict[str, tuple[Path, str]], rounds: int) -> tuple[list[str], list[str]]:
    engines = _engines()
    timing = ["| PDF | pages | " + " | ".join(engines) + " |", "|---|---|" + "---|" * len(engines)]
    quality = ["| PDF | " + " | ".join(engines) + " |", "|---|" + "---|" * len(engines)]
    ratios: dict[str, list[float]] = {name: [] for name in engines}
    for label, (path, truth) in files.items():
        pages = _pages(path)
        cells, scores = [], []
        for name, run in engines.items():
            times = []
            for _ in range(rounds):
                started = _cpu()
                text = run(path)
                times.append(_cpu() - started)
            cells.append(f"{1000 * statistics.median(times) / pages:.1f} ms")
            ratio, recall = similarity(text, truth)
            ratios[name].append(ratio)
            scores.append(f"{ratio:.3f} / {recall:.3f}")
        timing.append(f"| {label} | {pages} | " + " | ".join(cells) + " |")
        quality.append(f"| {label} | " + " | ".join(scores) + " |")
    quality.append("| **median** | " + " | ".join(f"{statistics.median(ratios[n]):.3f}" for n in engines) + " |")
    return timing, quality


def unmapped_glyphs_table(folder: Path) -> list[str]:
    """What each reader makes of a page whose font has no Unicode map (the text is known: it was drawn)."""
    from tests.ingest.extract.pdf_cases import unmapped_font_pdf

    truth = "Participaron los Viceministros de Belice, Canadá, Costa Rica"
    path = unmapped_font_pdf([truth], folder / "sin-unicode.pdf")
    rows = ["| reader | text it gives (first 60 characters) | word similarity to the drawn text |", "|---|---|---|"]
    for name, run in _engines().items():
        try:
            text = " ".join(run(path).split())
        except Exception as e:  # noqa: BLE001 - a reader that refuses is a result too
            text = f"(error: {e})"
        ratio, _ = similarity(text, truth)
        shown = text[:60].replace("|", "\\|") or "(nothing)"
        rows.append(f"| {name} | `{shown}` | {ratio:.2f} |")
    return rows


def _bad_folder(folder: Path) -> None:
    import pikepdf

    from tests.fixtures_docs import scanned_pdf, seed_to_pdf
    from tests.ingest.extract.pdf_cases import unmapped_font_pdf

    for seed in ("000_cf50010547db6d03.txt", "003_5b39909ca16edb25.txt"):
        shutil.copy(ROOT / "corpus" / seed, folder / seed)
    good = seed_to_pdf(ROOT / "corpus" / "003_5b39909ca16edb25.txt", folder / "tela.pdf")
    data = good.read_bytes()
    (folder / "truncado.pdf").write_bytes(data[: len(data) // 2])
    (folder / "basura.pdf").write_bytes(data.replace(b" obj", b" jbo"))
    with pikepdf.open(good) as document:
        document.save(folder / "con-clave.pdf", encryption=pikepdf.Encryption(owner="x", user="clave", R=6))
    scanned_pdf(" ", folder / "escaneo-en-blanco.pdf")  # a blank scan: OCR finds nothing, every time
    unmapped_font_pdf(["  "], folder / "sin-unicode.pdf")  # unmapped glyphs, nothing OCR can read


def measure_reingest(rounds: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="crm-bench-pdf-") as tmp:
        folder, data = Path(tmp) / "in", Path(tmp) / "data"
        folder.mkdir()
        _bad_folder(folder)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}

        def ingest(*options: str) -> tuple[float, float, str]:
            started, cpu = time.monotonic(), _cpu()
            done = subprocess.run([sys.executable, "-c", "from archive.cli import main; main()", "--data", str(data), "ingest", *options,
                                   str(folder)], capture_output=True, text=True, env=env)
            return time.monotonic() - started, _cpu() - cpu, done.stdout.strip().splitlines()[-1]

        first, first_cpu, summary = ingest()
        again = [ingest("--retry-failed") for _ in range(rounds)]
        remembered = [ingest() for _ in range(rounds)]
    files = len(list(folder.iterdir())) if folder.exists() else 0
    return [
        "| ingest of a folder (3 good files, 5 bad), `crm-archive ingest` as a process | runs | wall p50 | "
        "CPU p50 (with workers) | summary |",
        "|---|---|---|---|---|",
        f"| first ingest | 1 | {first:.2f} s | {first_cpu:.2f} s | {summary} |",
        f"| re-ingest, bad files parsed again (`--retry-failed`: as before issue 14) | {rounds} | "
        f"{statistics.median(t for t, _, _ in again):.2f} s | {statistics.median(c for _, c, _ in again):.2f} s | "
        f"{again[-1][2]} |",
        f"| re-ingest, failures remembered (default) | {rounds} | "
        f"{statistics.median(t for t, _, _ in remembered):.2f} s | "
        f"{statistics.median(c for _, c, _ in remembered):.2f} s | {remembered[-1][2]} |",
    ] if files >= 0 else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf_extraction", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="crm-bench-pdf-") as tmp:
        timing, quality = measure_extraction(_corpus(Path(tmp)), args.rounds)
        unmapped = unmapped_glyphs_table(Path(tmp))
    reingest = measure_reingest(args.rounds)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    section = [START, "## PDF extraction: pdfminer and pdfium on the same generated PDFs", "",
               f"Run {stamp} by `python -m bench.pdf_extraction` on the shared 2-core machine; load average "
               f"{os.getloadavg()[0]:.1f}. Generated PDFs only (reportlab fixtures of the tests). CPU time per "
               f"page (pdftotext: its process's CPU time), median of {args.rounds} runs.", "", *timing, ""]
    section += ["In-order word similarity / word recall against the text that was drawn (difflib ratio over "
                "the words of three letters or more; 1 = the same words in the same order; running headers and "
                "page numbers are not part of the drawn text, so keeping them costs a little):", "", *quality, ""]
    section += ["A font without a Unicode map: pdfminer writes `(cid:N)`, pdfium's text is wrong letters but it "
                "flags each glyph (`FPDFText_HasUnicodeMapError`), poppler gives wrong letters without a sign; "
                "crm-archive sends such a page to OCR whichever parser read it:", "", *unmapped, "",
                *reingest, "", END]
    text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if START in text and END in text:
        text = text[: text.index(START)] + "\n".join(section) + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print("\n".join(section))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
