"""Which agencies a tip goes to.

1. Routing rules (``RoutingRule``) set for the tip's place or the nearest place above it
   that has any: those agencies, and only those (an administrator's override).
2. Otherwise the AHTU responsible for the place: the nearest AHTU up the tree (the
   district's); where the district has none, every AHTU of the state (the state unit
   covers it). A tip from a border sector also goes to the border-force posts of that
   sector, who can stop a vehicle before it crosses.
An empty result means nobody covers the place: the tip is kept and flagged for an
administrator (``unrouted``), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from safetynet.agencies.models import Agency, Jurisdiction

from .models import RoutingRule

BORDER_TYPES = (Agency.Type.BORDER_BSF, Agency.Type.BORDER_SSB)


def _chain(place: Jurisdiction) -> list[Jurisdiction]:
    """The place and every place above it, nearest first."""
    paths = []
    parts = place.path.strip("/").split("/")
    for i in range(len(parts), 0, -1):
        paths.append("/".join(parts[:i]) + "/")
    by_path = {j.path: j for j in Jurisdiction.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


# Routing reads the place chain, the rules and the agencies: remembered per place for a
# minute (a new routing rule or agency applies within a minute), because every tip needs it.
ROUTE_SECONDS = 60
_route_cache: dict[int, tuple[float, list[tuple[Agency, str]]]] = {}


def route(place: Jurisdiction) -> list[tuple[Agency, str]]:
    """(agency, reason) pairs for a tip from ``place``."""
    import time

    cached = _route_cache.get(place.pk)
    if cached is not None and time.monotonic() - cached[0] < ROUTE_SECONDS:
        return cached[1]
    found = _route(place)
    _route_cache[place.pk] = (time.monotonic(), found)
    return found


def clear_cache() -> None:
    _route_cache.clear()
    _places.clear()


@dataclass(frozen=True)
class Place:
    """What intake needs to know about a place without reading it from the database."""

    pk: int
    level: str
    district_short_code: str  # the reference prefix: the district's, else the place's own


_places: dict[str, Place] = {}
_places_loaded_at = [0.0]


def place_for_code(code: str) -> Place | None:
    """The place with this code, from a per-process table of every place (one query a
    minute): the public form checks the district on every POST."""
    import time

    if not _places or time.monotonic() - _places_loaded_at[0] > ROUTE_SECONDS:
        rows = list(Jurisdiction.objects.values_list("pk", "code", "level", "path", "short_code"))
        district_by_path = {path: short for _pk, _c, level, path, short in rows
                            if level == Jurisdiction.Level.DISTRICT}
        table = {}
        for pk, code_, level, path, short in rows:
            parts = path.strip("/").split("/")
            ancestors = ["/".join(parts[:i]) + "/" for i in range(len(parts), 0, -1)]
            district = next((district_by_path[p] for p in ancestors if p in district_by_path), short)
            table[code_] = Place(pk, level, district)
        _places.clear()
        _places.update(table)
        _places_loaded_at[0] = time.monotonic()
    return _places.get(code)


def _route(place: Jurisdiction) -> list[tuple[Agency, str]]:
    chain = _chain(place)
    rules = RoutingRule.objects.filter(jurisdiction__in=chain, is_active=True, agency__is_active=True) \
        .select_related("agency", "jurisdiction")
    by_place: dict[int, list[RoutingRule]] = {}
    for rule in rules:
        by_place.setdefault(rule.jurisdiction_id, []).append(rule)
    for node in chain:
        if node.pk in by_place:
            return [(r.agency, f"routing rule for {node.name}") for r in by_place[node.pk]]

    routed: list[tuple[Agency, str]] = []
    ahtus = Agency.objects.filter(agency_type=Agency.Type.AHTU, is_active=True)
    for node in chain:
        found = list(ahtus.filter(jurisdiction=node))
        if found:
            routed += [(a, f"AHTU for {node.name}") for a in found]
            break
    if not routed:
        state = place.ancestor(Jurisdiction.Level.STATE)
        if state is not None:
            routed += [(a, f"AHTU in {state.name} (no AHTU for the district)")
                       for a in ahtus.filter(jurisdiction__path__startswith=state.path).order_by("short_code")]
    sector = place.ancestor(Jurisdiction.Level.BORDER_SECTOR)
    if sector is not None:
        routed += [(a, f"border-force post for {sector.name}")
                   for a in Agency.objects.filter(agency_type__in=BORDER_TYPES, is_active=True,
                                                  jurisdiction__path__startswith=sector.path)]
    seen: set[int] = set()
    return [(a, why) for a, why in routed if not (a.pk in seen or seen.add(a.pk))]  # type: ignore[func-returns-value]
