"""Local authority names as documents print them, matched to DfE LA codes.

`authority_aliases(rows)` builds the lookup from the reference CSV's rows (la_code, name,
aliases separated by "; "): every authority's name, its aliases (other names, and the
children's services trusts and companies that run or ran its services) and the short form
Ofsted uses for a place ("Newcastle" for Newcastle upon Tyne, "Southend" for Southend-on-Sea),
when no other authority shares it. Names are compared in `name_key` form: lower case, "&" read
as "and", curly apostrophes straightened, and the words councils put around a place name
dropped ("London Borough of", "Royal Borough of", "City of", "County Council", "Metropolitan
District Council", "Children's Services"...), so "Bristol, City of", "Bristol City Council"
and "City of Bristol" are one name. `STYLES` lists those ways of printing a name.

A lookup is exact on that form, never a substring search, so "Bournemouth, Christchurch and
Poole" can never be read as "Poole". A name printed exactly as the reference names an authority
is that authority ("Dorset County Council", the county until 2019, not Dorset Council). A name
that is more than one authority's ("Achieving for Children" runs Kingston's and Richmond's
services) maps to all their codes, as a tuple: `candidates` returns them, `lookup` returns None.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
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
    r"report|children's services|childrens services)$"
)
_CITY_OF_RE = re.compile(r",? city of$")
# The styles of `STYLES` print a place name in; "{}" is the place.
STYLES = (
    "{}",
    "the {}",
    "{} Council",
    "{} County Council",
    "{} City Council",
    "City of {} Council",
    "Council of the City of {}",
    "London Borough of {}",
    "the London Borough of {}",
    "Royal Borough of {}",
    "The Royal Borough of {}",
    "Metropolitan Borough of {}",
    "{} Metropolitan Borough Council",
    "{} Metropolitan District Council",
    "City of {} Metropolitan District Council",
    "{} District Metropolitan Council",
    "{} Borough Council",
    "Borough of {}",
    "{} Children's Services",
    "{} Council Children’s Services",
)
# Where a place name divides, Ofsted may print only its first part ("Southend", "Telford").
_SHORT_FORM_RE = re.compile(r"(?: upon | with | and |-on-| on )", re.I)


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """The form in which authority names are compared ("City of Bristol" -> "bristol")."""
    key = _exact_key(name)
    key = _CITY_OF_RE.sub("", key)
    while True:
        shorter = _SUFFIX_RE.sub("", _PREFIX_RE.sub("", key)).strip()
        if shorter == key or not shorter:
            return key
        key = shorter


@lru_cache(maxsize=4096)
def _exact_key(name: str) -> str:
    key = name.replace("\u2019", "'").lower()
    key = _AMPERSAND_RE.sub(" and ", key)
    return _WHITESPACE_RE.sub(" ", _PUNCTUATION_RE.sub(" ", key)).strip()


_COUNCIL_WORDS_RE = re.compile(r"\s+(?:county\s+)?council$", re.I)


def place_name(name: str) -> str:
    """The place in a reference name: "Bristol, City of" -> "Bristol", "Dorset County Council"
    -> "Dorset"."""
    place = _CITY_OF_RE.sub("", " ".join(name.split())).strip(" ,")
    return _COUNCIL_WORDS_RE.sub("", place) or place


def _names(row: Mapping[str, str]) -> list[str]:
    aliases = (row.get("aliases") or "").split(";")
    return [n.strip() for n in [row["name"], *aliases] if n.strip()]


def short_form(name: str) -> str | None:
    """The first part of a place name that divides ("Newcastle upon Tyne" -> "Newcastle")."""
    parts = _SHORT_FORM_RE.split(place_name(name), maxsplit=1)
    return parts[0].strip() if len(parts) == 2 and parts[0].strip() else None


def authority_aliases(rows: Iterable[Mapping[str, str]]) -> dict[str, str | tuple[str, ...]]:
    """Map each authority's names (see the module docstring) to its DfE LA code, or to the
    codes of every authority a name is shared by."""
    rows = list(rows)
    exact: dict[str, set[str]] = defaultdict(set)
    keys: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for name in _names(row):
            exact[_exact_key(name)].add(row["la_code"])
            if name_key(name):
                keys[name_key(name)].add(row["la_code"])
    shorts: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        short = short_form(row["name"])
        if short and name_key(short) not in keys:
            shorts[name_key(short)].add(row["la_code"])
    aliases: dict[str, str | tuple[str, ...]] = {}
    for key, codes in [*keys.items(), *shorts.items()]:
        aliases[key] = _code(codes)
    # The exact name wins over a shared key ("Dorset County Council" against "Dorset Council").
    for key, codes in exact.items():
        if key not in aliases or isinstance(aliases[key], tuple):
            aliases[key] = _code(codes)
    return aliases


def _code(codes: set[str]) -> str | tuple[str, ...]:
    return next(iter(codes)) if len(codes) == 1 else tuple(sorted(codes))


def candidates(name: str, authorities: Mapping) -> tuple[str, ...]:
    """Every LA code a printed name may be: one, several (a shared name) or none."""
    key = _exact_key(name)
    if not key:
        return ()
    authorities = _normalised(authorities)
    code = authorities.get(key)
    if code is None:
        code = authorities.get(name_key(name))
    if code is None:
        return ()
    return code if isinstance(code, tuple) else (code,)


def lookup(name: str, authorities: Mapping) -> str | None:
    """The LA code for a printed name, or None (not known, or shared by several authorities);
    `authorities` may be keyed in any case."""
    codes = candidates(name, authorities)
    return codes[0] if len(codes) == 1 else None


_CACHE: dict[int, tuple[Mapping, Mapping]] = {}


def _normalised(authorities: Mapping) -> Mapping:
    # The caller may build the mapping from raw names; normalise it once per mapping.
    cached = _CACHE.get(id(authorities))
    if cached is None or cached[0] is not authorities:
        normalised = authorities
        if not all(_exact_key(k) == k for k in islice(authorities, 5)):
            normalised = {}
            for k, v in authorities.items():
                normalised.setdefault(name_key(k), v)
                normalised.setdefault(_exact_key(k), v)
        cached = (authorities, normalised)
        _CACHE[id(authorities)] = cached
    return cached[1]
