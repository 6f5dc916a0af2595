"""One new record against a table with a model trained once (safetynet.matching.realtime), on
synthetic people with known truth. Correctness only: speed is measured in
bench/matching_scale.py, never here. No database."""

from __future__ import annotations

import json

import pytest

from safetynet.matching import linkage, realtime
from safetynet.matching.synthetic import generate

SEED = 61


@pytest.fixture(scope="module")
def people():
    return generate(300, seed=SEED)


@pytest.fixture(scope="module")
def model_path(people, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.json"
    realtime.train_model(people.left + people.right, path)
    return path


@pytest.fixture(scope="module")
def index(people, model_path):
    return realtime.Index(people.left, model_path)


def test_model_is_saved_in_splinks_format(model_path):
    model = json.loads(model_path.read_text(encoding="utf-8"))
    assert model["link_type"] == "dedupe_only"
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert names == list(linkage.FIELDS) == ["given", "family", "sex", "birth_year", "district", "id_number",
                                             "address"]
    # trained: every non-null level has an m and a u
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] > 0 and level["u_probability"] > 0


def test_known_matches_are_found_for_new_records(people, index):
    truth = {right: left for left, right in people.truth}
    new = [row for row in people.right if row["id"] in truth][:30]
    found = 0
    for row in new:
        pairs, skipped = index.candidates(row)
        assert skipped is None
        assert all(p.left_id == row["id"] for p in pairs)
        assert all(p.right_id != row["id"] for p in pairs)
        if any(p.right_id == truth[row["id"]] for p in pairs):
            found += 1
    assert found >= 0.85 * len(new)


def test_the_best_candidate_explains_itself(people, index):
    truth = {right: left for left, right in people.truth}
    row = next(r for r in people.right if r["id"] in truth and not any("\u0900" <= c <= "\u097f" for c in r["name"]))
    pairs, _ = index.candidates(row)
    best = next(p for p in pairs if p.right_id == truth[row["id"]])
    assert best.match_probability >= 0.5
    assert set(best.fields) == set(linkage.FIELDS)
    assert best.fields["given"] > 0


def test_a_record_in_the_table_finds_itself_under_a_new_id(people, index):
    row = dict(people.left[0])
    pairs, _ = index.candidates(row)  # same id as a row in the table: scored as a new record
    assert pairs and pairs[0].right_id == row["id"] and pairs[0].left_id == row["id"]


def test_an_unusable_record_is_reported_not_raised(index):
    pairs, skipped = index.candidates({"id": "X1", "name": "", "age": 14})
    assert pairs == [] and skipped is not None and skipped.reason == "empty name"


def test_someone_nobody_has_gets_no_candidate(index):
    pairs, skipped = index.candidates({"id": "X2", "name": "Zbigniew Wojciechowski", "sex": "m", "age": 51,
                                       "age_year": 2022, "district": "Pune"})
    assert skipped is None and pairs == []


def test_training_needs_two_records():
    with pytest.raises(ValueError):
        realtime.train_model([{"name": "Rahima Khatun"}])


def test_the_prefilter_finds_what_splinks_blocking_finds(people, model_path, index):
    whole = realtime.Index(people.left, model_path, prefilter=False)
    for row in people.right[:25]:
        fast, _ = index.candidates(row)
        slow, _ = whole.candidates(row)
        assert [(p.right_id, round(p.match_weight, 3)) for p in fast] == \
            [(p.right_id, round(p.match_weight, 3)) for p in slow]


def test_the_prefilter_follows_the_date_of_birth_and_document_number_rules(tmp_path):
    """Blocking on the same date of birth and the same document number (linkage.blocking_rules)
    is in realtime._block_keys too: a record that shares nothing but its number is found."""
    people = generate(200, seed=SEED, documents=0.8)
    path = tmp_path / "model.json"
    realtime.train_model(people.left + people.right, path)
    fast_index = realtime.Index(people.left, path)
    whole = realtime.Index(people.left, path, prefilter=False)
    for row in people.right[:20]:
        fast, _ = fast_index.candidates(row, threshold=0.0)
        slow, _ = whole.candidates(row, threshold=0.0)
        assert [(p.right_id, round(p.match_weight, 3)) for p in fast] == \
            [(p.right_id, round(p.match_weight, 3)) for p in slow]
    known = next(r for r in people.left if r.get("id_number") and r.get("date_of_birth"))
    stranger = {"id": "X3", "name": "Zbigniew Wojciechowski", "id_number": known["id_number"]}
    by_number, _ = fast_index.candidates(stranger, threshold=0.0)
    stranger = {"id": "X4", "name": "Zbigniew Wojciechowski", "date_of_birth": known["date_of_birth"]}
    by_date, _ = fast_index.candidates(stranger, threshold=0.0)
    assert known["id"] in {p.right_id for p in by_number}
    assert known["id"] in {p.right_id for p in by_date}
    assert whole.candidates(stranger, threshold=0.0)[0] == by_date


def test_the_prefilter_follows_the_address_rule(people, tmp_path):
    """Blocking on the same address (linkage.blocking_rules, for an address few records give) is
    in realtime._block_keys too."""
    left = [{**row, "address": f"{n} Station Road, Basirhat"} for n, row in enumerate(people.left)]
    right = [{**row, "address": f"{n} Station Road, Basirhat"} for n, row in enumerate(people.right)]
    path = tmp_path / "model.json"
    realtime.train_model(left + right, path)
    fast_index = realtime.Index(left, path)
    whole = realtime.Index(left, path, prefilter=False)
    known = left[7]
    stranger = {"id": "X5", "name": "Zbigniew Wojciechowski", "address": known["address"]}
    by_address, _ = fast_index.candidates(stranger, threshold=0.0)
    assert known["id"] in {p.right_id for p in by_address}
    assert whole.candidates(stranger, threshold=0.0)[0] == by_address
