"""Field staff work in their language: Hindi, Bengali and Nepali catalogues are complete,
compiled, up to date with the code, and switch the pages."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGS = ["hi", "bn", "ne"]
pytestmark = pytest.mark.django_db


def parse_po(path: Path) -> dict[str, list[str]]:
    """msgid -> msgstr forms, from the .po text (header excluded). An entry with a context
    (pgettext) is keyed "context\x04msgid", as gettext stores it in the .mo file."""
    entries: dict[str, list[str]] = {}
    msgid, forms, current, fuzzy = None, [], None, False
    context = ""
    text = path.read_text()

    def unquote(line: str) -> str:
        return line[line.index('"') + 1: line.rindex('"')].encode().decode("unicode_escape").encode(
            "latin-1").decode("utf-8")

    def flush():
        nonlocal context
        if msgid:  # the header has an empty msgid
            entries[f"{context}\x04{msgid}" if context else msgid] = ["FUZZY"] if fuzzy else forms
        context = ""
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            flush()
            msgid, forms, current, fuzzy = None, [], None, True
            continue
        if line.startswith("msgid "):
            if current != "ctx":
                flush()
                fuzzy = fuzzy if msgid is None and forms == [] else False
            msgid, forms, current = unquote(line), [], "id"
        elif line.startswith("msgctxt"):
            was_fuzzy = fuzzy and msgid is None
            flush()
            msgid, forms, current, fuzzy = None, [], "ctx", was_fuzzy
            context = unquote(line)
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr"):
            forms.append(unquote(line))
            current = "str"
        elif line.startswith('"') and current == "id":
            msgid = (msgid or "") + unquote(line)
        elif line.startswith('"') and current == "str":
            forms[-1] += unquote(line)
        elif not line:
            flush()
            msgid, forms, current, fuzzy = None, [], None, False
    return entries


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang):
    entries = parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")
    assert len(entries) > 200
    untranslated = [k for k, forms in entries.items() if forms == ["FUZZY"] or not all(forms)]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_the_po_file(lang):
    entries = parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [k for k, forms in entries.items() if len(forms) == 1 and compiled.gettext(k) != forms[0]]
    assert stale == [], "run `make messages` to recompile"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext tools are installed by `make test`")
def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """Re-extract the strings from the code; none may be missing from the committed catalogue."""
    root = LOCALE.parent
    work = tmp_path / "safetynet"
    shutil.copytree(root, work, ignore=shutil.ignore_patterns("tests", "__pycache__", "locale", "static"))
    (work / "locale").mkdir()
    # No DJANGO_SETTINGS_MODULE: the copy's own locale/ is written, never the real one.
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "hi", "--ignore", "conftest.py"],
                   cwd=work, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin"})
    fresh = set(parse_po(work / "locale" / "hi" / "LC_MESSAGES" / "django.po"))
    committed = set(parse_po(LOCALE / "hi" / "LC_MESSAGES" / "django.po"))
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"


@pytest.mark.parametrize("lang,username_label,sign_in", [
    ("bn", "ব্যবহারকারীর নাম", "সাইন ইন"),
])
def test_login_page_switches_language(world, lang, username_label, sign_in):
    client = Client()
    client.post("/i18n/setlang/", {"language": lang, "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{lang}">' in page
    assert username_label in page and sign_in in page


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_changes_the_login_page(world, lang):
    client = Client()
    client.post("/i18n/setlang/", {"language": lang})
    page = client.get("/accounts/login/").content.decode()
    english = Client().get("/accounts/login/").content.decode()
    label = re.search(r'<label for="id_username">(.*?)</label>', page).group(1)
    assert label != re.search(r'<label for="id_username">(.*?)</label>', english).group(1)
