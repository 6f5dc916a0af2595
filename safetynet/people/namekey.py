"""A coarse key that makes one person's name written in different spellings and scripts
meet: "Md. Rafiq Sheikh", "Rafik Shaikh" and "রফিক শেখ" all give "rfk sk"; "Rohima Khatoon",
"Rahima Khatun", "রহিমা খাতুন" and "रहिमा खातून" all give "ktn rhm".

It is the phonetic key of issue 6's name normalisation (``safetynet.matching.normalise``:
honorifics removed, Bengali and Devanagari transliterated, each word reduced to a consonant
skeleton, words sorted; docs/decisions/0006-name-normalisation.md), kept here under its old name
for the suspects' "already on file" check (decision 0004) and the home study: equal keys are
worth a look, not proof. Names it cannot read (empty, no letters, an unsupported script) give "".

Suspects' name indicators are keyed hashes of this key: after the key changes, existing suspects
are re-indexed with ``prosecution.services.index_suspect``.
"""

from __future__ import annotations

from safetynet.matching.normalise import normalise_name


def _script(text: str) -> str | None:
    for ch in text:
        code = ord(ch)
        if 0x0980 <= code <= 0x09FF:
            return "bengali"
        if 0x0900 <= code <= 0x097F:
            return "devanagari"
    return None


def to_latin(text: str) -> str:
    """Bengali or Devanagari text in Harvard-Kyoto Latin; other text unchanged (matching.linkage reads
    district names with it)."""
    script = _script(text)
    if script is None:
        return text
    from indic_transliteration import sanscript

    source = sanscript.BENGALI if script == "bengali" else sanscript.DEVANAGARI
    return sanscript.transliterate(text, source, sanscript.HK)


def name_key(name: str) -> str:
    normalised = normalise_name(name)
    return normalised.phonetic if normalised.usable else ""
