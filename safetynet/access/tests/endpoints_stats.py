"""Endpoint table rows for the stats app: the dashboard and its exports (same contract as test_endpoints.py).

Who holds stats.view (policy.py): AHTU officers and heads, the M&E officer, the researcher. They see
counts, never records; everybody else (community reporter, NGO caseworker, police officer, the
administrator, a user with no membership) gets 404, for the page and for every export.
"""

from __future__ import annotations

from django.urls import reverse

from .test_endpoints import PAGE, Endpoint, Expect

NO_STATS = (
    Expect("reporter", 404, why="a community reporter has no stats.view"),
    Expect("ngo_n24p", 404, why="an NGO caseworker has no stats.view"),
    Expect("police_bongaon", 404, why="a police station officer has no stats.view"),
    Expect("admin", 404), Expect("outsider", 404),
)
FILTERED = "?state=IN-WB&preset=custom&start=2020-01-01"

ENDPOINTS: list[Endpoint] = [
    Endpoint("stats:home", "GET", PAGE, lambda c: reverse("stats:home") + FILTERED,
             allowed=Expect("me_officer", 200, contains=("West Bengal", "from 1 Jan 2020", 'id="fig-cases"'),
                            absent=("{case_ref}", "{victim_code}", "{victim_name}")),
             denied=(*NO_STATS, Expect("ahtu_n24p", 200, contains=('id="fig-cases"',), absent=("{case_ref}",),
                                       why="an AHTU officer holds stats.view: counts, no case"))),
    Endpoint("stats:export_csv", "GET", PAGE, lambda c: reverse("stats:export_csv") + FILTERED,
             allowed=Expect("researcher", 200, contains=("table,title,row,value", "cases_figures"),
                            absent=("{case_ref}", "{victim_code}", "{victim_name}")),
             denied=NO_STATS),
    Endpoint("stats:export_xlsx", "GET", PAGE, lambda c: reverse("stats:export_xlsx") + FILTERED,
             allowed=Expect("me_officer", 200, contains=("PK",)),
             denied=NO_STATS),
    Endpoint("stats:report_pdf", "GET", PAGE, lambda c: reverse("stats:report_pdf") + FILTERED,
             allowed=Expect("head_n24p", 200, contains=("%PDF",)),
             denied=NO_STATS),
]
