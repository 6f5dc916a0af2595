"""De-duplicating a large list (issue 6): linkage.dedupe's large-input path and
linkage.dedupe_to_file, on a small synthetic list forced through that path (``large=True``) so
the tests stay small. Truth known (safetynet.matching.synthetic). No database. The scale itself
(1,000,000 records) is measured by bench/matching_scale.py, never by a timed test."""

from __future__ import annotations

import csv

import duckdb
import pytest

from safetynet.matching import linkage
from safetynet.matching.synthetic import generate

SEED = 2026


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@pytest.fixture(scope="module")
def people():
    """Both sides of the generator in one list: the same person entered twice, written
    differently (script, spelling, honorifics, age taken later); plus two records that cannot
    be used."""
    s = generate(400, seed=SEED)
    rows = s.left + s.right + [{"id": "no-name", "name": "  ", "age": 12},
                               {"id": "too-old", "name": "Rina Das", "age": 190}]
    return rows, {_key(a, b) for a, b in s.truth}


@pytest.fixture(scope="module")
def large(people):
    rows, _ = people
    return linkage.dedupe(rows, large=True, threads=2)


@pytest.fixture(scope="module")
def small(people):
    rows, _ = people
    return linkage.dedupe(rows, large=False)


def _scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / max(len(found), 1), hits / len(truth)


def test_the_large_path_finds_the_same_people_with_fewer_pairs_compared(people, large, small):
    """Measured (seed 2026, 400 people, 679 usable records, 279 true pairs): large path
    precision 1.0, recall 0.993, 607 pairs compared, fewer than under blocking_rules()."""
    _, truth = people
    precision, recall = _scores({_key(p.left_id, p.right_id) for p in large.pairs}, truth)
    assert precision >= 0.9, precision
    assert recall >= 0.9, recall
    _, recall_small = _scores({_key(p.left_id, p.right_id) for p in small.pairs}, truth)
    assert recall >= recall_small - 0.02, (recall, recall_small)
    assert 0 < large.comparisons < small.comparisons


def test_a_record_that_cannot_be_used_is_skipped_and_reported(large):
    reasons = {s.id: s.reason for s in large.skipped if not s.kept}
    assert reasons["no-name"] == "empty name"
    assert reasons["too-old"].startswith("impossible age")
    assert not any({"no-name", "too-old"} & {p.left_id, p.right_id} for p in large.pairs)


def test_pairs_explain_themselves_on_the_large_path(large):
    assert large.pairs == sorted(large.pairs, key=lambda p: -p.match_weight)
    assert all(p.match_probability >= 0.5 for p in large.pairs)
    pair = large.pairs[0]
    assert set(pair.fields) == set(linkage.FIELDS) == set(pair.levels)
    # the prior is the same for every pair: weight = prior + the fields' weights
    prior = pair.match_weight - sum(pair.fields.values())
    assert all(abs(p.match_weight - sum(p.fields.values()) - prior) < 0.01 for p in large.pairs)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_the_file_holds_the_same_pairs_best_first_and_no_names(people, large, tmp_path, suffix):
    rows, _ = people
    out = tmp_path / f"pairs{suffix}"
    counts = linkage.dedupe_to_file(rows, out, large=True, threads=2)

    assert counts.path == out
    assert counts.records == len(rows) - 2
    assert {s.id for s in counts.skipped if not s.kept} == {"no-name", "too-old"}
    assert counts.comparisons == large.comparisons
    assert counts.comparisons == sum(n for _rule, n in counts.blocking)
    assert len(counts.blocking) == len(linkage.dedupe_blocking_rules())
    assert counts.pairs == len(large.pairs)

    if suffix == ".csv":
        with out.open(newline="", encoding="utf-8") as fh:
            written = list(csv.DictReader(fh))
    else:
        rel = duckdb.sql(f"select * from '{out}'")  # noqa: S608 - a test's temp file
        written = [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
    assert len(written) == counts.pairs
    assert list(written[0]) == (["left_id", "right_id", "match_weight", "match_probability"]
                                + [f"weight_{f}" for f in linkage.FIELDS] + [f"level_{f}" for f in linkage.FIELDS])
    weights = [float(r["match_weight"]) for r in written]
    assert weights == sorted(weights, reverse=True)
    by_pair = {_key(p.left_id, p.right_id): p for p in large.pairs}
    assert {_key(r["left_id"], r["right_id"]) for r in written} == set(by_pair)
    for r in written[:50]:
        pair = by_pair[_key(r["left_id"], r["right_id"])]
        assert abs(float(r["match_probability"]) - pair.match_probability) < 1e-6
        for f in linkage.FIELDS:
            assert abs(float(r[f"weight_{f}"]) - pair.fields[f]) < 1e-3
            assert r[f"level_{f}"] == pair.levels[f]
    # the file is for matching, not a copy of the list: ids and scores, no names
    names = {row["name"] for row in rows if row.get("name")}
    assert not any(value in names for r in written for value in r.values())


def test_the_file_is_refused_before_any_work_when_it_cannot_be_written(people, tmp_path):
    rows, _ = people
    with pytest.raises(ValueError, match="parquet or .csv"):
        linkage.dedupe_to_file(rows, tmp_path / "pairs.xlsx")
    with pytest.raises(ValueError, match="no such folder"):
        linkage.dedupe_to_file(rows, tmp_path / "missing" / "pairs.csv")
    assert list(tmp_path.iterdir()) == []


def test_too_few_usable_records_give_an_empty_file_and_the_reasons(tmp_path):
    out = tmp_path / "pairs.csv"
    counts = linkage.dedupe_to_file([{"id": "a", "name": "Rina Das"}, {"id": "b", "name": ""}], out)
    assert (counts.records, counts.comparisons, counts.pairs) == (1, 0, 0)
    assert [(s.id, s.reason) for s in counts.skipped] == [("b", "empty name")]
    with out.open(newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["left_id", "right_id", "match_weight", "match_probability"]
                                        + [f"weight_{f}" for f in linkage.FIELDS]
                                        + [f"level_{f}" for f in linkage.FIELDS]]
    assert list(tmp_path.iterdir()) == [out]  # nothing left beside it


def test_above_train_max_rows_the_model_is_trained_on_a_sample_and_still_finds_them(people, large, monkeypatch):
    """The path a list above TRAIN_MAX_ROWS takes (2,000,000 in use; 500 here): train on a seeded
    sample, save the model, load it onto the whole list. Measured: precision 1.0, recall 0.993."""
    rows, truth = people
    monkeypatch.setattr(linkage, "TRAIN_MAX_ROWS", 500)
    sampled = linkage.dedupe(rows, large=True, threads=2)
    precision, recall = _scores({_key(p.left_id, p.right_id) for p in sampled.pairs}, truth)
    assert sampled.comparisons == large.comparisons  # the same pairs compared, another model
    assert precision >= 0.9, precision
    assert recall >= 0.85, recall
