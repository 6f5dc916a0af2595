"""South Asian personal names made comparable across spellings and scripts.

"Mst. Rohima Khatoon", "Rahima Khatun", "মোসাম্মৎ রহিমা খাতুন" and "रहिमा खातून" all become
``latin`` "ro/rahima khat(o)un" with the same ``phonetic`` key "ktn rhm"; the original text is
kept for display. Pure Python, no database: the linkage (Splink) compares these fields, and
the matcher skips and reports names that are not ``usable``.

Steps (docs/decisions/0006-name-normalisation.md has the measurements behind them):

1. **Script.** Each letter is Latin, Bengali or Devanagari (Hindi, Nepali, Marathi); a letter of
   any other script makes the name ``unsupported`` (it is reported, never guessed at).
2. **Transliteration** of Bengali and Devanagari words with indic-transliteration (sanscript,
   IAST), after fixes the library does not make. The silent inherent vowel is removed (a virama is
   written where it is not pronounced): at the end of a word after a single consonant (खातून khatun,
   not khatuna; मित्र mitra keeps it), and in the syllable before such an ending (রহমান rahman, जगदीश
   jagdish; कमला kamala keeps it). Bengali ড় ঢ় য় ব ফ, ওয়া and ङ/ং are written as names are written in
   Latin (r, r, y, b or w, f, wa, ng), then IAST in plain ASCII (ā→a, ś/ṣ→sh, c→ch, ṃ→n/m/ng).
3. **Honorifics** (Latin and native-script forms; see ``DROP`` and ``NATIVE``) are removed anywhere:
   Md., Mohd., Mst., Mosammat, Sri, Shri, Smt., Late, স্বর্গীয়, स्वर्गीय, শ্রী, श्री, मो., মোঃ,
   মোসাম্মৎ, মোছাঃ, Dr, Haji... Some words are titles only sometimes, and are removed only from the
   start of a name: Mohammad and its spellings when another word follows ("Mohammad Rafiq" is
   Rafiq; "Mohammad" alone, or "Ali Mohammad", keeps it), Begum, Bibi and Kumari when two or more words
   follow ("Kumari Puja Sharma" → puja sharma). At the end of a name Begum, Bibi and Kumari are
   kept: for many women in Bangladesh, West Bengal, Bihar and Nepal they are the surname on every
   document, and dropping them leaves a single common given name. They are very common, so a
   linkage model that weighs agreement by frequency gives them little weight anyway. "Sk" is
   an abbreviation of Sheikh, a family name, and is expanded, not dropped.
   A name that is nothing but honorifics keeps them (it is still somebody's name on a form).
4. **Given and family names.** The last word is the family name, the rest the given name; a
   two-word name that starts with a lineage name (Sheikh, Syed) has that as its family name
   ("Sk. Rafiq" → given rafiq, family sheikh).
5. **Phonetic key** per word (``phonetic_key``): a consonant skeleton built for South Asian
   names: aspirates merged with plain stops (kh→k, bh→b, ph→f...), sh/s, z/j, v/w/b, q/k and
   retroflex/dental merged, w after s/t/d/j dropped (Swapan/স্বপন, Biswas/বিশ্বাস), a word-final h
   dropped (Abdullah/Abdulla), "ow" and a final "aw" read as vowels (Chowdhury/Choudhury), doubled
   letters collapsed, vowels after the first letter dropped and a first vowel written "a". The
   name's key is its words' keys, sorted, so word order does not matter. Equal keys mean "worth
   comparing", not "the same person". ``name_similarity`` scores two names' Latin forms with
   rapidfuzz's Jaro-Winkler.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from indic_transliteration import sanscript
from rapidfuzz.distance import JaroWinkler

__all__ = ["NormalisedName", "name_similarity", "normalise_name", "phonetic_key", "transliterate"]

LATIN, BENGALI, DEVANAGARI = "latin", "bengali", "devanagari"
MIXED, UNSUPPORTED, EMPTY = "mixed", "unsupported", "empty"

# ------------------------------------------------------------------------------------ honorifics

# Removed wherever they stand (compared after lower-casing and dropping dots).
DROP = frozenset({
    # Muhammad, abbreviated (the full word is a name: see MUHAMMAD)
    "md", "mohd", "muhd", "mhd",
    # Mosammat (Bangladesh, women), its abbreviations and spellings
    "mst", "most", "mosst", "mostt", "mosammat", "mossammat", "mosammet", "mosamat", "mossamat", "musammat",
    "musammet", "mosammot", "mosamot", "mussammat", "mosammath", "mosamt",
    # Sri, Shri, Srimati, Sushri, Shriman (Hindu men and women; India, Bangladesh, Nepal)
    "sri", "shri", "shree", "sree", "sh", "sriman", "shriman", "shreeman", "smt", "smti", "shrimati", "srimati",
    "shreemati", "sreemati", "sushri", "sushree",
    # Kumari abbreviated (Miss)
    "ku", "kum", "km",
    # the late
    "late", "lt", "swargiya", "swargiyo", "svargiya", "swargiy", "sworgiyo", "sworgiya", "sworgio", "marhum",
    "marhuma", "marhoom", "marhooma", "mrito", "mrita", "prayat", "diwangat", "divangat",
    # titles
    "mr", "mrs", "ms", "miss", "dr", "prof", "haji", "hazi", "hajee", "alhaj", "alhajj", "alhaz", "alhajja",
    "janab", "jonab",
})
# Muhammad in full: a prefix before another word, a name otherwise.
MUHAMMAD = frozenset({
    "mohammad", "mohammed", "muhammad", "muhammed", "mohamed", "mohamad", "mohammod", "mohamod", "muhammod",
    "mohummad", "mahammad", "muhamad", "muhamed", "mohmmad",
})
# Titles before a name of two or more further words, names (often the surname) otherwise.
TITLE_OR_NAME = frozenset({"begum", "begam", "kumari", "bibi"})
# Abbreviations of a name part, expanded.
EXPAND = {"sk": "sheikh", "shk": "sheikh", "skh": "sheikh"}
# Lineage names that, written first in a two-word name, are the family name.
LINEAGE_FIRST = frozenset({"sheikh", "shaikh", "sheik", "shekh", "syed", "sayed", "saiyed", "sayyid", "saiyad"})

# Native-script forms (without their abbreviation marks ঃ : .) → the Latin word they stand for.
_NATIVE = {
    # Bengali
    "মো": "md", "মোহা": "md", "মুহা": "md", "মোছা": "mst", "মোসা": "mst", "মোসাম্মৎ": "mst", "মোসাম্মাৎ": "mst",
    "মোছাম্মৎ": "mst", "মোছাম্মাৎ": "mst", "মুসাম্মাৎ": "mst", "মুসাম্মৎ": "mst", "মোসাম্মত": "mst", "মোছাম্মত": "mst",
    "শ্রী": "sri", "শ্রীমতী": "smt", "শ্রীমতি": "smt", "শ্রীমান": "sriman", "কুমারী": "kumari", "বেগম": "begum",
    "স্বর্গীয়": "late", "স্বর্গীয়া": "late", "স্ব": "late", "মৃত": "late", "মরহুম": "late", "মরহুমা": "late",
    "প্রয়াত": "late", "ডা": "dr", "ডাক্তার": "dr", "জনাব": "janab", "হাজী": "haji", "হাজি": "haji", "আলহাজ্ব": "alhaj",
    "আলহাজ": "alhaj", "শেখ": "sheikh", "বিবি": "bibi", "মোহাম্মদ": "mohammad", "মোহাম্মাদ": "mohammad",
    "মুহাম্মদ": "muhammad", "মুহাম্মাদ": "muhammad",
    # Devanagari (Hindi, Nepali)
    "मो": "md", "मु": "md", "मोह": "md", "श्री": "sri", "श्रीमती": "smt", "श्रीमान": "sriman", "सुश्री": "sushri",
    "कुमारी": "kumari", "कु": "ku", "सौ": "smt", "स्व": "late", "स्वर्गीय": "late", "स्वर्गीया": "late",
    "स्वर्गवासी": "late", "दिवंगत": "late", "मृत": "late", "मरहूम": "late", "डॉ": "dr", "डा": "dr", "हाजी": "haji",
    "बेगम": "begum", "बीबी": "bibi", "शेख": "sheikh", "शेख़": "sheikh", "मोसम्मत": "mst", "मुसम्मत": "mst",
    "मोहम्मद": "mohammad", "मुहम्मद": "muhammad", "मोहमद": "mohammad",
}
NATIVE = {unicodedata.normalize("NFC", k): v for k, v in _NATIVE.items()}  # words are compared in NFC

# ------------------------------------------------------------------------------------ scripts


def _letter_script(ch: str) -> str | None:
    """The script of a letter (or script-specific mark); None for digits, punctuation, spaces."""
    code = ord(ch)
    if 0x0980 <= code <= 0x09FF:
        return BENGALI if unicodedata.category(ch)[0] in "LM" else None
    if 0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF:
        return DEVANAGARI if unicodedata.category(ch)[0] in "LM" else None
    category = unicodedata.category(ch)
    if category[0] == "L":
        return LATIN if unicodedata.name(ch, "").startswith("LATIN") else UNSUPPORTED
    if category[0] == "M" and 0x0300 <= code <= 0x036F:
        return None  # combining accents on Latin letters
    if category[0] == "M":
        return UNSUPPORTED  # vowel signs of another script (Tamil, Arabic harakat...)
    return None


def _script_of(scripts: set[str]) -> str:
    if not scripts:
        return EMPTY
    if UNSUPPORTED in scripts:
        return UNSUPPORTED
    if len(scripts) > 1:
        return MIXED
    return next(iter(scripts))


# Characters inside a word that are not separators (zero-width joiners, Latin apostrophes).
_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d\u00ad'’`"), None)


def _words(text: str) -> list[tuple[str, str]]:
    """(word, script) runs of letters of one script. A visarga ending a Bengali or Devanagari word is the
    abbreviation mark (মোঃ, like Md.) and is dropped."""
    text = unicodedata.normalize("NFC", text).translate(_JOINERS)
    out: list[tuple[str, str]] = []
    word, script = "", ""

    def flush() -> None:
        nonlocal word, script
        if script in (BENGALI, DEVANAGARI):
            word = word.rstrip("ঃः")
        if word:
            out.append((word, script))
        word, script = "", ""

    for ch in text:
        s = _letter_script(ch)
        if s is None and word and unicodedata.category(ch)[0] == "M":
            word += ch  # a combining accent continues a Latin word
            continue
        if s is None or (word and s != script):
            flush()
        if s is not None:
            word += ch
            script = s
    flush()
    return out


# ------------------------------------------------------------------------------------ transliteration

_DEV_CONSONANTS = set(range(0x0915, 0x093A)) | set(range(0x0958, 0x0960))
_BEN_CONSONANTS = set(range(0x0995, 0x09BA)) | {0x09DC, 0x09DD, 0x09DF}
# Where the inherent vowel is removed inside a word (see _delete_schwa; decision 0006 has the measurements).
MEDIAL_SCHWA = "before-last"
_VIRAMA = {DEVANAGARI: "\u094d", BENGALI: "\u09cd"}
_NUKTA = {DEVANAGARI: "\u093c", BENGALI: "\u09bc"}
# Spellings fixed before transliteration: Devanagari candra vowels (डॉ), flapped r; Bengali ড় ঢ় য়.
_PRE = {
    DEVANAGARI: (("ऑ", "ओ"), ("ॉ", "ो"), ("ॅ", "े"), ("ऍ", "ए"), ("ड़", "र"), ("ढ़", "र"), ("\u095c", "र"),
                 ("\u095d", "र")),
    BENGALI: (("ড়", "র"), ("ঢ়", "র"), ("য়", "য"), ("\u09dc", "র"), ("\u09dd", "র"), ("\u09df", "য")),
}
_IAST_ASCII = str.maketrans({
    "ā": "a", "ī": "i", "ū": "u", "ṛ": "ri", "ṝ": "ri", "ḷ": "li", "ḹ": "li", "ṅ": "n", "ñ": "n", "ṭ": "t",
    "ḍ": "d", "ṇ": "n", "ś": "sh", "ṣ": "sh", "ḥ": "", "~": "n", "ē": "e", "ō": "o", "'": "", "ḻ": "l", "ṟ": "r",
})


_CODA = frozenset("ংঁঃंँः")  # anusvara, candrabindu, visarga: close a syllable


def _syllables(word: str, script: str) -> list[tuple[int, bool, str, bool]]:
    """The word's syllables: (index of the cluster's last character, conjunct cluster?, vowel, closed?) with
    vowel "a" (inherent), "v" (vowel sign), "V" (independent vowel) or "-" (virama: no vowel)."""
    consonants = _DEV_CONSONANTS if script == DEVANAGARI else _BEN_CONSONANTS
    virama, nukta = _VIRAMA[script], _NUKTA[script]
    out: list[tuple[int, bool, str, bool]] = []
    i, n = 0, len(word)
    while i < n:
        if ord(word[i]) in consonants:
            conjunct = False
            i += 1
            while True:
                if i < n and word[i] == nukta:
                    i += 1
                if i + 1 < n and word[i] == virama and ord(word[i + 1]) in consonants:
                    conjunct, i = True, i + 2
                    continue
                break
            end = i - 1
            if i < n and word[i] == virama:
                vowel, i = "-", i + 1
            elif i < n and unicodedata.category(word[i]) in ("Mc", "Mn") and word[i] not in _CODA:
                vowel, i = "v", i + 1
            else:
                vowel = "a"
        elif unicodedata.category(word[i]) == "Lo":
            end, conjunct, vowel, i = i, False, "V", i + 1
        else:
            i += 1  # a stray sign
            continue
        closed = False
        while i < n and word[i] in _CODA:
            closed, i = True, i + 1
        out.append((end, conjunct, vowel, closed))
    return out


def _delete_schwa(word: str, script: str) -> str:
    """Write a virama where the inherent vowel is not pronounced, so the transliteration leaves it out."""
    syllables = _syllables(word, script)
    if len(syllables) < 2:
        return word
    delete: set[int] = set()

    def bare(k: int) -> bool:  # one consonant and its inherent vowel, nothing after
        end, conjunct, vowel, closed = syllables[k]
        return vowel == "a" and not conjunct and not closed and end not in delete

    if bare(len(syllables) - 1):  # खातून khātūn, রহিম rahim; but मित्र mitra, कृष्ण krishna
        delete.add(syllables[-1][0])
    # Inside a word (MEDIAL_SCHWA): "before-last" deletes a → ∅ / VC _ CVC#, in the syllable before a last
    # one that lost its vowel (রহমান rahman, अदनान adnan, নজরুল nazrul, जगदीश jagdish; कमला stays kamala as
    # such names are written in Latin); "everywhere" applies VC _ CV right to left (कमला kamla); "none".
    if MEDIAL_SCHWA == "everywhere":
        candidates = range(len(syllables) - 2, 0, -1)
    elif MEDIAL_SCHWA == "before-last" and syllables[-1][0] in delete:
        candidates = range(len(syllables) - 3, 0, -1)[:1]
    else:
        candidates = range(0)
    for k in candidates:
        _, _, prev_vowel, prev_closed = syllables[k - 1]
        next_end, next_conjunct, next_vowel, _ = syllables[k + 1]
        if (bare(k) and prev_vowel != "-" and not prev_closed and not next_conjunct and next_vowel in ("a", "v")
                and next_end not in delete):
            delete.add(syllables[k][0])
    virama = _VIRAMA[script]
    return "".join(ch + virama if i in delete else ch for i, ch in enumerate(word))


def _anusvara(latin: str) -> str:
    """ṃ (anusvara) as written in Latin names: m before p/b/m, ng before h (सिंह Singh) and at the end of
    a word, n otherwise (गंगा Ganga, শংকর Shankar)."""
    def repl(m: re.Match[str]) -> str:
        following = latin[m.end():m.end() + 1]
        if following in ("p", "b", "m"):
            return "m"
        if following in ("h", ""):
            return "ng"
        return "n"

    return re.sub("ṃ|ṁ", repl, latin)


@lru_cache(maxsize=65536)
def _brahmic_to_latin(word: str, script: str) -> str:
    for a, b in _PRE[script]:
        word = word.replace(a, b)
    word = _delete_schwa(word, script)
    source = sanscript.BENGALI if script == BENGALI else sanscript.DEVANAGARI
    iast = sanscript.transliterate(word, source, sanscript.IAST)
    iast = unicodedata.normalize("NFC", iast)
    iast = iast.replace("jñ", "gy").replace("ch", "\x01").replace("c", "ch").replace("\x01", "chh")
    iast = re.sub("ṅ(?![kg])", "ng", _anusvara(iast))  # ङ: तामाङ Tamang, गुरुङ Gurung; गङ्गा Ganga
    if script == BENGALI:  # ব is b, but w after s, t, d, j (স্বপন Swapan, বিশ্বাস Biswas); ফ is f (রফিক Rafiq)
        iast = re.sub("(?<=[sśṣtṭdḍj])v", "w", iast).replace("v", "b").replace("ph", "f")
    latin = _latin_word(iast)
    if script == BENGALI:  # ওয়া is wa (ওয়াহিদ Wahid), a first ইয়া ya (ইয়াসমিন Yasmin)
        latin = latin.replace("oya", "wa")
        latin = latin[1:] if latin.startswith("iya") else latin
    return latin


def _latin_word(word: str) -> str:
    """Lower-case ASCII letters of a Latin word; IAST/ISO 15919 letters as Latin names write them (ś→sh)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", word.lower()).translate(_IAST_ASCII))
    decomposed = decomposed.replace("ß", "ss")
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


