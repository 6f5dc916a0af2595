"""k-anonymity by greedy full-domain generalisation, then suppression.

The input is a table of records already counted: ``{(value of QI 1, value of QI 2, ...): n}``
(the export groups victims by their exact quasi-identifiers first, so the algorithm works on a
few thousand distinct combinations even for a million victims). Each quasi-identifier has a
generalisation hierarchy: level 0 is the value as recorded, each higher level is coarser, and
the last level says nothing at all (the cell is left empty).

Algorithm (a greedy variant of Sweeney's Datafly, "full-domain": one level per
quasi-identifier for the whole table, so every row of a column is at the same precision):

1. Start with every quasi-identifier at level 0.
2. Group the records by their generalised values. Rows in a group smaller than ``k`` are
   "at risk".
3. If the rows at risk are at most ``max_suppressed_share`` of all rows, stop.
4. Otherwise try raising each quasi-identifier (that can still go up) by one level, and keep
   the raise that rescues the most rows at risk per unit of detail lost: a hierarchy's
   ``weight`` says how much researchers lose when it gets coarser (gender and age matter more
   than the recruiter's relation), spread over its levels. Without a weight, or when no raise
   rescues any row, the fewest rows at risk wins (ties: the first in the hierarchy order,
   which lists the least useful quasi-identifiers first). Go to 2.
5. Drop (suppress) the rows still in groups smaller than ``k``; count them.

Every group in the result has at least ``k`` rows, whatever the input: step 5 guarantees it,
and ``tests/test_kanon.py`` proves it on random data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hierarchy:
    """One quasi-identifier: its output columns and how a value reads at each level."""

    name: str
    columns: tuple[str, ...]
    levels: tuple[str, ...]  # what each level means, e.g. ("year", "band of years", "not shown")
    generalise: Callable[[Any, int], tuple[str, ...]]  # (raw value, level) -> one string per column
    weight: float = 1.0  # what researchers lose when this column gets coarser (all of it, over its levels)

    @property
    def top(self) -> int:
        return len(self.levels) - 1


@dataclass
class Result:
    k: int
    hierarchies: Sequence[Hierarchy]
    levels: list[int]
    groups: dict[tuple[str, ...], int]  # generalised row (all columns, in hierarchy order) -> rows
    total: int
    suppressed: int
    steps: list[str] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return self.total - self.suppressed

    @property
    def columns(self) -> list[str]:
        return [c for h in self.hierarchies for c in h.columns]

    def level_labels(self) -> list[tuple[str, str]]:
        return [(h.name, h.levels[level]) for h, level in zip(self.hierarchies, self.levels, strict=True)]


def _generalised(records: Mapping[tuple, int], hierarchies: Sequence[Hierarchy], levels: Sequence[int],
                 cache: dict) -> Counter:
    groups: Counter = Counter()
    for values, n in records.items():
        key: list[str] = []
        for i, (h, value) in enumerate(zip(hierarchies, values, strict=True)):
            memo = (i, value, levels[i])
            cell = cache.get(memo)
            if cell is None:
                cell = cache[memo] = h.generalise(value, levels[i])
            key.extend(cell)
        groups[tuple(key)] += n
    return groups


def _at_risk(groups: Counter, k: int) -> int:
    return sum(n for n in groups.values() if n < k)


def anonymise(records: Mapping[tuple, int], hierarchies: Sequence[Hierarchy], k: int,
              max_suppressed_share: float = 0.05) -> Result:
    if k < 2:
        raise ValueError("k must be at least 2")
    records = {values: n for values, n in records.items() if n > 0}
    total = sum(records.values())
    allowed = int(total * max_suppressed_share)
    levels = [0] * len(hierarchies)
    cache: dict = {}
    steps: list[str] = []
    groups = _generalised(records, hierarchies, levels, cache)
    while (risk_now := _at_risk(groups, k)) > allowed:
        best = None
        for i, h in enumerate(hierarchies):
            if levels[i] >= h.top:
                continue
            trial = list(levels)
            trial[i] += 1
            trial_groups = _generalised(records, hierarchies, trial, cache)
            risk = _at_risk(trial_groups, k)
            # Rows rescued per unit of detail lost (higher is better), then fewer rows at risk.
            score = ((risk_now - risk) / (h.weight / h.top), -risk)
            if best is None or score > best[0]:
                best = (score, i, trial, trial_groups)
        if best is None:  # everything at its top level: only suppression is left
            break
        _score, i, levels, groups = best
        steps.append(f"{hierarchies[i].name} -> {hierarchies[i].levels[levels[i]]}")
    kept = {key: n for key, n in groups.items() if n >= k}
    return Result(k=k, hierarchies=hierarchies, levels=levels, groups=kept, total=total,
                  suppressed=total - sum(kept.values()), steps=steps)
