"""Judgement tables: the rows where Ofsted prints a grade against a label.

`find_table(fragments, lines, paged, labels)` finds the first run of cells made of a framework's
labels and grade words and pairs them into `Row`s. On a PDF a label and its grade usually share
a line (the page's row, rebuilt from the layout by `inspections.pdf`); where a row was printed
with its label wrapped round the grade, or as a label column then a grade column, the pairing
is accepted only when the table's structure proves it. A table that proves neither is left
unread, with a reason: pairing its cells some other way could give a grade to the wrong label.

Ofsted's tables slip: a word left out ("The experiences and progress of children care
leavers"), a stray full stop. A label is compared word by word with the framework's own labels
(`slips`): within `MAX_SLIP_WORDS` words of one, it is a row of the table, kept as printed, and
`judgements.by_label` decides which area it is, or flags it when it could be two.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from inspections import frameworks as fw

from .grades import GRADE_CELLS, normalise
from .text import Evidence, Fragment, Line, evidence

# Lines inside a judgement table that are neither a label nor a grade.
TABLE_HEADERS = frozenset(
    {
        "judgement",
        "judgements",
        "grade",
        "judgement grade",
        "record of main findings",
        "record of main findings:",
        "safeguarding services",
        "safeguarding outcomes for children and young people",
        "services for looked after children",
        "how good are outcomes for looked after children and care leavers?",
    }
)
TABLE_START_HEADERS = frozenset(
    {"judgement", "record of main findings", "record of main findings:", "safeguarding services"}
)
MIN_TABLE_ROWS = 3
MAX_LABEL_FRAGMENTS = 6
# Tables print the bare grade word; "Grade 3 (adequate)" is the form of SLAC and LAC headings.
TABLE_GRADE_CELLS = frozenset(g for g in GRADE_CELLS if not g.startswith("grade "))
# SIF numbers its rows ("2.1 Adoption performance"); reports differ in the numbers they print.
NUMBERING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?(?:\s+|$)")
# A stray character at a label's end: "Overall effectiveness." (a colon is a heading's, never a
# table row's: "Overall effectiveness: good" in the body is a restatement).
TRAILING_STRAY_RE = re.compile(r"\s*[.*]+$")
_WORD_PUNCTUATION_RE = re.compile(r"[^\w\s'-]")
# A slip leaves out at most a third of a label's words, or adds one stray word; a word may
# carry one stray or missing character ("provisions", "childen").
SLIP_SHARE = 3
STRAY_WORDS = 1
NEAR_WORD_CHARS = 4


def label_key(text: str) -> str:
    """A label as compared: normalised, without its row number or a stray character at its
    end."""
    return TRAILING_STRAY_RE.sub("", NUMBERING_RE.sub("", normalise(text)).strip())


def _near(word: str, other: str) -> bool:
    """The same word, or one with a character more, less or other ("provisions")."""
    if word == other:
        return True
    if min(len(word), len(other)) < NEAR_WORD_CHARS or abs(len(word) - len(other)) > 1:
        return False
    i = 0
    while i < min(len(word), len(other)) and word[i] == other[i]:
        i += 1
    return (
        word[i + 1 :] == other[i + 1 :] or word[i:] == other[i + 1 :] or word[i + 1 :] == other[i:]
    )


def _left_out(short: list[str], long: list[str]) -> int | None:
    """How many of `long`'s words `short` leaves out, when it is `long` less some words."""
    j = 0
    for word in long:
        if j < len(short) and _near(short[j], word):
            j += 1
    return len(long) - len(short) if j == len(short) else None


def slips(key: str, labels) -> dict[str, int]:
    """The framework's labels (in `labels`, `label_key` form) that `key` may be a slip of, each
    with how many words it is away: the label less up to a third of its words, or with one
    stray word; {} when it is none's."""
    if key.endswith(":"):
        return {}  # a heading's label, whose grade follows it in the body: not a table row
    words = _WORD_PUNCTUATION_RE.sub(" ", key).split()
    found = {}
    for label in labels:
        label_words = _WORD_PUNCTUATION_RE.sub(" ", label).split()
        gap = len(label_words) - len(words)
        if not -STRAY_WORDS <= gap <= len(label_words) // SLIP_SHARE or not words:
            continue  # cheap first: most lines are no label's
        distance = _left_out(words, label_words) if gap >= 0 else _left_out(label_words, words)
        if distance is not None:
            found[label] = abs(distance)
    return found


