"""Endpoint table rows for the research app (same contract as test_endpoints.py, which imports this list).

Research data is for research.data holders (the researcher) alone: everyone else, the M&E
officer who also sees /stats/ included, gets 404 for every page, download and release.
"""

from __future__ import annotations

from django.urls import reverse

from .test_endpoints import PAGE, Endpoint, Expect

NOT_RESEARCHERS_404 = (
    Expect("me_officer", 404, why="stats.view, but no research.data"), Expect("ahtu_n24p", 404),
    Expect("ngo_n24p", 404), Expect("reporter", 404), Expect("admin", 404), Expect("outsider", 404),
)
NO_RECORD = ("{victim_name}", "{victim_native}", "{victim_code}", "{case_ref}", "{case_title}")


def _release(c):
    """A release of the researcher's (ε 0.1 of the year's budget)."""
    if not hasattr(c, "_research_release"):
        from django.utils import timezone

        from safetynet.research.services import release_counts

        year = timezone.localdate().year
        c._research_release = release_counts(actor=c.users["researcher"], dimensions=["type"], year_from=year,
                                             year_to=year, epsilon="0.1")
    return c._research_release


def _year(c) -> int:
    from django.utils import timezone

    return timezone.localdate().year


ENDPOINTS: list[Endpoint] = [
    Endpoint("research:home", "GET", PAGE, lambda c: reverse("research:home"),
             allowed=Expect("researcher", 200, contains=("k = 11", "Download the CSV"), absent=NO_RECORD),
             denied=NOT_RESEARCHERS_404),
    Endpoint("research:export", "GET", PAGE, lambda c: reverse("research:export"),
             allowed=Expect("researcher", 200, contains=("# SafetyNet de-identified victim-level export",
                                                         "yearOfRegistration,gender"), absent=NO_RECORD),
             denied=NOT_RESEARCHERS_404),
    Endpoint("research:aggregates", "GET", PAGE, lambda c: reverse("research:aggregates"),
             allowed=Expect("researcher", 200, contains=('name="epsilon"', "left of ε 3.00")),
             denied=NOT_RESEARCHERS_404),
    Endpoint("research:aggregates", "POST", PAGE, lambda c: reverse("research:aggregates"),
             data=lambda c: {"dimensions": ["year", "type"], "year_from": _year(c), "year_to": _year(c),
                             "epsilon": "0.25"},
             allowed=Expect("researcher", 302, location="/research/aggregates/"),
             denied=NOT_RESEARCHERS_404),
    Endpoint("research:release", "GET", PAGE, lambda c: reverse("research:release", args=[_release(c).public_id]),
             allowed=Expect("researcher", 200, contains=("ε 0.10", "Victims (noisy)"), absent=NO_RECORD),
             denied=NOT_RESEARCHERS_404),
    Endpoint("research:release_csv", "GET", PAGE,
             lambda c: reverse("research:release_csv", args=[_release(c).public_id]),
             allowed=Expect("researcher", 200, contains=("epsilon = 0.10", "type,count")),
             denied=NOT_RESEARCHERS_404),
    Endpoint("research:compare", "GET", PAGE, lambda c: reverse("research:compare"),
             allowed=Expect("researcher", 200, contains=("CTDC, exploited in Asia", "NCRB, India 2018")),
             denied=NOT_RESEARCHERS_404),
]
