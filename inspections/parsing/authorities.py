"""Local authority names as documents print them, matched to DfE LA codes.

`authority_aliases(rows)` builds the lookup from the reference CSV's rows (la_code, name,
aliases separated by "; "). Names are compared in `name_key` form: lower case, "&" read as
"and", curly apostrophes straightened, and the words councils put around a place name dropped
("London Borough of", "Royal Borough of", "City of", "County Council", "Metropolitan District
Council"...), so "Bristol, City of", "Bristol City Council" and "City of Bristol" are one name.
A lookup is exact on that form, never a substring search, so "Bournemouth, Christchurch and
Poole" can never be read as "Poole".
"""

import re
from collections.abc import Iterable, Mapping
from itertools import islice

_PUNCTUATION_RE = re.compile(r"[,.*#:()]")
_AMPERSAND_RE = re.compile(r"\s*&\s*")
_WHITESPACE_RE = re.compile(r"\s+")
# How councils style their names around the place name: "London Borough of X", "Royal Borough
# of X", "City of X Council", "X Metropolitan District Council", "Council of the Isles of
# Scilly". These are the grammar of council names, not aliases (aliases live in the CSV).
_PREFIX_RE = re.compile(
    r"^(?:the|london borough of|royal borough of|metropolitan borough of|borough of|city of|"
    r"city and county of|county of|council of the|council of) "
)
_SUFFIX_RE = re.compile(
    r" (?:council|metropolitan|district|borough|county|city|corporation|unitary authority|"
    r"report)$"
)
_CITY_OF_RE = re.compile(r",? city of$")


def name_key(name: str) -> str:
    """The form in which authority names are compared ("City of Bristol" -> "bristol")."""
    key = name.replace("\u2019", "'").lower()
    key = _AMPERSAND_RE.sub(" and ", key)
    key = _CITY_OF_RE.sub("", key)
    key = _WHITESPACE_RE.sub(" ", _PUNCTUATION_RE.sub(" ", key)).strip()
    while True:
        shorter = _SUFFIX_RE.sub("", _PREFIX_RE.sub("", key)).strip()
        if shorter == key or not shorter:
            return key
        key = shorter


def authority_aliases(rows: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Map each authority's name and aliases (in `name_key` form) to its DfE LA code."""
    aliases: dict[str, str] = {}
    for row in rows:
        names = [row["name"], *(row.get("aliases") or "").split(";")]
        for name in names:
            key = name_key(name)
            if key:
                aliases.setdefault(key, row["la_code"])
    return aliases


def lookup(name: str, authorities: Mapping[str, str]) -> str | None:
    """The LA code for a printed name, or None; `authorities` may be keyed in any case."""
    key = name_key(name)
    if not key:
        return None
    code = authorities.get(key)
    if code is None and not _is_normalised(authorities):
        code = _normalised(authorities).get(key)
    return code


def _is_normalised(authorities: Mapping[str, str]) -> bool:
    return all(name_key(k) == k for k in islice(authorities, 5))


_CACHE: dict[int, tuple[Mapping[str, str], dict[str, str]]] = {}


def _normalised(authorities: Mapping[str, str]) -> dict[str, str]:
    # The caller may build the mapping from raw names; normalise it once per mapping.
    cached = _CACHE.get(id(authorities))
    if cached is None or cached[0] is not authorities:
        cached = (authorities, {name_key(k): v for k, v in authorities.items()})
        _CACHE[id(authorities)] = cached
    return cached[1]
