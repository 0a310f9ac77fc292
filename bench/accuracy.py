"""Parse every document of a corpus and score it against what a correct ingest finds.

    .venv/bin/python bench/accuracy.py [CORPUS ...] [--jobs N] [--authorities CSV] [--quiet]

Each CORPUS is either the small corpus (documents under `pdf/` and `seeds/`, expectations in
`expected/<document file name>.json`) or the national one (`pdf/` and `expected.jsonl`, one
object per document with its `path` under `pdf/`). The default is both, under
$OFSTED_SHARED_DIR/corpus (../shared/corpus beside the project by default).

Prints, per corpus: the share right of every metadata field and of the judgements (area, label
and grade), the evidence (small corpus only: by page for PDFs, by line for text), how many
judgements are flagged for review and how many of those are right all the same (work for an
editor that a better parser would spare), documents refused, documents whose authority could not
be named (stored unplaced by the ingest, or refused as not in the reference), and the figure that
matters most: values
present but wrong with no review flag (a grade, framework, authority or date). Then every
mismatch. Exits 1 when a corpus has a mismatch. Runs without Django; like the ingest, a
download folder's Ofsted URN (`80472_hampshire/`) confirms the authority, it never overrides it.
"""

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspections.parsing import (  # noqa: E402
    NOT_A_REPORT,
    NotAReport,
    ParseError,
    authority_aliases,
    parse_document,
)
from inspections.pdf import extract_pages  # noqa: E402

DEFAULT_SHARED = Path(os.environ.get("OFSTED_SHARED_DIR", ROOT.parent / "shared")) / "corpus"
DEFAULT_AUTHORITIES = ROOT / "authorities/data/local_authorities.csv"
FIELDS = (
    "kind",
    "la_code",
    "framework",
    "inspection_start",
    "inspection_end",
    "published",
    "lead_inspector",
)  # fmt: skip
# A wrong value in these, with no flag, would mislead an analyst; a missing one only leaves a gap.
CHECKED = ("kind", "la_code", "framework", "inspection_start", "inspection_end", "published")


def documents(corpus: Path) -> list[tuple[Path, dict]]:
    """(document, expected) pairs of a corpus in either layout."""
    if (corpus / "expected.jsonl").exists():
        rows = [json.loads(line) for line in (corpus / "expected.jsonl").open(encoding="utf-8")]
        return [(corpus / "pdf" / row["path"], row) for row in rows]
    pairs = []
    for folder in ("pdf", "seeds"):
        for path in sorted((corpus / folder).rglob("*")):
            if path.suffix.lower() not in (".pdf", ".txt"):
                continue
            expected = corpus / "expected" / f"{path.name}.json"
            data = json.loads(expected.read_text(encoding="utf-8")) if expected.exists() else None
            pairs.append((path, data))
    return pairs


def read(path: Path, authorities) -> tuple[dict, float]:
    """The parse of one document in the expected format, and the seconds it took."""
    started = time.perf_counter()
    paged = path.suffix.lower() == ".pdf"
    try:
        pages = extract_pages(path) if paged else [path.read_text(encoding="utf-8")]
        actual = parse_document(pages, source=path.name, paged=paged, authorities=authorities)
        result = actual.as_json()
    except NotAReport:
        result = {"kind": NOT_A_REPORT, "judgements": [], "review_reasons": []}
    except ParseError as e:
        result = {"refused": str(e), "judgements": [], "review_reasons": []}
    return result, time.perf_counter() - started


def _urns(authorities_csv: Path) -> dict[str, str]:
    with authorities_csv.open(encoding="utf-8") as f:
        return {row["la_code"]: row["ofsted_urn"] for row in csv.DictReader(f)}


