"""The generalisation algorithm on its own, over random tables (no database)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from safetynet.research import export
from safetynet.research.kanon import Hierarchy, anonymise


def _letter(value, level):
    return (value,) if level == 0 else ((value[0],) if level == 1 else ("",))


def _number(value, level):
    return (str(value),) if level == 0 else ("",)


HIERARCHIES = [Hierarchy("word", ("word",), ("word", "first letter", "not shown"), _letter),
               Hierarchy("number", ("number",), ("number", "not shown"), _number)]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("k", [2, 5, 11])
def test_every_group_has_at_least_k_rows_and_the_rows_add_up(seed, k):
    rng = random.Random(seed)
    words = ["".join(rng.choice("abc") for _ in range(3)) for _ in range(rng.randint(1, 15))]
    records = Counter((rng.choice(words), rng.randint(0, rng.randint(0, 9))) for _ in range(rng.randint(0, 400)))
    result = anonymise(records, HIERARCHIES, k=k, max_suppressed_share=rng.choice([0.0, 0.05, 0.2]))
    assert all(n >= k for n in result.groups.values())
    assert result.kept + result.suppressed == result.total == sum(records.values())
    assert all(0 <= level <= h.top for h, level in zip(HIERARCHIES, result.levels, strict=True))


def test_nothing_is_generalised_when_the_table_is_already_k_anonymous():
    result = anonymise(Counter({("abc", 1): 20, ("abd", 2): 11}), HIERARCHIES, k=11)
    assert result.levels == [0, 0] and result.suppressed == 0 and result.steps == []


def test_generalising_one_column_rescues_rare_rows_instead_of_dropping_them():
    # Twelve rows split over two numbers: dropping the number makes one group of 12.
    result = anonymise(Counter({("abc", 1): 6, ("abc", 2): 6}), HIERARCHIES, k=11, max_suppressed_share=0)
    assert result.levels == [0, 1] and result.groups == {("abc", ""): 12} and result.suppressed == 0


def test_rows_rarer_than_k_at_the_top_level_are_suppressed_and_counted():
    result = anonymise(Counter({("abc", 1): 5}), HIERARCHIES, k=11)
    assert result.groups == {} and result.suppressed == 5 and result.levels == [2, 1]


def test_the_ctdc_hierarchies():
    assert export._year(2025, 0) == ("2025",) and export._year(2025, 1) == ("2025-2026",)
    assert export._year(2016, 1) == ("2014-2018",) and export._year(2024, 1) == ("2023-2024",)
    assert export._year(2025, 2) == ("",) and export._year(None, 0) == ("",)
    assert export._age("12-17", 0) == ("12--17", "Minor") and export._age("26-40", 1) == ("", "Adult")
    assert export._age("unknown", 0) == ("", "")
    assert export._citizenship("BD", 0) == ("BD", "Asia") and export._citizenship("BD", 1) == ("", "Asia")
    assert export._place("IN-WB", 0) == ("IN", "IN-WB") and export._place("IN-WB", 1) == ("IN", "")
    both = frozenset({export.SEXUAL, export.LABOUR, export.MARRIAGE})
    assert export._exploitation(both, 0) == ("1", "1", "0", "1", "1", "0", "0",
                                             "Sexual exploitation;Forced labour;Forced marriage")
    assert export._exploitation(both, 1) == ("1", "1", "1", "1", "", "", "", "")
    assert export._exploitation(frozenset(), 0) == ("",) * 8
