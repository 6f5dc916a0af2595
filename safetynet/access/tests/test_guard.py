"""The guard: views, API modules and templates never query a sensitive model directly.

Every read of a case, person, identity or grant in code that serves HTTP starts from
``Model.objects.visible_to(user, action)`` or an ``access.lookups.get_<model>_for``
(DESIGN.md, "Access model", point 4). This file fails when a view, API module, URL
module or template reaches past that, and when the administration site registers a model
that holds case or identity data.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]  # safetynet/
REPO = ROOT.parent

SENSITIVE = frozenset({"Case", "CaseParty", "CaseNote", "Person", "PersonIdentity", "IdentityTombstone",
                       "AccessGrant", "FirstInformationReport", "Accused", "CourtCase", "Hearing",
                       "WitnessAttendance", "Compensation"})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})

# (file, enclosing function, code the use starts with) -> why it is acceptable.
ALLOWED_DIRECT: dict[tuple[str, str, str], str] = {
    ("safetynet/cases/views.py", "_detail_context", "AccessGrant.objects.active().filter(case=case)"): (
        "lists who else may work on one case; `case` was fetched with get_case_for(), so the user already "
        "sees the case and only that case's active grants (user name and kind, no identity) are shown"),
}


# --------------------------------------------------------------------------- Python modules


def _is_http_module(path: Path) -> bool:
    name = path.name
    return (name in {"urls.py", "api_urls.py", "admin.py", "admin_site.py"} or name.startswith(("views", "api"))
            or path.parent.name in {"views", "api"})


def http_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if _is_http_module(p) and "tests" not in p.parts and "migrations" not in p.parts)


@dataclass(frozen=True)
class Use:
    path: str
    line: int
    function: str
    model: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.code}"


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _sensitive_names(tree: ast.AST) -> dict[str, str]:
    """Local name -> model, following ``from x import Case as C`` anywhere in the module."""
    names = {m: m for m in SENSITIVE}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in SENSITIVE:
                    names[alias.asname or alias.name] = alias.name
    return names


def _model_of(node: ast.AST, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute) and node.attr in SENSITIVE:  # models.Case, cases.models.Case
        return node.attr
    return None


def _chain_top(node: ast.AST, parents) -> ast.AST:
    """The whole `X.objects.a().b(...)` expression a manager access belongs to."""
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call) and parent.func is node):
            node = parent
        else:
            return node


def _function(node: ast.AST, parents) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return node.name
    return "<module>"


def direct_uses(source: str, path: str = "<string>") -> list[Use]:
    """Every access to a sensitive model's manager that does not go straight into visible_to()."""
    tree = ast.parse(source)
    parents = _parents(tree)
    names = _sensitive_names(tree)
    found = []
    for node in ast.walk(tree):
        model = None
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _model_of(node.value, names)
            if model:
                parent, grand = parents.get(node), parents.get(parents.get(node))
                if (isinstance(parent, ast.Attribute) and parent.attr == "visible_to"
                        and isinstance(grand, ast.Call) and grand.func is parent):
                    continue
        elif isinstance(node, ast.Call):  # apps.get_model("cases", "Case") / get_model("people.Person")
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname == "get_model":
                args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                model = next((m for a in args for m in SENSITIVE if a.split(".")[-1].lower() == m.lower()), None)
        if model:
            code = ast.get_source_segment(source, _chain_top(node, parents)) or ast.unparse(node)
            found.append(Use(path, node.lineno, _function(node, parents), model, " ".join(code.split())))
    return found


def _is_allowed(use: Use) -> bool:
    return any(use.path == path and use.function == func and use.code.startswith(code)
               for path, func, code in ALLOWED_DIRECT)


def _all_uses() -> list[Use]:
    uses = []
    for path in http_modules():
        uses += direct_uses(path.read_text(), str(path.relative_to(REPO)))
    return uses


def test_the_guard_reads_the_modules_that_serve_http():
    scanned = {str(p.relative_to(REPO)) for p in http_modules()}
    for expected in ("safetynet/cases/views.py", "safetynet/cases/api.py", "safetynet/people/views.py",
                     "safetynet/people/api.py", "safetynet/stats/views.py", "safetynet/core/views.py",
                     "safetynet/api_urls.py", "safetynet/urls.py"):
        assert expected in scanned


def test_views_and_api_modules_query_sensitive_models_only_through_visible_to():
    offending = [str(u) for u in _all_uses() if not _is_allowed(u)]
    assert not offending, ("views/API modules must start from Model.objects.visible_to(user, action) or "
                           "access.lookups.get_<model>_for():\n" + "\n".join(offending))


def test_every_allowlisted_direct_use_still_exists():
    uses = _all_uses()
    for (path, func, code), reason in ALLOWED_DIRECT.items():
        assert reason.strip()
        assert any(u.path == path and u.function == func and u.code.startswith(code) for u in uses), (
            f"stale guard allowlist entry: {path} {func}() {code}")


