"""Copied minutes (SPEC §9 SIMILAR) without comparing every pair of records.

Each text becomes a set of character 4-grams (Chinese has no spaces to split words on). An
inverted index maps each shingle to the records using it; only records that share rare shingles
become candidates, and only candidates get an exact Jaccard score. Shingles used by more than
COMMON records are boilerplate ("传达上级会议精神") and say nothing about copying, so they are
skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

SHINGLE = 4
MIN_SHINGLES = 12  # "按议程进行。" twice is not copying: too short to judge
COMMON = 40
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _clean(text: str) -> str:
    # NFKC: a copy with some characters swapped for look-alikes that print the same (⽣ for 生, the
    # Kangxi radicals and CJK compatibility ideographs; ２ for 2) shares no shingle otherwise
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def shingles(text: str) -> set[str]:
    clean = _clean(text)
    return {clean[i : i + SHINGLE] for i in range(len(clean) - SHINGLE + 1)}


def _sample(clean: str) -> set[str]:
    """The shingles starting at a character whose code point is a multiple of 4: about a quarter of
    them, chosen by content (so two copies choose alike) and the same in every run."""
    return {
        clean[i : i + SHINGLE] for i in range(len(clean) - SHINGLE + 1) if not ord(clean[i]) & 3
    }


def sample_of(text: str) -> list[str] | None:
    """The text's sampled shingles (distinct, sorted), None when it is too short to judge."""
    clean = _clean(text)
    return sorted(_sample(clean)) if len(clean) - SHINGLE + 1 >= MIN_SHINGLES else None


def similar_pairs(texts: dict[str, str], threshold: float) -> list[tuple[str, str, float]]:
    """(a, b, score) for each pair of keys whose texts are at least `threshold` alike, a < b."""
    samples = {key: sample_of(text) for key, text in texts.items()}
    return pairs_among(samples, texts.__getitem__, threshold)


def pairs_among(
    samples: dict[str, list[str] | None],
    text_of: Callable[[str], str],
    threshold: float,
    focus: set[str] | None = None,
) -> list[tuple[str, str, float]]:
    """similar_pairs from each key's sample_of (kept somewhere), the text read only for the pairs
    worth scoring; with a focus, only the pairs whose later key (the greater) is in it: a period's
    minutes against the year before, never last year's among themselves."""
    usable = {key: sample for key, sample in samples.items() if sample is not None}
    later = sorted(usable if focus is None else focus & usable.keys())
    uses: Counter = Counter()
    for sample in usable.values():
        uses.update(sample)  # counted in C: most shingles are in a few texts, or in very many
    rare = {s for key in later for s in usable[key] if 1 < uses[s] <= COMMON}
    index: dict[str, list[str]] = {}
    for key in sorted(usable):
        for shingle in rare.intersection(usable[key]):
            index.setdefault(shingle, []).append(key)
    shared: Counter = Counter()
    for b in later:
        for shingle in rare.intersection(usable[b]):
            for a in index[shingle]:
                if a >= b:
                    break
                shared[(a, b)] += 1
    full: dict[str, set[str]] = {}
    pairs = []
    for (a, b), count in sorted(shared.items()):
        # rare shared shingles make a pair plausible; only plausible pairs are scored exactly
        if count < threshold * min(len(usable[a]), len(usable[b])) / 2:
            continue
        sa = full.setdefault(a, shingles(text_of(a)))
        sb = full.setdefault(b, shingles(text_of(b)))
        score = len(sa & sb) / len(sa | sb)
        if score >= threshold:
            pairs.append((a, b, round(score, 3)))
    return pairs


def sample_line(text: object) -> str | None:
    """sample_of as one line to keep (None: not a text, or too short to judge)."""
    sample = sample_of(text) if isinstance(text, str) else None
    return None if sample is None else " ".join(sample)


_LINE = re.compile(rf"(?:[^ ]{{{SHINGLE}}} )*[^ ]{{{SHINGLE}}}")


def read_line(line: object) -> tuple[bool, list[str] | None]:
    """Whether a kept line holds a sample in the shape sample_line gives, and that sample. Read for
    every record of the year before a period (SPEC §11): checked without a loop in Python."""
    if type(line) is str and _LINE.fullmatch(line):
        sample = line.split(" ")
        return sample == sorted(sample) and len(set(sample)) == len(sample), sample  # distinct
    if line is None or line == "":
        return True, None if line is None else []
    return False, None
