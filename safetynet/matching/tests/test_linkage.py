"""The linkage engine (safetynet.matching.linkage) and manage.py link_csv, on synthetic people
with known truth (safetynet.matching.synthetic), on DuckDB and, once, on Spark in local mode.
No database."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safetynet.matching import linkage
from safetynet.matching.linkage import Skipped, dedupe, link, prepare
from safetynet.matching.synthetic import generate, write_csv

SEED = 2026


def _scores(result, truth: set[tuple[str, str]]) -> tuple[float, float]:
    found = {(p.left_id, p.right_id) for p in result.pairs}
    true_positives = len(found & truth)
    return true_positives / max(len(found), 1), true_positives / len(truth)


@pytest.fixture(scope="module")
def people():
    return generate(400, seed=SEED)


@pytest.fixture(scope="module")
def linked(people):
    return link(people.left, people.right)


# ------------------------------------------------------------------------------ preparing records


def test_an_age_becomes_a_birth_year_with_the_year_it_was_taken():
    rows, skipped = prepare([
        {"id": "a", "name": "Rohima Khatoon", "age": "about 14", "age_year": 2022},
        {"id": "b", "name": "রহিমা খাতুন", "age": 16, "age_year": "2024"},
        {"id": "c", "name": "Rahima Khatun", "birth_year": "2008", "age": 99},  # the birth year wins
        {"id": "d", "name": "Rahima", "age": "१४"},  # Devanagari digits; this year by default
    ], reference_year=2025)
    assert skipped == []
    by_id = {r["unique_id"]: r for r in rows}
    assert by_id["a"]["birth_year"] == by_id["b"]["birth_year"] == by_id["c"]["birth_year"] == 2008
    assert by_id["d"]["birth_year"] == 2011
    assert by_id["a"]["name_key"] == by_id["b"]["name_key"] == by_id["c"]["name_key"]


def test_prepared_rows_carry_the_fields_splink_compares():
    (row,), _ = prepare([{"name": "Mst. Rohima Khatoon", "other_names": "Munni; Rahima Begum", "sex": "Female",
                          "father_name": "Late Abdul Karim Sheikh", "district": "north 24 parganas district"}])
    assert row["unique_id"] == "1"  # no id: the row's number
    assert row["name_latin"] == "rohima khatoon" and row["given"] == "rohima" and row["family"] == "khatoon"
    assert row["given_phonetic"] and row["family_phonetic"] and row["name_phonetic"]
    assert len(row["other_phonetics"]) == 3  # Munni, Munni Khatun, Rahima Begum
    assert row["father_latin"] and row["father_phonetic"]
    assert row["sex"] == "f"
    assert (row["district"], row["state"]) == ("IN-WB-N24P", "IN-WB")


def test_a_district_is_resolved_by_name_code_or_spelling():
    assert linkage.district("IN-MH-PUNE") == ("IN-MH-PUNE", "IN-MH")
    assert linkage.district("PUNE District") == ("IN-MH-PUNE", "IN-MH")
    assert linkage.district("पुणे") == ("IN-MH-PUNE", "IN-MH")
    assert linkage.district("Aurangabad") == ("aurangabad", None)  # in Bihar and in Maharashtra
    assert linkage.district("Somewhere Else") == ("somewhere else", None)
    assert linkage.district("") == (None, None)


def test_records_it_cannot_use_are_skipped_with_the_reason_and_never_crash():
    rows, skipped = prepare([
        {"id": "ok", "name": "Puja Kumari", "age": 15},
        {"id": "empty", "name": "   "},
        {"id": "none"},
        {"id": "tamil", "name": "முருகன் செல்வி"},
        {"id": "old", "name": "Rina Das", "age": 130},
        {"id": "negative", "name": "Rina Das", "age": "-2"},
        {"id": "born", "name": "Rina Das", "birth_year": 1850},
        {"id": "when", "name": "Rina Das", "age": 12, "age_year": 3020},
        {"id": "ok", "name": "Puja Kumari"},  # the same id again
        {"id": "odd", "name": 12345, "age": object(), "sex": ["f"], "other_names": 7},
        {"id": "unknown age", "name": "Rina Das", "age": "not known"},
    ], reference_year=2025)
    reasons = {s.id: s.reason for s in skipped}
    assert reasons == {
        "empty": "empty name", "none": "empty name", "tamil": "name in an unsupported script",
        "old": "impossible age (130)", "negative": "impossible age (-2)", "born": "impossible birth year (1850)",
        "when": "impossible year the age was taken (3020)", "ok": "duplicate id", "odd": "name has no letters",
    }
    assert [r["unique_id"] for r in rows] == ["ok", "unknown age"]
    assert rows[1]["birth_year"] is None


def test_a_date_of_birth_is_read_in_every_documented_layout_and_gives_the_birth_year():
    rows, skipped = prepare([
        {"id": "iso", "name": "Rina Das", "date_of_birth": "2008-05-14", "age": 30},  # the date wins over age
        {"id": "dmy", "name": "Rina Das", "date_of_birth": "14/05/2008", "birth_year": 1990},  # and over birth_year
        {"id": "dash", "name": "Rina Das", "date_of_birth": "14-5-2008"},
        {"id": "bengali", "name": "রিনা দাস", "date_of_birth": "১৪/০৫/২০০৮"},
        {"id": "devanagari", "name": "रीना दास", "date_of_birth": "२००८-०५-१४"},
        {"id": "spreadsheet", "name": "Rina Das", "date_of_birth": "2008-05-14 00:00:00"},
        {"id": "month", "name": "Rina Das", "date_of_birth": "2008-05"},  # partial: the year only
        {"id": "unknown", "name": "Rina Das", "date_of_birth": "not known", "age": 14},
    ], reference_year=2022)
    assert skipped == []
    by_id = {r["unique_id"]: (r["date_of_birth"], r["birth_year"]) for r in rows}
    assert by_id == {"iso": ("2008-05-14", 2008), "dmy": ("2008-05-14", 2008), "dash": ("2008-05-14", 2008),
                     "bengali": ("2008-05-14", 2008), "devanagari": ("2008-05-14", 2008),
                     "spreadsheet": ("2008-05-14", 2008), "month": (None, 2008), "unknown": (None, 2008)}


def test_a_date_of_birth_that_cannot_be_read_is_reported_and_the_record_still_used():
    """Decision (docs/matching.md): one mistyped date must not drop a missing child from the
    run. A date that cannot be read is left out and reported (Skipped with kept=True); an
    impossible day or month keeps the year; only an impossible year skips the record, as an
    impossible birth year always has."""
    rows, skipped = prepare([
        {"id": "words", "name": "Rina Das", "date_of_birth": "14 yrs", "age": 14},
        {"id": "feb31", "name": "Rina Das", "date_of_birth": "31/02/2008"},
        {"id": "month13", "name": "Rina Das", "date_of_birth": "2008-13"},
        {"id": "old", "name": "Rina Das", "date_of_birth": "1850-01-01"},
        {"id": "future", "name": "Rina Das", "date_of_birth": "2030-01-01"},
    ], reference_year=2022)
    assert {(s.id, s.reason, s.kept) for s in skipped} == {
        ("words", "date of birth not read (14 yrs); used without it", True),
        ("feb31", "impossible date of birth (31/02/2008); only the year used", True),
        ("month13", "impossible month of birth (2008-13); only the year used", True),
        ("old", "impossible date of birth (1850-01-01)", False),
        ("future", "impossible date of birth (2030-01-01)", False)}
    by_id = {r["unique_id"]: (r["date_of_birth"], r["birth_year"]) for r in rows}
    assert by_id == {"words": (None, 2008), "feb31": (None, 2008), "month13": (None, 2008)}


def test_an_impossible_birth_year_is_judged_against_the_records_own_year():
    # FEBRL's records were made in 2008; a person born in 1900 was 108 then, not 126 today
    rows, skipped = prepare([
        {"id": "then", "name": "Rina Das", "birth_year": 1900, "age_year": 2008},
        {"id": "dob", "name": "Rina Das", "date_of_birth": "1900-03-01", "age_year": 2008},
        {"id": "today", "name": "Rina Das", "birth_year": 1900},
    ], reference_year=2026)
    assert [r["unique_id"] for r in rows] == ["then", "dob"]
    assert skipped == [Skipped("today", "impossible birth year (1900)")]


def test_a_document_number_is_kept_as_uppercase_letters_and_digits():
    rows, _ = prepare([{"id": str(n), "name": "Rina Das", "id_number": value} for n, value in enumerate([
        "1234 5678-9012", "১২৩৪ ৫৬৭৮ ৯০১২", "ab-12 34/x", "N/A", "0", "000000", "none", ""])])
    assert [r["id_number"] for r in rows] == ["123456789012", "123456789012", "AB1234X", None, None, None, None,
                                              None]


def test_dates_of_birth_and_document_numbers_are_learnt_and_explained():
    """With a full date of birth and a document number for 80% of the people (each side written
    differently: other layouts, day and month swapped, a day off, a digit mistyped)."""
    people = generate(400, seed=SEED, documents=0.8)
    result = link(people.left, people.right, threshold=0.0)
    precision, recall = _scores(linkage.LinkResult([p for p in result.pairs if p.match_probability >= 0.5], [], 0),
                                people.truth)
    assert precision >= 0.99 and recall >= 0.99, (precision, recall)  # measured 1.000 and 1.000
    weight: dict[tuple[str, str], list[float]] = {}
    for p in result.pairs:
        for f in ("birth_year", "id_number"):
            weight.setdefault((f, p.levels[f]), []).append(p.fields[f])
    first = {key: values[0] for key, values in weight.items()}
    assert first["id_number", "same number"] > 8
    assert first["id_number", "1 or 2 characters off"] > 3
    assert first["id_number", "different"] < -3
    assert first["birth_year", "same date of birth"] > first["birth_year", "same year"] > 0
    assert first["birth_year", "date of birth with day and month swapped"] > 0
    assert first["birth_year", "date of birth 1 character off"] > 0
    assert first["birth_year", "more than 3 years apart"] < -3
    # the pair whose sides swapped day and month is found, and says so
    swapped = [p for p in result.pairs if p.levels["birth_year"] == "date of birth with day and month swapped"]
    assert any((p.left_id, p.right_id) in people.truth and p.match_probability >= 0.5 for p in swapped)


def test_a_link_with_unusable_records_reports_them_and_still_links():
    left = [{"id": "1", "name": "Rohima Khatoon", "age": 14, "age_year": 2022, "sex": "F", "district": "Murshidabad",
             "father_name": "Abdul Karim"},
            {"id": "2", "name": ""}, {"id": "3", "name": "Rina Das", "age": 200}]
    right = [{"id": "x", "name": "রহিমা খাতুন", "age": 16, "age_year": 2024, "sex": "F", "district": "IN-WB-MURS",
              "father_name": "আব্দুল করিম"},
             {"id": "y", "name": "ராணி"}]
    result = link(left, right, threshold=0.0)  # one pair: too few to learn from, but scored
    assert {(s.side, s.id, s.reason) for s in result.skipped} == {
        ("left", "2", "empty name"), ("left", "3", "impossible age (200)"),
        ("right", "y", "name in an unsupported script")}
    assert [(p.left_id, p.right_id) for p in result.pairs] == [("1", "x")]
    assert result.comparisons == 1


def test_nothing_to_link_is_an_empty_result_not_an_error():
    assert link([], [{"name": "Rina"}]) == linkage.LinkResult([], [], 0)
    result = dedupe([{"id": "a", "name": ""}, {"id": "b", "name": "Rina"}])
    assert result.pairs == [] and result.skipped == [Skipped("a", "empty name")] and result.comparisons == 0


# ------------------------------------------------------------------------------ linking, known truth


def test_cross_script_linkage_meets_precision_and_recall_floors(people, linked):
    """400 people, 60% written in Devanagari on the right, with honorifics, respellings, ages
    taken years apart, places written differently or missing, siblings; measured precision
    1.000 and recall 0.993 (seed 2026; 1.000 and 0.978 before the scoring change of 2026-11-30)."""
    precision, recall = _scores(linked, people.truth)
    assert precision >= 0.95, precision
    assert recall >= 0.95, recall
    assert linked.comparisons < len(people.left) * len(people.right) / 50  # blocking: not every pair


def test_each_pair_keeps_every_fields_weight_and_level(linked):
    pair = linked.pairs[0]
    assert set(pair.fields) == set(pair.levels) == set(linkage.FIELDS)
    assert pair.match_weight > 0 and 0.5 <= pair.match_probability <= 1
    assert all(isinstance(w, float) for w in pair.fields.values())
    # the prior plus the fields' weights is the pair's weight (term-frequency adjustments included)
    prior = min(p.match_weight - sum(p.fields.values()) for p in linked.pairs)
    assert all(abs(p.match_weight - sum(p.fields.values()) - prior) < 0.01 for p in linked.pairs)
    assert pair.levels["birth_year"] in {"same year", "within 1 year", "within 3 years", "more than 3 years apart",
                                         "missing"}
    assert linked.pairs == sorted(linked.pairs, key=lambda p: -p.match_weight)


def test_bengali_script_with_its_few_common_names_is_harder_but_above_a_floor():
    """A third of the people Bengali, from a pool of 22 given and 9 family names (many
    different girls are called Rahima Khatun): measured precision 0.990, recall 0.990 (before
    the scoring change of 2026-11-30: 0.889 and 0.983)."""
    people = generate(400, seed=SEED, bengali_share=0.3)
    precision, recall = _scores(link(people.left, people.right), people.truth)
    assert precision >= 0.97, precision
    assert recall >= 0.95, recall


def test_bengali_households_at_the_benchmarks_size_keep_precision():
    """The cross-script benchmark's data (1,500 people, seed 1, 30% Bengali households), where
    namesakes with other fathers and birth years far apart came out certain (precision 0.57):
    measured precision 0.940, recall 0.977 (F1 0.958). Namesakes and siblings must not be the
    same person; what remains are namesakes of the same age in the same district."""
    people = generate(1500, seed=1, bengali_share=0.3)
    result = link(people.left, people.right)
    precision, recall = _scores(result, people.truth)
    assert precision >= 0.93, precision
    assert recall >= 0.95, recall
    assert 2 * precision * recall / (precision + recall) >= 0.95
    wrong = [p for p in result.pairs if (p.left_id, p.right_id) not in people.truth]
    assert not [p for p in wrong if p.levels["family"] == "same family name, another father"
                and p.levels["birth_year"] == "more than 3 years apart"]


def test_dedupe_finds_the_same_person_entered_twice(people):
    # the left list plus a second entry, written as the right side wrote it, for 40 of its people
    right_of = {left: right for left, right in people.truth}
    rows = {r["id"]: r for r in people.right}
    twice = [dict(rows[right_of[r["id"]]], id=f"again-{r['id']}") for r in people.left if r["id"] in right_of][:40]
    truth = {(r["id"].removeprefix("again-"), r["id"]) for r in twice}
    result = dedupe(people.left + twice)
    found = {tuple(sorted((p.left_id, p.right_id), key=lambda i: i.startswith("again-"))) for p in result.pairs}
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / max(len(found), 1)
    assert recall >= 0.9, recall
    assert precision >= 0.8, precision


# ------------------------------------------------------------------------------ link_csv


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("link_csv", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_link_csv_links_two_files_and_writes_every_pair_with_its_weights(tmp_path: Path):
    people = generate(120, seed=5)
    left = write_csv(people.left, tmp_path / "reports.csv")
    # the right file: no id column (row numbers), other column names as people write them
    right = tmp_path / "found.csv"
    with right.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Other names", "Sex", "Age", "Age year", "District", "Father's name"])
        for r in people.right:
            writer.writerow([r["name"], r["other_names"], r["sex"], r["age"], r["age_year"], r["district"],
                             r["father_name"]])
        writer.writerow(["", "", "F", "12", "2022", "", ""])  # an empty name
        writer.writerow(["Rina Das", "", "F", "150", "2022", "", ""])  # an impossible age
    out_file = tmp_path / "pairs.csv"
    stdout, stderr = _run(left, right, "--out", out_file, "--threshold", "0.5")

    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert rows and list(rows[0])[:6] == ["left_id", "right_id", "match_weight", "match_probability", "left_name",
                                          "right_name"]
    assert {f"weight_{f}" for f in linkage.FIELDS} | {f"level_{f}" for f in linkage.FIELDS} <= set(rows[0])
    assert all(float(r["match_probability"]) >= 0.5 for r in rows)
    number_of = {r["id"]: str(n) for n, r in enumerate(people.right, start=1)}
    truth = {(left_id, number_of[right_id]) for left_id, right_id in people.truth}
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert len(found & truth) / len(truth) >= 0.9
    assert "pairs compared" in stdout and f"{len(rows)} at or above probability 0.5" in stdout
    assert "2 records skipped (empty name: 1, impossible age: 1)" in stderr
    n = len(people.right)
    assert f"skipped right record {n + 1}: empty name" in stderr
    assert f"skipped right record {n + 2}: impossible age (150)" in stderr


def test_link_csv_reads_dates_of_birth_and_document_numbers(tmp_path: Path):
    people = generate(120, seed=5, documents=0.8)
    left = write_csv(people.left, tmp_path / "reports.csv")
    right = tmp_path / "found.csv"
    with right.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ID", "Name", "Sex", "Age", "Age year", "District", "Father's name", "Date of birth",
                         "ID number"])
        for r in people.right:
            writer.writerow([r["id"], r["name"], r["sex"], r["age"], r["age_year"], r["district"], r["father_name"],
                             r.get("date_of_birth", ""), r.get("id_number", "")])
        writer.writerow(["bad-date", "Rina Das", "F", "14", "2022", "", "", "14 yrs", ""])
    out_file = tmp_path / "pairs.csv"
    _stdout, stderr = _run(left, right, "--out", out_file)

    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert len(found & people.truth) / len(people.truth) >= 0.97
    assert len(found & people.truth) / len(found) >= 0.97
    levels = {r["level_birth_year"] for r in rows} | {r["level_id_number"] for r in rows}
    assert {"same date of birth", "same number"} <= levels
    assert "0 records skipped" in stderr
    assert "1 records used without a value that could not be read" in stderr
    assert "right record bad-date: date of birth not read (14 yrs); used without it" in stderr


def test_link_csv_with_one_file_finds_its_duplicates(tmp_path: Path):
    rows = [{"id": "a", "name": "Rohima Khatoon", "age": 14, "age_year": 2022, "sex": "F", "district": "Murshidabad",
             "father_name": "Abdul Karim"},
            {"id": "b", "name": "রহিমা খাতুন", "age": 16, "age_year": 2024, "sex": "F", "district": "IN-WB-MURS",
             "father_name": "Md. Abdul Karim"},
            {"id": "c", "name": "Puja Yadav", "age": 30, "age_year": 2022, "sex": "F", "district": "Pune",
             "father_name": "Ramesh Yadav"}]
    path = write_csv(rows, tmp_path / "one.csv")
    stdout, stderr = _run(path, "--out", tmp_path / "dupes.csv", "--threshold", "0")
    pairs = list(csv.DictReader((tmp_path / "dupes.csv").open(encoding="utf-8")))
    best = max(pairs, key=lambda r: float(r["match_weight"]))
    assert {best["left_id"], best["right_id"]} == {"a", "b"}
    assert "0 records skipped" in stderr


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
    (b"id,naam\n1,Rina\n", "no 'name' column (columns found: id, naam)"),
    ("name\nRina\n".encode("utf-16"), "not a CSV file"),
    (b"", "the file is empty"),
    ("name\nR\xe9na\n".encode("latin-1"), "not a UTF-8 CSV file"),
])
def test_link_csv_refuses_a_bad_file_and_writes_nothing(tmp_path: Path, content: bytes, message: str):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    good = write_csv([{"name": "Rina Das"}], tmp_path / "good.csv")
    out_file = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _run(good, bad, "--out", out_file)
    assert not out_file.exists()
    assert list(tmp_path.glob(".pairs-*")) == []


def test_link_csv_refuses_a_missing_file_and_a_bad_threshold(tmp_path: Path):
    good = write_csv([{"name": "Rina Das"}], tmp_path / "good.csv")
    with pytest.raises(CommandError, match="no such file"):
        _run(tmp_path / "nope.csv", "--out", tmp_path / "p.csv")
    with pytest.raises(CommandError, match="between 0 and 1"):
        _run(good, "--out", tmp_path / "p.csv", "--threshold", "5")
    assert not (tmp_path / "p.csv").exists()


# ------------------------------------------------------------------------------ Spark


@pytest.mark.spark
def test_spark_in_local_mode_gives_the_same_matches_as_duckdb():
    """The same code on Spark (local[1], Splink's jar from the splink package): same pairs
    compared, same matches, same levels, weights equal to rounding."""
    people = generate(40, seed=3)
    # tiny data: Spark's code generation and adaptive planning cost more than they save
    spark = linkage.local_spark("local[1]", partitions=1, conf={"spark.sql.codegen.wholeStage": "false",
                                                                "spark.sql.adaptive.enabled": "false"})
    try:
        on_spark = link(people.left, people.right, backend="spark", spark=spark, threshold=0.0)
    finally:
        spark.stop()
    on_duckdb = link(people.left, people.right, threshold=0.0)

    duck = {(p.left_id, p.right_id): p for p in on_duckdb.pairs}
    sprk = {(p.left_id, p.right_id): p for p in on_spark.pairs}
    assert on_spark.comparisons == on_duckdb.comparisons == len(duck) > 0
    assert set(sprk) == set(duck)
    assert {k for k, p in sprk.items() if p.match_probability >= 0.5} == \
        {k for k, p in duck.items() if p.match_probability >= 0.5}
    for key, pair in duck.items():
        assert sprk[key].levels == pair.levels
        assert abs(sprk[key].match_weight - pair.match_weight) < 0.01
        assert all(abs(sprk[key].fields[f] - w) < 0.01 for f, w in pair.fields.items())
    precision, recall = _scores(linkage.LinkResult([p for p in on_spark.pairs if p.match_probability >= 0.5], [], 0),
                                people.truth)
    assert precision >= 0.9 and recall >= 0.9


def test_a_field_few_records_carry_still_counts_agreement_for():
    """Early on, few found persons have an age: four reports with ages against hundreds of found
    persons of whom one has one. EM and sampling then see a handful of pairs and once made "same
    year of birth" 5 bits *against*; such a field takes judged m and u (SMALL_LIST_M, SPARSE_U)."""
    data = generate(300, seed=11)
    found = [{**row, "age": "", "age_year": ""} for row in data.right]
    found.append({"id": "FOUND-ROHIMA", "name": "Rohima Khatoon", "other_names": ["রহিমা খাতুন"], "sex": "F",
                  "age": "15", "age_year": "2026", "father_name": "Abdul Karim", "district": "IN-WB-N24P"})
    reports = [
        {"id": "MP-1", "name": "Mst. Rohima Khatun", "sex": "F", "age": "15", "age_year": "2026",
         "father_name": "Abdul Karim", "district": "IN-WB-MURS"},
        {"id": "MP-2", "name": "Sabina Yasmin", "sex": "F", "age": "13", "age_year": "2026", "district": "IN-WB-N24P"},
        {"id": "MP-3", "name": "पूजा कुमारी", "sex": "F", "age": "16", "age_year": "2026", "district": "IN-BR-KISH"},
        {"id": "MP-4", "name": "রহিমা খাতুন", "sex": "F", "age": "15", "age_year": "2026", "district": "IN-WB-MURS"},
    ]
    result = link(reports, found, threshold=0.0)
    pair = next(p for p in result.pairs if (p.left_id, p.right_id) == ("MP-1", "FOUND-ROHIMA"))
    assert pair.levels["birth_year"] == "same year" and pair.fields["birth_year"] > 1
    assert pair.match_probability > 0.95


def test_a_name_of_one_word_that_is_a_word_of_the_others_name_is_not_a_different_given_name():
    """A record with only "Rundle" (the given name missing) against "Georgia Rundle": the one
    word may be the given name or the family name, so the pair gets its own level of ``given``
    instead of "different" (FEBRL4 had three such true pairs just below 0.5)."""
    (one, two), _ = prepare([{"id": "a", "name": "Rundle"}, {"id": "b", "name": "Georgia Rundle"}])
    assert one["single_phonetic"] and one["name_words"] == [] and one["family_phonetic"] is None
    assert two["single_phonetic"] is None and one["single_phonetic"] in two["name_words"]
    # 27 x 27 records: a small list (judged m), with enough pairs for u to mean something
    givens = ["Anita", "Puja", "Sabina", "Mousumi", "Lakshmi", "Rekha", "Jyoti", "Nisha", "Sonali"]
    families = ["Das", "Mondal", "Oraon", "Tudu", "Murmu", "Paswan"]
    others = [f"{g} {f}" for g in givens for f in families]
    left = [{"id": "L1", "name": "Rundle", "date_of_birth": "1991-07-26", "district": "Orange"},
            {"id": "L2", "name": "Tamsin", "date_of_birth": "1984-02-11", "district": "Orange"},
            *({"id": f"L{n + 3}", "name": name} for n, name in enumerate(others[:25]))]
    right = [{"id": "R1", "name": "Georgia Rundle", "date_of_birth": "1991-07-26", "district": "Orange"},
             {"id": "R2", "name": "Nadia Okafor", "date_of_birth": "1984-02-11", "district": "Orange"},
             *({"id": f"R{n + 3}", "name": name} for n, name in enumerate(others[25:50]))]
    pairs = {(p.left_id, p.right_id): p for p in link(left, right, threshold=0.0).pairs}
    same, other = pairs["L1", "R1"], pairs["L2", "R2"]
    assert same.levels["given"] == "one name only, one of the other's names" and same.fields["given"] > 0
    assert same.levels["family"] == "missing"  # the family name is not counted a second time
    assert other.levels["given"] == "different" and other.fields["given"] < 0


def test_the_same_address_pairs_records_unless_many_records_of_the_list_give_it():
    """Two records that share only an address are compared (FEBRL4 had five true pairs with
    other names and dates but the same street number and street); an address that more than
    ADDRESS_BLOCK_MAX records of one list give (a shelter) pairs nobody by itself."""
    shelter = [{"id": f"S{n}", "name": name, "address": "Shelter Home, Station Road, Basirhat"}
               for n, name in enumerate(["Rina Das", "Puja Kumari", "Sabina Yasmin", "Mousumi Mondal", "Anita Oraon",
                                         "Salma Begum", "Lakshmi Tudu", "Rekha Murmu", "Jyoti Paswan", "Nisha Rai",
                                         "Pinky Sah", "Mamoni Barman", "Sonali Roy", "Tania Sheikh", "Priya Thapa",
                                         "Gita Lama", "Kajal Manjhi", "Rupa Ghosh", "Sima Pal", "Asha Gurung",
                                         "Bina Sarkar"][:linkage.ADDRESS_BLOCK_MAX + 1])]
    rows, _ = prepare([*shelter, {"id": "h", "name": "Laura Hefford", "address": "3 Wagga  Street"}])
    by_id = {r["unique_id"]: r for r in rows}
    assert by_id["h"]["address_block"] == "3 wagga street"
    assert all(by_id[r["id"]]["address_block"] is None for r in shelter)
    assert all(r["address"] for r in rows)  # still compared and scored
    left = [{"id": "a", "name": "Laura Hefford", "address": "3 Wagga Street"}, {"id": "c", "name": "Ruby Capurso"}]
    right = [{"id": "b", "name": "Madeline Bissett", "address": "3 wagga street"}, {"id": "d", "name": "Oliver Host"}]
    result = link(left, right, threshold=0.0)
    assert [(p.left_id, p.right_id, p.levels["address"]) for p in result.pairs] == [("a", "b", "same address")]