@pytest.mark.parametrize(("source", "flagged"), [
    ("from .models import Case\ndef v(r):\n    return Case.objects.filter(pk=1)", ["Case"]),
    ("from .models import Case\ndef v(r):\n    return Case.objects.visible_to(r.user).filter(pk=1)", []),
    ("from x.models import Person as P\ndef v(r):\n    return P.objects.get(pk=1)", ["Person"]),
    ("from x import models\ndef v(r):\n    return models.CaseNote._default_manager.all()", ["CaseNote"]),
    ("from x.models import PersonIdentity\nq = PersonIdentity.objects", ["PersonIdentity"]),
    ("from x.models import Case\ndef v(r):\n    m = Case.objects\n    return m.visible_to(r.user)", ["Case"]),
    ("from django.apps import apps\nM = apps.get_model('people', 'Person')", ["Person"]),
    ("from django.apps import apps\nM = apps.get_model('people.IdentityTombstone')", ["IdentityTombstone"]),
    ("from x.models import Agency\ndef v(r):\n    return Agency.objects.all()", []),
    ("from x import f\ndef v(r):\n    return f(r).parties.all()", []),
])
def test_the_guard_catches_what_it_should(source, flagged):
    assert [u.model for u in direct_uses(source)] == flagged


# --------------------------------------------------------------------------- templates

# Lookups that reach past the access layer from a template (a related manager or the vault).
LEAKY_ATTRS = {
    "objects": "a model manager: unscoped query",
    "_default_manager": "a model manager: unscoped query",
    "_base_manager": "a model manager: unscoped query",
    "identity": "the encrypted identity row: identity is shown only from get_identity_for() (AccessEvent)",
    "tombstone": "the erasure tombstone of a person",
    "case_parties": "every case a person is in, including cases outside the user's scope",
    "access_grants": "who holds which grant: listed only for a case the user sees, from the view",
    "decrypted": "vault decryption without an AccessEvent",
    "get_field": "vault decryption without an AccessEvent",
    "get_photo": "vault decryption without an AccessEvent",
    "body_enc": "ciphertext",
}
_LOOKUP = re.compile(r"\b[A-Za-z_]\w*(?:\.\w+)+")


def templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.html") if "tests" not in p.parts and "static" not in p.parts)


def leaky_lookups(text: str) -> list[str]:
    """Dotted lookups in {{ }} and {% %} that reach a manager, the vault or a leaking relation."""
    found = []
    for token in Lexer(text).tokenize():
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        for lookup in _LOOKUP.findall(re.sub(r"(\"[^\"]*\"|'[^']*')", "", token.contents)):
            for attr in lookup.split(".")[1:]:
                if attr in LEAKY_ATTRS or attr.endswith(("_set", "_enc")):
                    found.append(f"line {token.lineno}: {lookup} ({LEAKY_ATTRS.get(attr, 'reverse manager')})")
    return found


def test_the_template_guard_reads_the_templates():
    names = {p.name for p in templates()}
    assert {"case_detail.html", "person_detail.html", "_identity.html", "base.html"} <= names


def test_templates_do_not_reach_past_the_access_layer():
    offending = []
    for path in templates():
        offending += [f"{path.relative_to(REPO)} {hit}" for hit in leaky_lookups(path.read_text())]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize(("text", "hits"), [
    ("{{ person.identity.get_field }}", 2),
    ("{% for c in person.case_parties.all %}{% endfor %}", 1),
    ("{% for n in case.casenote_set.all %}{% endfor %}", 1),
    ("{{ view.Case.objects.count }}", 1),
    ("{% if person.identity_erased_at %}erased{% endif %}", 0),
    ('<div class="identity">{{ identity.name_latin }}</div>', 0),
    ("{% translate 'person.identity' %}", 0),
])
def test_the_template_guard_catches_what_it_should(text, hits):
    assert len(leaky_lookups(text)) == hits


# --------------------------------------------------------------------------- admin site


def test_admin_site_registers_no_case_or_identity_model():
    from safetynet.access.models import AccessGrant
    from safetynet.cases.models import Case, CaseNote, CaseParty
    from safetynet.core.admin_site import site
    from safetynet.people.models import IdentityTombstone, Person, PersonIdentity

    forbidden = {Person, PersonIdentity, CaseNote, CaseParty, Case, IdentityTombstone, AccessGrant}
    registered = set(site._registry)
    assert not registered & forbidden, sorted(m.__name__ for m in registered & forbidden)
    inlines = {inline.model for admin in site._registry.values() for inline in admin.inlines}
    assert not inlines & forbidden, sorted(m.__name__ for m in inlines & forbidden)


def test_the_only_admin_mounted_is_the_capability_admin():
    from django.urls import resolve

    from safetynet.core.admin_site import site

    assert resolve("/admin/").func.admin_site is site
