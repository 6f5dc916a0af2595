"""A coarse key that makes one person's name written in different spellings and scripts
meet: "Md. Rafiq Sheikh", "Rafik Shaikh" and "রফিক শেখ" all give "rfk sk"; "Rohima Khatoon",
"Rahima Khatun", "রহিমা খাতুন" and "रहिमा खातून" all give "ktn rhm".

Bengali and Devanagari (Hindi, Nepali) are first transliterated to Latin with
indic-transliteration (Harvard-Kyoto), then each word is reduced to a consonant skeleton:
honorifics dropped, aspirates and sibilants merged (kh→k, ph→f, sh/z→s, q→k, w/v→b), vowels
after the first letter dropped, doubled letters collapsed. The words are sorted, so the order
of given and family names does not matter.

It is a *blocking* key for the "already on file" check on suspects: equal keys are worth a
look, not proof. Issue 6's matcher (probabilistic, explainable) will score candidates properly.
"""

from __future__ import annotations

import re
import unicodedata

# Honorifics and prefixes that say nothing about who someone is (issue 6's list).
HONORIFICS = frozenset({
    "md", "mohd", "mst", "mosammat", "mossammat", "sk", "sri", "shri", "shree", "smt", "srimati", "shrimati",
    "kumari", "begum", "late", "svargiya", "swargiya", "mr", "mrs", "ms", "miss", "dr", "alhaj", "haji",
})
# Harvard-Kyoto output of the transliteration, and common Latin spellings, reduced to one form.
DIGRAPHS = (("kh", "k"), ("gh", "g"), ("ch", "c"), ("jh", "j"), ("th", "t"), ("dh", "d"), ("ph", "f"),
            ("bh", "b"), ("sh", "s"), ("z", "s"), ("q", "k"), ("w", "b"), ("v", "b"), ("x", "ks"), ("ck", "k"))
VOWELS = set("aeiouy")


def _script(text: str) -> str | None:
    for ch in text:
        code = ord(ch)
        if 0x0980 <= code <= 0x09FF:
            return "bengali"
        if 0x0900 <= code <= 0x097F:
            return "devanagari"
    return None


def to_latin(text: str) -> str:
    """Bengali or Devanagari text in Harvard-Kyoto Latin; other text unchanged."""
    script = _script(text)
    if script is None:
        return text
    from indic_transliteration import sanscript

    source = sanscript.BENGALI if script == "bengali" else sanscript.DEVANAGARI
    return sanscript.transliterate(text, source, sanscript.HK)


def _skeleton(word: str) -> str:
    for a, b in DIGRAPHS:
        word = word.replace(a, b)
    if not word:
        return ""
    out = word[0] + "".join(ch for ch in word[1:] if ch not in VOWELS)
    return re.sub(r"(.)\1+", r"\1", out)


def name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", to_latin(name or "")).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = [w for w in re.split(r"[^a-z]+", text) if w and w not in HONORIFICS]
    keys = sorted(k for k in (_skeleton(w) for w in words) if len(k) >= 2)
    return " ".join(keys)
