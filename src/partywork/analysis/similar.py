"""Copied minutes (SPEC §9 SIMILAR) without comparing every pair of records.

Each text becomes a set of character 4-grams (Chinese has no spaces to split words on). An
inverted index maps each shingle to the records using it; only records that share rare shingles
become candidates, and only candidates get an exact Jaccard score. Shingles used by more than
COMMON records are boilerplate ("传达上级会议精神") and say nothing about copying, so they are
skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

SHINGLE = 4
MIN_SHINGLES = 12  # "按议程进行。" twice is not copying: too short to judge
COMMON = 40
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _clean(text: str) -> str:
    return _NOISE.sub("", text)


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


def similar_pairs(
    texts: dict[str, str],
    threshold: float,
    samples_of: Callable[[dict[str, str]], dict[str, list[str] | None]] | None = None,
) -> list[tuple[str, str, float]]:
    """(a, b, score) for each pair of keys whose texts are at least `threshold` alike, a < b.
    `samples_of`: each key's sample_of its text, when kept somewhere."""
    found = (samples_of or _samples)(texts)
    samples = {key: sample for key, sample in found.items() if sample is not None}
    index: dict[str, list[str]] = {}
    for key in sorted(samples):
        for shingle in samples[key]:
            index.setdefault(shingle, []).append(key)
    shared: Counter = Counter()
    for keys in index.values():
        if 1 < len(keys) <= COMMON:
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    shared[(a, b)] += 1
    full: dict[str, set[str]] = {}
    pairs = []
    for (a, b), count in sorted(shared.items()):
        # rare shared shingles make a pair plausible; only plausible pairs are scored exactly
        if count < threshold * min(len(samples[a]), len(samples[b])) / 2:
            continue
        sa = full.setdefault(a, shingles(texts[a]))
        sb = full.setdefault(b, shingles(texts[b]))
        score = len(sa & sb) / len(sa | sb)
        if score >= threshold:
            pairs.append((a, b, round(score, 3)))
    return pairs


def _samples(texts: dict[str, str]) -> dict[str, list[str] | None]:
    return {key: sample_of(text) for key, text in texts.items()}
