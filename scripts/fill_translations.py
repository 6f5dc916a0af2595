"""Fill a language's django.po from translation files a translator produced.

Usage: python scripts/fill_translations.py LANG FILE [FILE ...]
Each FILE is JSON: a list of {"msgid": ..., "msgstr": ...} or, for plurals,
{"msgid": ..., "msgid_plural": ..., "msgstr_plural": [one, other]}. Placeholders
(%(name)s, %s, {name}) must match the msgid exactly; entries that do not are reported
and left untranslated rather than shipped broken.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")
ROOT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def main() -> int:
    lang, files = sys.argv[1], sys.argv[2:]
    path = ROOT / "safetynet" / "locale" / lang / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    given: dict[str, dict] = {}
    for f in files:
        for item in json.loads(Path(f).read_text()):
            given[item["msgid"]] = item
    problems = 0
    for entry in po:
        item = given.get(entry.msgid)
        if item is None:
            continue
        if entry.msgid_plural:
            forms = item.get("msgstr_plural") or []
            if len(forms) != 2 or any(placeholders(x) != placeholders(entry.msgid_plural) for x in forms):
                print(f"[{lang}] plural placeholders differ: {entry.msgid!r}")
                problems += 1
                continue
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            text = item.get("msgstr", "")
            if not text or placeholders(text) != placeholders(entry.msgid):
                print(f"[{lang}] missing or placeholders differ: {entry.msgid!r}")
                problems += 1
                continue
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Language"] = lang
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    untranslated = len(po.untranslated_entries())
    print(f"[{lang}] {len(po.translated_entries())} translated, {untranslated} untranslated, {problems} problems")
    return 1 if problems or untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