def _to_latin(word: str, script: str) -> str:
    return _latin_word(word) if script == LATIN else _brahmic_to_latin(word, script)


def transliterate(text: str) -> tuple[str, str]:
    """``text`` in lower-case ASCII Latin words (honorifics kept) and its script. Words of an unsupported
    script are left out of the Latin; the script then says "unsupported"."""
    words = _words(text or "")
    script = _script_of({s for _, s in words})
    latin = [_to_latin(w, s) for w, s in words if s != UNSUPPORTED]
    return " ".join(w for w in latin if w), script


# ------------------------------------------------------------------------------------ phonetic key

_DIGRAPHS = (
    ("chh", "C"), ("ch", "C"), ("sh", "s"), ("kh", "k"), ("gh", "g"), ("jh", "j"), ("th", "t"), ("dh", "d"),
    ("ph", "f"), ("bh", "b"), ("rh", "r"), ("zh", "j"), ("ck", "k"), ("q", "k"), ("x", "ks"), ("z", "j"),
    ("c", "k"), ("C", "c"),
)
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65536)
def phonetic_key(word: str) -> str:
    """A consonant skeleton of one Latin word: Khatun, Khatoon, khatun → "ktn"; Sheikh, Shaikh, Sk → "sk"."""
    word = _latin_word(word)
    if not word:
        return ""
    if len(word) > 2 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]  # Abdullah/Abdulla, Shah/Sha, Miah/Mia
    for a, b in _DIGRAPHS:
        word = word.replace(a, b)
    word = re.sub(r"(.)\1+", r"\1", word)  # Mohammad/Mohamad, Hossain/Hosain, Uddin/Udin
    chars: list[str] = []
    for i, ch in enumerate(word):
        if ch in "vw":
            before = word[i - 1] if i else ""
            after = word[i + 1] if i + 1 < len(word) else ""
            if before in ("s", "t", "d", "j"):
                continue  # Swapan/Sapan, Biswas/Bishwas, Dwip/Dip
            if ch == "w" and ((before == "o" and after not in _VOWELS) or (before == "a" and not after)):
                continue  # Chowdhury/Choudhury, Shaw/Sha
            ch = "b"
        chars.append(ch)
    if not chars:
        return ""
    first = "a" if chars[0] in _VOWELS else chars[0]
    return first + "".join(ch for ch in chars[1:] if ch not in _VOWELS)