def score(pairs, results, urns) -> tuple[Counter, Counter, list[str], list[str]]:
    right, total, mismatches, unflagged = Counter(), Counter(), [], []
    for (path, expected), actual in zip(pairs, results, strict=True):
        name = f"{path.parent.name}/{path.name}"
        if expected is None:
            mismatches.append(f"{name}: no expected file")
            continue
        if "refused" in actual:
            total["refused"] += 1
            total["no_authority"] += "not in the reference" in actual["refused"]
            mismatches.append(f"{name}: refused: {actual['refused']}")
        elif actual.get("kind") != NOT_A_REPORT and not actual.get("authority"):
            total["no_authority"] += 1  # the ingest stores it unplaced for an editor
            mismatches.append(f"{name}: unplaced: no authority named")
        flagged_doc = bool(actual.get("review_reasons"))
        got = {f: actual.get(f) for f in FIELDS if f != "la_code"}
        got["la_code"] = (actual.get("authority") or {}).get("la_code")
        want = {f: expected.get(f) for f in FIELDS if f != "la_code"}
        want["la_code"] = (expected.get("authority") or {}).get("la_code")
        urn = path.parent.name.split("_")[0]
        if got["la_code"] and urn.isdigit() and urns.get(got["la_code"]) not in (urn, None, ""):
            flagged_doc = True  # the ingest flags a document whose folder names another URN
        for f in FIELDS:
            total[f] += 1
            if got[f] == want[f]:
                right[f] += 1
                continue
            mismatches.append(f"{name}: {f} {got[f]!r}, expected {want[f]!r}")
            if f in CHECKED and got[f] is not None and not flagged_doc:
                unflagged.append(f"{name}: {f} {got[f]!r}, expected {want[f]!r}")
        found = {j["area"]: j for j in actual["judgements"]}
        for j in actual["judgements"]:
            total["flagged"] += j["needs_review"]
        for w in expected.get("judgements", []):
            total["judgement"] += 1
            g = found.pop(w["area"], None)
            if g is None:
                mismatches.append(f"{name}: {w['area']} missing")
            elif (g["label"], g["grade"]) == (w["label"], w["grade"]):
                right["judgement"] += 1
                total["right_flagged"] += g["needs_review"]
            else:
                mismatches.append(
                    f"{name}: {w['area']} {g['label']!r} {g['grade']}, "
                    f"expected {w['label']!r} {w['grade']}"
                )
                if g["grade"] != w["grade"] and not g["needs_review"]:
                    unflagged.append(f"{name}: {w['area']} {g['grade']}, expected {w['grade']}")
            if g is not None and "evidence" in w:
                total["evidence"] += 1
                where = "page" if "page" in w["evidence"] else "line"
                if g["evidence"].get(where) == w["evidence"][where]:
                    right["evidence"] += 1
                else:
                    mismatches.append(
                        f"{name}: {w['area']} evidence {where} {g['evidence'].get(where)}, "
                        f"expected {w['evidence'][where]}"
                    )
        for area, g in found.items():
            total["judgement"] += 1
            mismatches.append(f"{name}: unexpected judgement {area} {g['grade']}")
            if not g["needs_review"]:
                unflagged.append(f"{name}: unexpected judgement {area} {g['grade']}")
        for reason in actual.get("review_reasons", []):
            mismatches.append(f"{name}: review: {reason}")
    return right, total, mismatches, unflagged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--authorities", type=Path, default=DEFAULT_AUTHORITIES)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quiet", action="store_true", help="Figures only, no mismatch list.")
    args = parser.parse_args(argv)
    corpora = args.corpora or [DEFAULT_SHARED, DEFAULT_SHARED / "national"]
    for corpus in corpora:
        if not corpus.is_dir():
            parser.error(f"{corpus}: no such corpus (set OFSTED_SHARED_DIR or name the folder)")

    with args.authorities.open(encoding="utf-8") as f:
        authorities = authority_aliases(csv.DictReader(f))
    urns = _urns(args.authorities)
    failed = False
    for corpus in corpora:
        pairs = documents(corpus)
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            done = list(pool.map(partial(read, authorities=authorities), [p for p, _ in pairs]))
        wall = time.perf_counter() - started
        results = [r for r, _took in done]
        right, total, mismatches, unflagged = score(pairs, results, urns)
        cpu = sum(took for _r, took in done)
        print(f"{corpus}: {len(pairs)} documents, {wall:.1f} s wall with {args.jobs} jobs "
              f"({cpu:.1f} s of extraction and parsing)")  # fmt: skip
        for f in (*FIELDS, "judgement", "evidence"):
            if total[f]:
                print(f"  {f:<17} {right[f]:>5}/{total[f]:<5} {right[f] / total[f]:8.2%}")
        print(f"  {'flagged':<17} {total['flagged']:>5} judgements flagged for review, "
              f"{total['right_flagged']} of them right")  # fmt: skip
        print(f"  {'refused':<17} {total['refused']:>5} documents refused")
        print(f"  {'no authority':<17} {total['no_authority']:>5} documents whose authority could "
              "not be named (unplaced, or refused as not in the reference)")  # fmt: skip
        print(f"  {'wrong, unflagged':<17} {len(unflagged):>5}")
        for line in unflagged:
            print(f"    {line}")
        if mismatches and not args.quiet:
            print(f"  {len(mismatches)} mismatches:")
            for line in mismatches:
                print(f"    {line}")
        failed |= bool(mismatches)
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
