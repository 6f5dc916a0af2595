"""After the name key changes, `rebuild_suspect_indicators` makes stored suspects meet new ones again."""

from __future__ import annotations

import io

from django.core.management import call_command

from safetynet.prosecution.models import SuspectIndicator


def test_rebuild_restores_the_name_hashes(n24p_case):
    suspect = n24p_case.parties.get(role="suspect").person
    before = set(SuspectIndicator.objects.filter(person=suspect).values_list("kind", "digest"))
    assert ("name" in {k for k, _d in before})
    SuspectIndicator.objects.filter(person=suspect, kind="name").update(digest="stale-hash-from-an-old-key")
    out = io.StringIO()
    call_command("rebuild_suspect_indicators", stdout=out)
    assert "Re-indexed" in out.getvalue()
    assert set(SuspectIndicator.objects.filter(person=suspect).values_list("kind", "digest")) == before
