"""Parse every document of a corpus and compare with its expected results.

    .venv/bin/python bench/accuracy.py [CORPUS] [--authorities CSV]

CORPUS (default /work/shared/corpus) holds documents (.pdf and .txt, found recursively) and
`expected/<document file name>.json`. Prints the accuracy of each field and judgement, then
every mismatch; exits 1 when there is any. A PDF that cannot be read (PdfError) counts as a
"not_a_report". Evidence is compared by page for PDFs (the expected text is poppler's, ours is
pdfminer's) and by line for text files. Runs without Django.
"""

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspections.parsing import NOT_A_REPORT, ParseError, authority_aliases, parse_document  # noqa: E402
from inspections.pdf import PdfError, extract_pages  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus")
DEFAULT_AUTHORITIES = (
    Path(__file__).resolve().parent.parent / "authorities/data/local_authorities.csv"
)
FIELDS = (
    "kind",
    "la_code",
    "framework",
    "inspection_start",
    "inspection_end",
    "published",
    "lead_inspector",
)  # fmt: skip


def _iso(value):
    return value.isoformat() if value else None


def _actual(path: Path, authorities) -> tuple[dict, float]:
    started = time.perf_counter()
    paged = path.suffix.lower() == ".pdf"
    try:
        pages = extract_pages(path) if paged else [path.read_text(encoding="utf-8")]
    except PdfError:
        unread = dict.fromkeys(FIELDS) | {"kind": NOT_A_REPORT, "judgements": []}
        return unread, time.perf_counter() - started
    doc = parse_document(pages, source=path.name, paged=paged, authorities=authorities)
    actual = {
        "kind": doc.kind,
        "la_code": doc.authority_code,
        "framework": doc.framework,
        "inspection_start": _iso(doc.inspection_start),
        "inspection_end": _iso(doc.inspection_end),
        "published": _iso(doc.published),
        "lead_inspector": doc.lead_inspector,
        "judgements": [
            {
                "area": j.area,
                "label": j.label,
                "grade": j.grade,
                "page": j.evidence.page,
                "line": j.evidence.line,
                "needs_review": j.needs_review,
            }
            for j in doc.judgements
        ],
        "review_reasons": list(doc.review_reasons),
    }
    return actual, time.perf_counter() - started


def _expected(data: dict) -> dict:
    expected = {f: data.get(f) for f in FIELDS if f != "la_code"}
    expected["la_code"] = (data.get("authority") or {}).get("la_code")
    expected["judgements"] = data.get("judgements", [])
    return expected


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--authorities", type=Path, default=DEFAULT_AUTHORITIES)
    args = parser.parse_args(argv)

    with args.authorities.open(encoding="utf-8") as f:
        authorities = authority_aliases(csv.DictReader(f))
    documents = sorted(
        p
        for p in args.corpus.rglob("*")
        if p.suffix.lower() in (".pdf", ".txt") and p.parent.name != "expected"
    )
    right, total = Counter(), Counter()
    mismatches: list[str] = []
    seconds = 0.0
    for path in documents:
        expected_path = args.corpus / "expected" / f"{path.name}.json"
        if not expected_path.exists():
            mismatches.append(f"{path.name}: no expected file")
            continue
        expected = _expected(json.loads(expected_path.read_text(encoding="utf-8")))
        try:
            actual, took = _actual(path, authorities)
        except ParseError as e:
            mismatches.append(f"{path.name}: ParseError: {e}")
            for f in FIELDS:
                total[f] += 1
            total["judgement"] += len(expected["judgements"])
            total["evidence"] += len(expected["judgements"])
            continue
        seconds += took
        for f in FIELDS:
            total[f] += 1
            if actual[f] == expected[f]:
                right[f] += 1
            else:
                mismatches.append(f"{path.name}: {f} {actual[f]!r}, expected {expected[f]!r}")
        found = {j["area"]: j for j in actual["judgements"]}
        for want in expected["judgements"]:
            total["judgement"] += 1
            total["evidence"] += 1
            got = found.pop(want["area"], None)
            if got is None:
                mismatches.append(f"{path.name}: {want['area']} missing")
                continue
            if (got["label"], got["grade"]) == (want["label"], want["grade"]):
                right["judgement"] += 1
            else:
                mismatches.append(
                    f"{path.name}: {want['area']} {got['label']!r} {got['grade']}, "
                    f"expected {want['label']!r} {want['grade']}"
                )
            ev = want.get("evidence") or {}
            where = "page" if "page" in ev else "line"
            if got[where] == ev.get(where):
                right["evidence"] += 1
            else:
                mismatches.append(
                    f"{path.name}: {want['area']} evidence {where} {got[where]}, "
                    f"expected {ev.get(where)}"
                )
        for area in found:
            mismatches.append(f"{path.name}: unexpected judgement {area}")
            total["judgement"] += 1
        for j in actual["judgements"]:
            if j["needs_review"]:
                mismatches.append(f"{path.name}: {j['area']} flagged for review")
        for reason in actual.get("review_reasons", []):
            mismatches.append(f"{path.name}: review: {reason}")

    print(f"{len(documents)} documents, parsed and extracted in {seconds:.1f} s")
    for f in (*FIELDS, "judgement", "evidence"):
        share = right[f] / total[f] if total[f] else 1.0
        print(f"  {f:<17} {right[f]:>4}/{total[f]:<4} {share:7.1%}")
    if mismatches:
        print(f"\n{len(mismatches)} mismatches:")
        for line in mismatches:
            print(f"  {line}")
        return 1
    print("\nNo mismatches.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
