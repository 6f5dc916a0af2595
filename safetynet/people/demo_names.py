"""Name pools for demo data: Bengali script with the Latin spellings field staff actually
write (Md./Mohammad, Khatun/Khatoon, Mst./Mosammat), and Devanagari pairs from a subset of
the CMU Indian Names Corpus (CC BY 3.0, see docs/data-credits.md). Deterministic given a
random.Random seed."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

# (Bengali script, Latin spellings seen for the same name)
BENGALI_GIVEN_F = [
    ("রহিমা", ["Rahima", "Rohima", "Raheema"]), ("ফাতেমা", ["Fatema", "Fatima", "Fatma"]),
    ("আমিনা", ["Amina", "Ameena"]), ("শাহানা", ["Shahana", "Sahana"]), ("নাসরিন", ["Nasrin", "Nasreen"]),
    ("রুমা", ["Ruma", "Rooma"]), ("পূজা", ["Puja", "Pooja"]), ("মৌসুমী", ["Mousumi", "Moushumi", "Mausumi"]),
    ("সুমিত্রা", ["Sumitra", "Shumitra"]), ("রিনা", ["Rina", "Reena"]), ("লক্ষ্মী", ["Lakshmi", "Laxmi", "Lokkhi"]),
    ("আয়েশা", ["Ayesha", "Aysha", "Aisha"]), ("সালমা", ["Salma", "Shalma"]), ("মিনতি", ["Minati", "Minoti"]),
]
BENGALI_GIVEN_M = [
    ("রফিক", ["Rafiq", "Rafik", "Rofik"]), ("আব্দুল", ["Abdul", "Abdool"]), ("করিম", ["Karim", "Kareem"]),
    ("সুব্রত", ["Subrata", "Shubroto"]), ("বিশ্বজিৎ", ["Biswajit", "Bishwajit"]), ("জাহাঙ্গীর", ["Jahangir", "Jahangeer"]),
    ("শফিকুল", ["Shafiqul", "Safikul"]), ("অমিত", ["Amit", "Omit"]),
]
BENGALI_FAMILY_F = [("খাতুন", ["Khatun", "Khatoon"]), ("বেগম", ["Begum", "Begam"]), ("বিবি", ["Bibi"]),
                    ("দাস", ["Das", "Dash"]), ("মণ্ডল", ["Mondal", "Mandal"]), ("সরকার", ["Sarkar", "Sircar"])]
BENGALI_FAMILY_M = [("শেখ", ["Sheikh", "Shaikh", "Sk."]), ("মণ্ডল", ["Mondal", "Mandal"]),
                    ("ইসলাম", ["Islam"]), ("দাস", ["Das"]), ("ঘোষ", ["Ghosh", "Ghose"]), ("রায়", ["Roy", "Ray"])]
HONORIFIC_F = ["Mst.", "Mosammat", "Smt.", "Kumari", ""]
HONORIFIC_M = ["Md.", "Mohammad", "Mohd.", "Sri", ""]
HINDI_FAMILY = [("कुमारी", "Kumari"), ("खातून", "Khatoon"), ("देवी", "Devi"), ("यादव", "Yadav"), ("मंडल", "Mandal"),
                ("साह", "Sah"), ("पासवान", "Paswan"), ("आलम", "Alam"), ("थापा", "Thapa"), ("तमांग", "Tamang")]


@lru_cache(maxsize=1)
def hindi_pairs() -> list[tuple[str, str]]:
    path = Path(__file__).resolve().parent / "data" / "names_hi.tsv"
    pairs = []
    for line in path.read_text().splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        latin, deva = line.split("\t", 1)
        pairs.append((deva.strip(), latin.strip()))
    return pairs


def bengali_name(rng: random.Random, sex: str) -> dict:
    female = sex != "male"
    given, given_latin = rng.choice(BENGALI_GIVEN_F if female else BENGALI_GIVEN_M)
    family, family_latin = rng.choice(BENGALI_FAMILY_F if female else BENGALI_FAMILY_M)
    honorific = rng.choice(HONORIFIC_F if female else HONORIFIC_M)
    spellings = [f"{g} {f}" for g in given_latin for f in family_latin]
    latin = rng.choice(spellings)
    aliases = [s for s in spellings if s != latin][:2]
    return {"name_native": f"{given} {family}",
            "name_latin": f"{honorific} {latin}".strip(), "aliases": aliases}


def hindi_name(rng: random.Random, sex: str) -> dict:
    given, given_latin = rng.choice(hindi_pairs())
    family, family_latin = rng.choice(HINDI_FAMILY)
    return {"name_native": f"{given} {family}", "name_latin": f"{given_latin} {family_latin}", "aliases": []}


def name_for_place(rng: random.Random, sex: str, state_code: str) -> dict:
    if state_code in {"WB", "KHL", "RAJ", "RNG"}:
        return bengali_name(rng, sex)
    return hindi_name(rng, sex)


def phone(rng: random.Random, country: str = "IN") -> str:
    if country == "BD":
        return f"+880 1{rng.randint(3, 9)}{rng.randint(10_000_000, 99_999_999)}"
    if country == "NP":
        return f"+977 98{rng.randint(10_000_000, 99_999_999)}"
    return f"+91 {rng.choice('6789')}{rng.randint(100_000_000, 999_999_999)}"
