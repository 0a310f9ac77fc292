"""A fixed sample of mutmut's mutants, and the mutation score over it, per module.

A full `make mutate` of every module is several hours on a 2-core machine, so the score in the
README is measured on a sample: each mutant is in it when the SHA-256 of its name falls in the
first FRACTION of the hash range. The rule needs no seed or state, picks the same mutants on every
machine and run, and gives each module about FRACTION of its mutants.

    python bench/mutation_sample.py --names [--fraction 0.25] [PATTERN ...]
        the sample's mutants that have no verdict yet (for `mutmut run`)
    python bench/mutation_sample.py [--fraction 0.25] [--results FILE ...] [PATTERN ...]
        per module: mutants made, in the sample, checked, killed (timeouts count as killed, as
        mutmut counts them), survived, and the score

PATTERN is a glob over mutant names, as `make mutate MUTATE=...` takes (default: every mutant).
Each `--results FILE` (repeatable) is the output of `mutmut results --all true` from a copy where
part of the sample ran; a mutant counts with the best verdict any copy reached (tests are only
added between runs, so a kill stands). Without it, `mutmut results --all true` is run here.
"""

import argparse
import fnmatch
import hashlib
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANK = {"killed": 5, "timeout": 4, "survived": 3, "no tests": 2, "not checked": 1}
DECIDED = {"killed", "timeout"}


def in_sample(name, fraction):
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) < fraction * 0x100000000


def module(name):
    """`dashboards.filters` of `dashboards.filters.xǁJudgementFilterǁdescribe__mutmut_3`."""
    parts = name.split("__mutmut_")[0].split(".")
    return ".".join(p for p in parts if not p.startswith(("x_", "xǁ")))  # mutmut's mangled names


def verdicts(texts):
    best = {}
    for text in texts:
        for line in text.splitlines():
            name, _, status = line.strip().rpartition(": ")
            if name and RANK.get(status, 0) > RANK.get(best.get(name), 0):
                best[name] = status
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("patterns", nargs="*", default=["*"])
    parser.add_argument("--fraction", type=float, default=0.25)
    parser.add_argument("--names", action="store_true")
    parser.add_argument("--results", action="append", type=Path, default=[])
    args = parser.parse_args(argv)
    if args.results:
        texts = [path.read_text() for path in args.results]
    else:
        mutmut = ROOT / ".venv/bin/mutmut"
        results = [str(mutmut), "results", "--all", "true"]
        texts = [subprocess.run(results, cwd=ROOT, capture_output=True, text=True).stdout]
    status = verdicts(texts)
    chosen = [n for n in status if any(fnmatch.fnmatch(n, p) for p in args.patterns)]
    if args.names:
        sample = [n for n in chosen if in_sample(n, args.fraction)]
        print("\n".join(n for n in sorted(sample) if status[n] not in DECIDED))
        return
    made, counts = Counter(), defaultdict(Counter)
    for name in chosen:
        made[module(name)] += 1
        if in_sample(name, args.fraction):
            counts[module(name)][status[name]] += 1
    total = Counter()
    head = ["made", "sample", "checked", "killed", "not killed"]
    print(f"{'module':34} {' '.join(f'{h:>7}' for h in head)}  score")
    for name in sorted(made):
        c = counts[name]
        total += c
        print(_row(name, made[name], c))
    print(_row("all", sum(made.values()), total))


def _row(name, made, c):
    killed = c["killed"] + c["timeout"]
    checked = killed + c["survived"] + c["no tests"]
    score = f"{100 * killed / checked:5.1f} %" if checked else "    -"
    figures = [made, sum(c.values()), checked, killed, checked - killed]
    line = f"{name:34} {' '.join(f'{f:>7}' for f in figures)}  {score}"
    if c["not checked"]:
        line += f"  ({c['not checked']} not checked)"
    return line


if __name__ == "__main__":
    sys.exit(main())
