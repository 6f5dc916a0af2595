"""Build safetynet/agencies/data/jurisdictions.csv from ../shared/data/geo.

Run once by a developer when the boundary files change; the CSV is committed so the app
needs no file outside the repository at run time. District names and Census 2011 codes
come from india-districts-2019-734.topo.json (DataMeet / Guneet Narula, MIT) and
nepal-districts.topo.json (Saugat Acharya, MIT). Bangladesh has no boundary file here;
its divisions and border districts are listed by hand from the Bangladesh Bureau of
Statistics names.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "geo"
OUT = ROOT / "safetynet" / "agencies" / "data" / "jurisdictions.csv"

INDIA_STATES = {  # name in the boundary file -> (short code, local name)
    "West Bengal": ("WB", "পশ্চিমবঙ্গ"),
    "Bihar": ("BR", "बिहार"),
    "Jharkhand": ("JH", "झारखंड"),
    "Andhra Pradesh": ("AP", "ఆంధ్ర ప్రదేశ్"),
    "Maharashtra": ("MH", "महाराष्ट्र"),
    "Goa": ("GA", "गोंय"),
    "Delhi": ("DL", "दिल्ली"),
}
BANGLADESH = {  # division -> districts on the West Bengal border
    ("Khulna", "KHL", "খুলনা"): ["Satkhira", "Jashore", "Jhenaidah", "Chuadanga", "Meherpur", "Kushtia"],
    ("Rajshahi", "RAJ", "রাজশাহী"): ["Rajshahi", "Chapai Nawabganj", "Naogaon", "Joypurhat"],
    ("Rangpur", "RNG", "রংপুর"): ["Dinajpur", "Thakurgaon", "Panchagarh", "Nilphamari", "Lalmonirhat",
                                  "Kurigram"],
}
NEPAL = {  # province -> districts bordering Bihar or West Bengal (names as in the boundary file)
    ("Koshi", "P1", "कोशी"): ["Jhapa", "Ilam", "Morang", "Sunsari"],
    ("Madhesh", "P2", "मधेश"): ["Saptari", "Siraha", "Dhanusa", "Mahottari", "Sarlahi", "Rautahat", "Bara",
                                "Parsa"],
    ("Bagmati", "P3", "बागमती"): ["Chitwan"],
    ("Lumbini", "P5", "लुम्बिनी"): ["Nawalparasi"],
}
# Police stations and border sectors the demo data and tests use: (district code, code, name, level)
STATIONS = [
    ("IN-WB-N24P", "BONG", "Bongaon Police Station", "station"),
    ("IN-WB-N24P", "BSRT", "Basirhat Police Station", "station"),
    ("IN-WB-N24P", "PTRP", "Petrapole border sector", "border_sector"),
    ("IN-WB-MURS", "JLNG", "Jalangi border sector", "border_sector"),
    ("IN-WB-DARJ", "PNTK", "Panitanki border sector (India–Nepal)", "border_sector"),
    ("IN-WB-S24P", "CANN", "Canning Police Station", "station"),
    ("IN-WB-KOLK", "SNGC", "Sonagachi (Shyampukur) Police Station", "station"),
    ("IN-BR-KISH", "KSGJ", "Kishanganj Town Police Station", "station"),
    ("IN-BR-KISH", "GLGL", "Galgalia border sector (India–Nepal)", "border_sector"),
    ("IN-BR-ECHA", "RXUL", "Raxaul border sector (India–Nepal)", "border_sector"),
    ("IN-MH-PUNE", "BDHW", "Budhwar Peth (Faraskhana) Police Station", "station"),
    ("IN-MH-MUMB", "KMTP", "Kamathipura (Nagpada) Police Station", "station"),
]


def short_code(name: str, taken: set[str]) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    if len(words) == 1:
        base = words[0][:4].upper()
    else:
        base = "".join(w if w.isdigit() else w[0] for w in words).upper()
        if len(base) < 3:
            base = (base + words[-1][1:4].upper())[:4]
    code, n = base, 2
    if code in taken:  # Madhepura / Madhubani: try first three letters + last letter
        code = (base[:3] + words[-1][-1]).upper()
    while code in taken:
        code = f"{base[:3]}{n}"
        n += 1
    taken.add(code)
    return code


def main() -> None:
    rows = [("IN", "India", "भारत", "country", "", "IN", ""),
            ("BD", "Bangladesh", "বাংলাদেশ", "country", "", "BD", ""),
            ("NP", "Nepal", "नेपाल", "country", "", "NP", "")]
    india = json.loads((GEO / "india-districts-2019-734.topo.json").read_text())
    geoms = next(iter(india["objects"].values()))["geometries"]
    for state, (scode, local) in INDIA_STATES.items():
        rows.append((f"IN-{scode}", state, local, "state", "IN", scode, ""))
        taken: set[str] = set()
        for g in sorted((g["properties"] for g in geoms if g["properties"]["st_nm"] == state),
                        key=lambda p: p["district"]):
            code = short_code(g["district"], taken)
            rows.append((f"IN-{scode}-{code}", g["district"], "", "district", f"IN-{scode}", code, g["dt_code"]))
    for (division, dcode, local), districts in BANGLADESH.items():
        rows.append((f"BD-{dcode}", division, local, "state", "BD", dcode, ""))
        taken = set()
        for name in districts:
            code = short_code(name, taken)
            rows.append((f"BD-{dcode}-{code}", name, "", "district", f"BD-{dcode}", code, ""))
    nepal = json.loads((GEO / "nepal-districts.topo.json").read_text())
    nepal_names = {g["properties"]["name"] for g in next(iter(nepal["objects"].values()))["geometries"]}
    for (province, pcode, local), districts in NEPAL.items():
        rows.append((f"NP-{pcode}", province, local, "state", "NP", pcode, ""))
        taken = set()
        for name in districts:
            assert name in nepal_names, name
            code = short_code(name, taken)
            rows.append((f"NP-{pcode}-{code}", name, "", "district", f"NP-{pcode}", code, ""))
    codes = {r[0] for r in rows}
    for district, code, name, level in STATIONS:
        assert district in codes, (district, sorted(c for c in codes if c.startswith(district[:6])))
        rows.append((f"{district}-{code}", name, "", level, district, code, ""))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "name_local", "level", "parent_code", "short_code", "census_code"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} jurisdictions to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
