"""A few real reports of the national corpus per framework, each scored on every field against
its expected reading. Chosen for their structure: a grade printed above its label, grade cells
wrapped over two lines, a council name over two lines, numeric and two-part dates, and an ILACS
report that mentions a focused visit. The whole corpus is scored by bench/accuracy.py."""

import csv
import json
from pathlib import Path

import pytest

from inspections.parsing import authority_aliases, parse_document
from inspections.pdf import extract_pages

pytestmark = pytest.mark.corpus

PROJECT_CSV = Path(__file__).resolve().parent.parent / "authorities/data/local_authorities.csv"
REPORTS = [
    "80550_sefton/children's services inspection - 27 june 2016.pdf",  # SIF, grades above labels
    "80545_kingston upon thames/children's services inspection - 03 august 2015.pdf",  # SIF
    "80564_stoke-on-trent/children's services inspection - 12 august 2015.pdf",  # SIF, 1/06/2015
    "80418_norfolk/children's services inspection - 19 january 2018.pdf",  # SIF re-inspection
    "80429_birmingham/children's services inspection - 17 january 2019.pdf",  # ILACS, wrapped
    "80460_derbyshire/children's services inspection - 19 september 2019.pdf",  # ILACS, two parts
    "80537_peterborough/children's services inspection - 30 january 2024.pdf",  # ILACS, 5 rows
]
FIELDS = ("kind", "framework", "inspection_start", "inspection_end", "published", "lead_inspector")


@pytest.fixture(scope="module")
def national(corpus_dir) -> dict[str, dict]:
    with (corpus_dir / "national" / "expected.jsonl").open(encoding="utf-8") as f:
        return {row["path"]: row for row in map(json.loads, f)}


@pytest.fixture(scope="module")
def england():
    with PROJECT_CSV.open(encoding="utf-8") as f:
        return authority_aliases(csv.DictReader(f))


@pytest.mark.parametrize("path", REPORTS)
def test_a_real_report_read_in_full(corpus_dir, national, england, path):
    expected = national[path]
    pages = extract_pages(corpus_dir / "national" / "pdf" / path)
    doc = parse_document(pages, source=path, paged=True, authorities=england).as_json()
    assert doc["authority"]["la_code"] == expected["authority"]["la_code"]
    assert {f: doc[f] for f in FIELDS} == {f: expected[f] for f in FIELDS}
    got = {j["area"]: (j["label"], j["grade"]) for j in doc["judgements"]}
    assert got == {j["area"]: (j["label"], j["grade"]) for j in expected["judgements"]}
    assert not any(j["needs_review"] for j in doc["judgements"])
    assert doc["review_reasons"] == []