def labels_of(framework: str) -> dict[str, str]:
    """The framework's labels in `label_key` form, each to its area key."""
    return {label_key(a.label): a.key for a in fw.areas_for(framework)}


@dataclass(frozen=True)
class Row:
    label: str
    grade: str
    grade_as_printed: str
    evidence: Evidence


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    lines: frozenset[int] = frozenset()  # line indices the table was read from


@dataclass(frozen=True)
class _Token:
    kind: str  # "label" or "grade"
    parts: tuple[int, ...]  # indices of its fragments
    key: str  # normalised text


def _longest(fragments, i: int, vocabulary, limit: int = 6) -> tuple[int, str] | None:
    """The longest run of fragments from i that spells an entry of `vocabulary`."""
    best, buf = None, ""
    for j in range(i, min(i + limit, len(fragments))):
        buf = f"{buf} {normalise(fragments[j].text)}".strip()
        if buf in vocabulary:
            best = (j, buf)
        if not any(v.startswith(buf) for v in vocabulary):
            break
    return best


def _read_table(fragments: list[Fragment], start: int, labels) -> list[_Token]:
    """Tokens from `start` until a fragment that is neither header, label nor grade.

    A label or grade may run over several fragments; the longest match wins, so "...children in
    care" followed by "and care leavers" is the combined ILACS label. A grade printed beside the
    middle of a wrapped label ("2. Children looked after and achieving" / "Good" /
    "permanence") is held back and follows the label.
    """
    tokens = []
    i, n = start, len(fragments)
    while i < n:
        text = normalise(fragments[i].text)
        if text in TABLE_HEADERS:
            i += 1
            continue
        grade = _longest(fragments, i, TABLE_GRADE_CELLS)
        if grade:
            tokens.append(_Token("grade", tuple(range(i, grade[0] + 1)), grade[1]))
            i = grade[0] + 1
            continue
        label = _label(fragments, i, labels) or _slipped_label(fragments, i, labels)
        if label is None:
            break
        tokens.extend(label)
        i = max(p for token in label for p in token.parts) + 1
    return tokens


def _label(fragments, i: int, labels) -> list[_Token] | None:
    best, buf, parts, held = None, "", [], []
    j, n = i, len(fragments)
    while j < n and len(parts) < MAX_LABEL_FRAGMENTS:
        key = label_key(buf)
        grade = _longest(fragments, j, TABLE_GRADE_CELLS) if buf and key not in labels else None
        if grade and any(label.startswith(f"{key} ") for label in labels):
            held.append(_Token("grade", tuple(range(j, grade[0] + 1)), grade[1]))
            j = grade[0] + 1
            continue
        buf = f"{buf} {normalise(fragments[j].text)}".strip()
        key = label_key(buf)
        parts.append(j)
        if key in labels:
            best = [_Token("label", tuple(parts), key), *held]
        if not any(label.startswith(key) for label in labels):
            break
        j += 1
    return best


def _slipped_label(fragments, i: int, labels) -> list[_Token] | None:
    """A label printed with a slip (see `slips`), over the fragments up to its grade."""
    buf, parts = "", []
    for j in range(i, min(i + MAX_LABEL_FRAGMENTS, len(fragments))):
        if _longest(fragments, j, TABLE_GRADE_CELLS):
            break
        buf = f"{buf} {normalise(fragments[j].text)}".strip()
        parts.append(j)
    key = label_key(buf)
    if parts and key not in TABLE_HEADERS and slips(key, labels):
        return [_Token("label", tuple(parts), key)]
    return None


def _text(fragments, parts) -> str:
    return " ".join(" ".join(fragments[p].text for p in parts).split())


def _wrapped(token: _Token, fragments) -> bool:
    return len({fragments[p].line for p in token.parts}) > 1


