"""The trafficking network as a graph (networkx): suspects, the phones, vehicles, bank
accounts and names they share, their cases and the places of those cases — only what the user
may see. Connected groups are ranked by how many suspects and cases they join; the picture is
an SVG drawn here (no JavaScript, no tile server), with codes, never names.

Places are drawn but do not connect a group: two cases in one district are not thereby one
network (every case of a district would be), so groups are found without them."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from django.utils.html import escape
from django.utils.translation import pgettext_lazy

from safetynet.cases.models import Case, CaseParty

from .models import SuspectIndicator

# Short labels inside the small circles of the picture.
KIND_LABEL = {"phone": pgettext_lazy("network node", "tel"), "vehicle": pgettext_lazy("network node", "veh"),
              "bank": pgettext_lazy("network node", "acct"), "name": pgettext_lazy("network node", "name")}


@dataclass
class Group:
    suspects: list[str] = field(default_factory=list)  # person codes
    cases: list[tuple[str, str]] = field(default_factory=list)  # (reference, public id)
    shared: dict[str, int] = field(default_factory=dict)  # indicator kind -> how many shared
    svg: str = ""


def build_graph(cases) -> nx.Graph:
    """Suspects of ``cases`` (a visible queryset) with their cases and shared indicators."""
    graph = nx.Graph()
    parties = list(CaseParty.objects.filter(case__in=cases, role=CaseParty.Role.SUSPECT)
                   .select_related("person", "case", "case__jurisdiction"))
    for p in parties:
        graph.add_node(f"p{p.person_id}", kind="suspect", label=p.person.code)
        graph.add_node(f"c{p.case_id}", kind="case", label=p.case.reference, public_id=str(p.case.public_id),
                       place=p.case.jurisdiction_id)
        graph.add_edge(f"p{p.person_id}", f"c{p.case_id}")
    persons = {p.person_id for p in parties}
    by_digest: dict[tuple[str, str], set[int]] = {}
    for person_id, kind, digest in SuspectIndicator.objects.filter(person_id__in=persons) \
            .values_list("person_id", "kind", "digest"):
        by_digest.setdefault((kind, digest), set()).add(person_id)
    for n, ((kind, _digest), people) in enumerate(sorted(by_digest.items(), key=lambda kv: kv[0])):
        if len(people) < 2:
            continue  # only what links two suspects is drawn
        node = f"i{n}"
        graph.add_node(node, kind=kind, label=str(KIND_LABEL.get(kind, kind)))
        for person_id in people:
            graph.add_edge(node, f"p{person_id}")
    return graph


def groups(cases, limit: int = 20) -> list[Group]:
    graph = build_graph(cases)
    found = []
    for component in nx.connected_components(graph):
        sub = graph.subgraph(component)
        suspects = sorted(d["label"] for _n, d in sub.nodes(data=True) if d["kind"] == "suspect")
        case_nodes = sorted((d["label"], d["public_id"]) for _n, d in sub.nodes(data=True) if d["kind"] == "case")
        shared: dict[str, int] = {}
        for _n, d in sub.nodes(data=True):
            if d["kind"] not in ("suspect", "case"):
                shared[d["kind"]] = shared.get(d["kind"], 0) + 1
        if len(suspects) < 2:
            continue  # a lone suspect is not a network
        found.append(Group(suspects, case_nodes, shared, _svg(_with_places(sub))))
    found.sort(key=lambda g: (-len(g.suspects), -len(g.cases), g.suspects))
    return found[:limit]


def _with_places(sub: nx.Graph) -> nx.Graph:
    """The group's picture also shows where its cases are (one node per place)."""
    from safetynet.agencies.models import Jurisdiction

    drawn = nx.Graph(sub)
    places = {d["place"] for _n, d in sub.nodes(data=True) if d["kind"] == "case"}
    names = dict(Jurisdiction.objects.filter(pk__in=places).values_list("pk", "name"))
    for node, d in list(sub.nodes(data=True)):
        if d["kind"] == "case":
            drawn.add_node(f"j{d['place']}", kind="place", label=names.get(d["place"], ""))
            drawn.add_edge(node, f"j{d['place']}")
    return drawn


def _svg(sub: nx.Graph, size: int = 320) -> str:
    pos = nx.spring_layout(sub, seed=7)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)

    def at(node) -> tuple[float, float]:
        x, y = pos[node]
        return (30 + (x - min(xs)) / span * (size - 60), 30 + (y - min(ys)) / span * (size - 60))

    parts = [f'<svg viewBox="0 0 {size} {size}" width="100%" role="img" aria-label="network group">']
    for a, b in sub.edges():
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#8c959f"/>')
    for node, d in sub.nodes(data=True):
        x, y = at(node)
        label = escape(d["label"])
        if d["kind"] == "suspect":
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#cf222e"><title>{label}</title></circle>'
                         f'<text x="{x:.1f}" y="{y + 20:.1f}" font-size="8" text-anchor="middle">'
                         f'{label[-6:]}</text>')
        elif d["kind"] == "place":
            parts.append(f'<polygon points="{x:.1f},{y - 10:.1f} {x + 10:.1f},{y + 8:.1f} {x - 10:.1f},{y + 8:.1f}" '
                         f'fill="#1a7f37"><title>{label}</title></polygon><text x="{x:.1f}" y="{y + 20:.1f}" '
                         f'font-size="8" text-anchor="middle">{label[:18]}</text>')
        elif d["kind"] == "case":
            parts.append(f'<rect x="{x - 9:.1f}" y="{y - 9:.1f}" width="18" height="18" fill="#0969da">'
                         f'<title>{label}</title></rect><text x="{x:.1f}" y="{y + 21:.1f}" font-size="8" '
                         f'text-anchor="middle">{label[-9:]}</text>')
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="#fff8c5" stroke="#9a6700">'
                         f'<title>{escape(d["kind"])}</title></circle><text x="{x:.1f}" y="{y + 4:.1f}" '
                         f'font-size="9" text-anchor="middle">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def visible_cases(user):
    from safetynet.access import policy

    return Case.objects.visible_to(user, policy.Cap.LEGAL_VIEW)