# ------------------------------------------------------------------------------------ the name


@dataclass(frozen=True)
class NormalisedName:
    original: str  # as given, stripped
    script: str  # "latin" | "bengali" | "devanagari" | "mixed" | "unsupported" | "empty"
    latin: str  # lower-case ASCII words, honorifics/prefixes removed, e.g. "rohima khatun"
    given: str  # the words before the family name, e.g. "rohima"
    family: str  # last word if >1 words else "", e.g. "khatun"
    phonetic: str  # space-joined per-word phonetic keys, sorted
    tokens: tuple[str, ...]  # the latin words
    usable: bool  # False for empty or unsupported-script names
    problem: str  # "" or "empty", "unsupported_script", "no_letters"


def _unusable(original: str, script: str, problem: str) -> NormalisedName:
    return NormalisedName(original, script, "", "", "", "", (), False, problem)


def _key(tokens: list[str]) -> str:
    return " ".join(sorted(k for k in map(phonetic_key, tokens) if k))


def _strip_honorifics(words: list[str]) -> list[str]:
    kept = [EXPAND.get(w, w) for w in words if w not in DROP]
    while len(kept) > 1 and (
        (kept[0] in MUHAMMAD)
        or (kept[0] in TITLE_OR_NAME and len(kept) > 2)
    ):
        kept = kept[1:]
    return kept or [EXPAND.get(w, w) for w in words]