def _rows(tokens: list[_Token], fragments) -> list[tuple[_Token, _Token]] | None:
    """The tokens split into rows of a label and its grade side by side, or None.

    A grade normally follows its label. It may come first only beside a label wrapped over
    lines: a PDF reads a grade cell centred beside a two-line label before the label.
    """
    pairs = []
    for a, b in zip(tokens[::2], tokens[1::2], strict=False):
        if a.kind == "label" and b.kind == "grade":
            pairs.append((a, b))
        elif a.kind == "grade" and b.kind == "label" and _wrapped(b, fragments):
            pairs.append((b, a))
        else:
            return None
    return pairs


def _columns(tokens: list[_Token]) -> list[tuple[_Token, _Token]] | None:
    """The label column then the grade column, as a PDF may read a table, or None.

    Only when nothing else proves a row: all the labels first, then exactly as many grades, and
    no label printed twice (a repeated label could belong to either of two grades).
    """
    n = len(tokens) // 2
    labels, grades = tokens[:n], tokens[n:]
    if len(tokens) % 2 or any(t.kind != "label" for t in labels):
        return None
    if any(t.kind != "grade" for t in grades) or len({t.key for t in labels}) != n:
        return None
    return list(zip(labels, grades, strict=True))


def _pair(tokens: list[_Token], fragments, lines, paged) -> Table:
    """Pair labels with grades row by row, or column by column when a PDF reads columns."""
    table = Table(lines=frozenset(fragments[p].line for t in tokens for p in t.parts))
    if len(tokens) % 2 == 0:
        pairs = _rows(tokens, fragments)
    elif tokens[-1].kind == "label" and _rows(tokens[1:], fragments) is None:
        # A label without a grade at the end. Kept only when the rows cannot be read the other
        # way, the first label without a grade and each grade before the next label.
        pairs = _rows(tokens[:-1], fragments)
        if pairs is not None:
            label = _text(fragments, tokens[-1].parts)
            table.reasons.append(f"the judgement table looks truncated: {label!r} has no grade")
    else:
        pairs = None
    if pairs is None:
        pairs = _columns(tokens)
    if pairs is None:
        kinds = Counter(t.kind for t in tokens)
        table.reasons.append(
            f"the judgement table's {kinds['label']} labels and {kinds['grade']} grades are "
            "neither in rows nor in two columns; its rows could not be paired"
        )
        return table
    for label, grade in pairs:
        label_lines = [fragments[p].line for p in label.parts]
        grade_lines = [fragments[p].line for p in grade.parts]
        table.rows.append(
            Row(
                label=_text(fragments, label.parts),
                grade=GRADE_CELLS[grade.key],
                grade_as_printed=_text(fragments, grade.parts),
                evidence=evidence(lines, label_lines[0], label_lines + grade_lines, paged),
            )
        )
    return table


def find_table(fragments: list[Fragment], lines: list[Line], paged: bool, labels) -> Table | None:
    """The first judgement table with at least MIN_TABLE_ROWS labels of the framework."""
    for i, frag in enumerate(fragments):
        text = normalise(frag.text)
        key = label_key(text)
        if text not in TABLE_START_HEADERS and not (
            key and any(label.startswith(key) for label in labels)
        ):
            continue
        tokens = _read_table(fragments, i, labels)
        kinds = Counter(t.kind for t in tokens)
        # A contents list also names the labels, but prints page numbers, not grades.
        if min(kinds["label"], kinds["grade"]) >= MIN_TABLE_ROWS:
            return _pair(tokens, fragments, lines, paged)
    return None


HEADER_ROW_RE = re.compile(r"^\s*judgements?\s*\t\s*grades?\s*$", re.I)
UNKNOWN_ROW_LOOKAHEAD = 12


def unknown_rows(lines: list[Line], labels) -> list[str]:
    """Rows under a "Judgement / Grade" header that pair a grade with a label the framework does
    not have (a renamed judgement, a new framework): said so that a person can read them, since
    their grades are never read."""
    found = []
    for i, line in enumerate(lines):
        if not HEADER_ROW_RE.match(line.text):
            continue
        for row in lines[i + 1 : i + 1 + UNKNOWN_ROW_LOOKAHEAD]:
            cells = [c.strip() for c in row.text.split("\t") if c.strip()]
            if len(cells) != 2 or normalise(cells[1]) not in TABLE_GRADE_CELLS:
                continue
            key = label_key(cells[0])
            if key and not any(label.startswith(key) for label in labels):
                if slips(key, labels):
                    continue
                found.append(" ".join(cells[0].split()))
    return found
