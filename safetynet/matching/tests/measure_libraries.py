"""The measurements behind docs/decisions/0006-name-normalisation.md (not a test; run by hand).

    .venv/bin/pip install aksharamukha jellyfish      # the alternatives, not project dependencies
    .venv/bin/python -m safetynet.matching.tests.measure_libraries

Data: the CMU Indian names corpus in ../shared/data/names (8,726 Latin/Devanagari pairs of first
names). "Pairs meet": the Latin spelling and the transliterated Devanagari get the same key.
"Non-pairs collide": random (Latin, Devanagari) pairs of different names that get the same key.
"Latin variants": different Latin spellings of one Devanagari name (Aagney/Aagneya).
Bengali: the Devanagari names converted to Bengali script letter for letter (a proxy: real
Bengali spelling differs a little).
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable

from indic_transliteration import sanscript

from safetynet.matching import normalise
from safetynet.matching.tests.test_normalise import load_pairs

SEED, NON_PAIRS = 6, 50_000


def _clean(name: str) -> str:
    return re.sub("[^a-z]", "", name.lower())


# people/namekey.py as decision 0004 shipped it (it now delegates to normalise), for comparison.
_OLD_HONORIFICS = frozenset({
    "md", "mohd", "mst", "mosammat", "mossammat", "sk", "sri", "shri", "shree", "smt", "srimati", "shrimati",
    "kumari", "begum", "late", "svargiya", "swargiya", "mr", "mrs", "ms", "miss", "dr", "alhaj", "haji",
})
_OLD_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("ch", "c"), ("jh", "j"), ("th", "t"), ("dh", "d"), ("ph", "f"),
                 ("bh", "b"), ("sh", "s"), ("z", "s"), ("q", "k"), ("w", "b"), ("v", "b"), ("x", "ks"), ("ck", "k"))


def _old_namekey_word(word: str) -> str:
    for a, b in _OLD_DIGRAPHS:
        word = word.replace(a, b)
    if not word:
        return ""
    out = word[0] + "".join(ch for ch in word[1:] if ch not in "aeiouy")
    return re.sub(r"(.)\1+", r"\1", out)


def _old_name_key(name: str) -> str:
    import unicodedata

    from safetynet.people.namekey import to_latin

    text = unicodedata.normalize("NFKD", to_latin(name or "")).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = [w for w in re.split(r"[^a-z]+", text) if w and w not in _OLD_HONORIFICS]
    return " ".join(sorted(k for k in (_old_namekey_word(w) for w in words) if len(k) >= 2))


def translit_ours(word: str, script: str = "devanagari", medial: str = "before-last") -> str:
    """Our pipeline (indic-transliteration + schwa rules), with the given rule for medial schwa."""
    if normalise.MEDIAL_SCHWA != medial:
        normalise.MEDIAL_SCHWA = medial
        normalise._brahmic_to_latin.cache_clear()
    return normalise._brahmic_to_latin(word, script)


def translit_medial_everywhere(word: str, script: str = "devanagari") -> str:
    return translit_ours(word, script, "everywhere")


def translit_final_only(word: str, script: str = "devanagari") -> str:
    return translit_ours(word, script, "none")


def translit_sanscript_plain(word: str, script: str = "devanagari") -> str:
    """indic-transliteration as decision 0004 used it: Harvard-Kyoto, no schwa deletion."""
    source = sanscript.BENGALI if script == "bengali" else sanscript.DEVANAGARI
    return re.sub("[^a-z]", "", sanscript.transliterate(word, source, sanscript.HK).lower())


def translit_aksharamukha(word: str, script: str = "devanagari") -> str:
    from aksharamukha import transliterate as ak

    if script == "bengali":
        out = ak.process("Bengali", "RomanReadable", word, pre_options=["SchwaFinalBengali"])
    else:
        out = ak.process("Devanagari", "RomanReadable", word, pre_options=["RemoveSchwaHindi"])
    return re.sub("[^a-z]", "", out.lower())


def _keys() -> dict[str, Callable[[str], str]]:
    import jellyfish

    return {
        "ours (normalise.phonetic_key)": normalise.phonetic_key,
        "decision 0004 skeleton": _old_namekey_word,
        "jellyfish soundex": jellyfish.soundex,
        "jellyfish metaphone": jellyfish.metaphone,
        "jellyfish nysiis": jellyfish.nysiis,
        "jellyfish match rating codex": lambda w: jellyfish.match_rating_codex(w) if w else "",
    }


def main() -> None:
    pairs = load_pairs()
    rng = random.Random(SEED)
    print(f"{len(pairs)} pairs")
    non_pairs = []
    while len(non_pairs) < NON_PAIRS:
        (en, hi), (en2, hi2) = rng.sample(pairs, 2)
        if hi != hi2 and en.lower() != en2.lower():
            non_pairs.append((en, hi2))
    by_hindi: dict[str, set[str]] = defaultdict(set)
    for en, hi in pairs:
        by_hindi[hi].add(en.lower())
    variants = [(a, b) for names in by_hindi.values() for a in names for b in names if a < b]
    print(f"{len(non_pairs)} non-pairs, {len(variants)} Latin-variant pairs")

    # Transliteration: how close the Latin of the Devanagari comes to the Latin spelling.
    from rapidfuzz.distance import JaroWinkler

    print("\n## transliteration (Devanagari -> Latin), phonetic key = ours")
    for name, fn in [("indic-transliteration + our schwa rules (final, before-last)", translit_ours),
                     ("indic-transliteration + final schwa only", translit_final_only),
                     ("indic-transliteration + final, medial VC_CV everywhere", translit_medial_everywhere),
                     ("indic-transliteration HK, no schwa rules", translit_sanscript_plain),
                     ("aksharamukha RomanReadable + RemoveSchwaHindi", translit_aksharamukha)]:
        latins = [fn(hi) for _en, hi in pairs]
        timings = []
        for _ in range(3):  # uncached, best of three, on 1,000 names
            normalise._brahmic_to_latin.cache_clear()
            start = time.perf_counter()
            for _en, hi in pairs[:1000]:
                fn(hi)
            timings.append((time.perf_counter() - start) / 1000 * 1e6)
        per_name = min(timings)
        exact = sum(lat == en.lower() for lat, (en, _hi) in zip(latins, pairs, strict=True)) / len(pairs)
        jw = statistics.mean(JaroWinkler.similarity(lat, en.lower())
                             for lat, (en, _) in zip(latins, pairs, strict=True))
        meet = sum(normalise.phonetic_key(lat) == normalise.phonetic_key(en)
                   for lat, (en, _) in zip(latins, pairs, strict=True)) / len(pairs)
        bengali = [sanscript.transliterate(hi, sanscript.DEVANAGARI, sanscript.BENGALI) for _en, hi in pairs]
        normalise._brahmic_to_latin.cache_clear()
        meet_bn = sum(normalise.phonetic_key(fn(bn, "bengali")) == normalise.phonetic_key(en)
                      for bn, (en, _) in zip(bengali, pairs, strict=True)) / len(pairs)
        print(f"| {name} | {exact:.1%} | {jw:.3f} | {meet:.1%} | {meet_bn:.1%} | {per_name:.0f} µs |")

    print("\n## phonetic keys (Latin vs our transliteration of the Devanagari)")
    normalise._brahmic_to_latin.cache_clear()
    for name, key in _keys().items():
        meet = sum(key(_clean(en)) == key(translit_ours(hi)) for en, hi in pairs) / len(pairs)
        collide = sum(key(_clean(en)) == key(translit_ours(hi)) for en, hi in non_pairs) / len(non_pairs)
        var = sum(key(_clean(a)) == key(_clean(b)) for a, b in variants) / len(variants)
        print(f"| {name} | {meet:.1%} | {collide:.2%} | {var:.1%} |")

    ends = [("decision 0004 name_key, end to end (its own HK transliteration)", _old_name_key),
            ("normalise_name(...).phonetic, end to end", lambda t: normalise.normalise_name(t).phonetic)]
    for name, name_key in ends:
        meet = sum(name_key(en) == name_key(hi) for en, hi in pairs) / len(pairs)
        collide = sum(name_key(en) == name_key(hi) for en, hi in non_pairs) / len(non_pairs)
        var = sum(name_key(a) == name_key(b) for a, b in variants) / len(variants)
        print(f"| {name} | {meet:.1%} | {collide:.2%} | {var:.1%} |")

    print("\n## string similarity (Jaro-Winkler on the Latin forms)")
    import jellyfish
    from rapidfuzz import process

    lat_pairs = [(_clean(en), translit_ours(hi)) for en, hi in pairs]
    lat_non = [(_clean(en), translit_ours(hi)) for en, hi in non_pairs]
    for name, fn in [("rapidfuzz JaroWinkler", JaroWinkler.similarity),
                     ("jellyfish jaro_winkler_similarity", jellyfish.jaro_winkler_similarity)]:
        start = time.perf_counter()
        sims = [fn(a, b) for a, b in lat_pairs]
        sims_non = [fn(a, b) for a, b in lat_non]
        per = (time.perf_counter() - start) / (len(lat_pairs) + len(lat_non)) * 1e6
        for threshold in (0.88, 0.92):
            tp = sum(s >= threshold for s in sims) / len(sims)
            fp = sum(s >= threshold for s in sims_non) / len(sims_non)
            print(f"| {name} | ≥{threshold} | {tp:.1%} | {fp:.2%} | {per:.2f} µs/pair |")
    a = [x for x, _ in lat_pairs[:2000]]
    b = [y for _, y in lat_pairs[:2000]]
    start = time.perf_counter()
    process.cdist(a, b, scorer=JaroWinkler.similarity, workers=1)
    print(f"rapidfuzz cdist 2000x2000: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    for x in a[:200]:
        for y in b:
            jellyfish.jaro_winkler_similarity(x, y)
    print(f"jellyfish loop 200x2000: {time.perf_counter() - start:.2f} s (x10 for the same work)")
    diff = max(abs(JaroWinkler.similarity(x, y) - jellyfish.jaro_winkler_similarity(x, y)) for x, y in lat_pairs)
    print(f"largest difference between the two Jaro-Winkler implementations: {diff:.2e}")


if __name__ == "__main__":
    main()