def normalise_name(text: str | None) -> NormalisedName:
    original = (text or "").strip()
    if not original:
        return _unusable(original, EMPTY, "empty")
    words = _words(original)
    script = _script_of({s for _, s in words})
    if script == UNSUPPORTED:
        return _unusable(original, script, "unsupported_script")
    latin_words: list[str] = []
    by_script: dict[str, list[str]] = {}
    for word, s in words:
        latin = (NATIVE.get(word) if s != LATIN else None) or _to_latin(word, s)
        if latin:
            latin_words.append(latin)
            by_script.setdefault(s, []).append(latin)
    if not latin_words:
        return _unusable(original, EMPTY if not words else script, "no_letters")
    tokens = _strip_honorifics(latin_words)
    if len(by_script) > 1:
        # The same name written twice, in two scripts ("Rahima রহিমা"): keep one writing, the Latin one.
        versions = {s: _strip_honorifics(ws) for s, ws in by_script.items()}
        if len({_key(ws) for ws in versions.values()}) == 1:
            tokens = versions.get(LATIN) or next(iter(versions.values()))
    if len(tokens) == 1:
        given, family = tokens[0], ""
    elif len(tokens) == 2 and tokens[0] in LINEAGE_FIRST:
        given, family = tokens[1], tokens[0]
    else:
        given, family = " ".join(tokens[:-1]), tokens[-1]
    phonetic = _key(tokens)
    return NormalisedName(original=original, script=script, latin=" ".join(tokens), given=given, family=family,
                          phonetic=phonetic, tokens=tuple(tokens), usable=True, problem="")


def name_similarity(a: NormalisedName, b: NormalisedName) -> float:
    """Jaro-Winkler similarity (rapidfuzz) of two names' Latin forms, 0..1, whichever is higher of the words
    as written and the words sorted (so "Khatun Rohima" is "Rohima Khatun"); 0 when either is not usable."""
    if not (a.usable and b.usable):
        return 0.0
    as_written = JaroWinkler.similarity(a.latin, b.latin)
    return max(as_written, JaroWinkler.similarity(" ".join(sorted(a.tokens)), " ".join(sorted(b.tokens))))
