"""One new record against a large table, with a model trained once (issue 6, "real time").

``linkage.link``/``dedupe`` train a model on the data they are given, which takes seconds to
minutes on a large table. Registering a found person must instead show candidates within a
second, so the model is trained once (nightly, on the whole table), saved with Splink's own
JSON format, and loaded here; the table is prepared and held in DuckDB with its term-frequency
tables, and each new record is only blocked and scored against it (Splink's
``predict_between``: pairs between the new record and the table, never within the table).

    model = train_model(rows, "model.json")          # once: EM etc. as in linkage.train
    index = Index(rows, "model.json")                 # load the table and the model (no training)
    pairs, skipped = index.candidates({"name": "রহিমা খাতুন", "age": 16, ...})

Kept apart from linkage.py on purpose: it reuses linkage's preparation, settings, training and
result collection as they are and changes none of them.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from safetynet.matching import linkage
from safetynet.matching.linkage import LinkResult, Pair, Skipped

# Columns the model adjusts by term frequency (their tables are computed once per Index).
TF_COLUMNS = ("given_phonetic",)
_counter = itertools.count(1)


def _duckdb_api(threads: int | None):
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    if threads:
        con.execute(f"set threads to {int(threads)}")
    return DuckDBAPI(connection=con)


def train_model(rows: Iterable[dict], path: str | Path | None = None, *, reference_year: int | None = None,
                threads: int | None = None) -> dict[str, Any]:
    """Train the de-duplication model on ``rows`` (no labels, as ``linkage.train``) and return
    Splink's model dictionary; also written to ``path`` when given."""
    from splink import Linker

    prepared, _skipped = linkage.prepare(rows, reference_year=reference_year)
    if len(prepared) < 2:
        raise ValueError("at least two usable records are needed to train a model")
    with linkage._quiet_splink():
        db_api = _duckdb_api(threads)
        table = db_api.register(linkage._to_arrow(prepared, False))
        linker = Linker(table, linkage.settings("dedupe_only", district_relation="state"), log_level=None)
        linkage.train(linker)
        model = linker.misc.save_model_to_json(str(path) if path else None, overwrite=True)
    return model


class Index:
    """A table of records, prepared and held in DuckDB, with a trained model loaded (never
    retrained); ``candidates`` scores one new record against all of them."""

    def __init__(self, rows: Iterable[dict], model: dict[str, Any] | str | Path, *,
                 reference_year: int | None = None, threads: int | None = None, prefilter: bool = True):
        from splink import Linker

        self.reference_year = reference_year
        if not isinstance(model, dict):
            model = json.loads(Path(model).read_text(encoding="utf-8"))
        prepared, self.skipped = linkage.prepare(rows, reference_year=reference_year)
        self.size = len(prepared)
        self._ids = {row["unique_id"] for row in prepared}
        # prefilter: the blocking keys of every row in memory, so a new record's candidates are
        # found by dictionary look-ups and only they are sent to Splink (instead of joining the
        # new record against the whole table under every rule, about 2 s at 1,000,000 rows)
        self._rows = prepared if prefilter else None
        self._by_key: dict[tuple, list[int]] = defaultdict(list)
        if prefilter:
            for i, row in enumerate(prepared):
                for key in _block_keys(row):
                    self._by_key[key].append(i)
        with linkage._quiet_splink():
            self._db_api = _duckdb_api(threads)
            self._table = self._db_api.register(linkage._to_arrow(prepared, False), table_name="__sn_index")
            self._linker = Linker(self._table, model, log_level=None)
            for column in TF_COLUMNS:
                self._linker.table_management.compute_tf_table(column)

    def candidates(self, record: dict, *, threshold: float = 0.5) -> tuple[list[Pair], Skipped | None]:
        """The records of the table that are probably ``record``'s person, best first, with each
        field's weight; or no pairs and the reason when the record cannot be used."""
        prepared, skipped = linkage.prepare([record], reference_year=self.reference_year)
        if not prepared:
            return [], skipped[0]
        row = prepared[0]
        if row["unique_id"] in self._ids:  # the table already has this id: score it as a new record
            row["unique_id"] = f"{row['unique_id']}#new"
        table = self._table
        small = None
        if self._rows is not None:
            found = self._candidates(row)
            if not found:
                return [], None
            small = self._db_api.register(linkage._to_arrow([self._rows[i] for i in sorted(found)], False),
                                          table_name=f"__sn_cand_{next(_counter)}")
            table = small
        with linkage._quiet_splink():
            new = self._db_api.register(linkage._to_arrow([row], False),
                                       table_name=f"__sn_new_{next(_counter)}")
            try:
                predictions = self._linker.inference.predict_between(
                    table, new, threshold_match_probability=threshold, warning_mode="never")
                try:
                    pairs, _n = linkage._collect(self._linker, predictions, threshold)
                finally:
                    predictions.drop_table_from_database_and_remove_from_cache()
            finally:
                new.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
                if small is not None:
                    small.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        # the new record on the left, the table's on the right
        out = []
        for p in pairs:
            left, right = (p.left_id, p.right_id) if p.left_id == row["unique_id"] else (p.right_id, p.left_id)
            out.append(Pair(left.removesuffix("#new"), right, p.match_weight, p.match_probability, p.fields,
                            p.levels))
        return out, None

    def _candidates(self, row: dict) -> set[int]:
        """Rows that share a blocking key with ``row`` (a superset of what linkage.blocking_rules()
        lets through; Splink applies the rules again to these)."""
        assert self._rows is not None
        found: set[int] = set()
        born = row.get("birth_year")
        for key in _block_keys(row):
            ids = self._by_key.get(key, ())
            if key[0] in NEEDS_BIRTH_YEAR:
                if born is None:
                    continue
                ids = [i for i in ids if (b := self._rows[i]["birth_year"]) is not None and abs(b - born) <= 3]
            found.update(ids)
        return found


# Key kinds whose rule also asks for birth years within 3 (checked at look-up).
NEEDS_BIRTH_YEAR = {"given", "family_initial"}


def _block_keys(row: dict) -> list[tuple]:
    """The equality parts of linkage.blocking_rules() for one prepared row (null parts never join).
    Keep in step with that function: a key missing here loses candidates in real time."""
    given, family = row.get("given_phonetic"), row.get("family_phonetic")
    father, place, initial = row.get("father_given_phonetic"), row.get("district"), (row.get("given") or "")[:1]
    keys: list[tuple] = []
    if row.get("name_key"):
        keys.append(("name", row["name_key"]))
    if given:
        keys.append(("given", given))
        if father:
            keys.append(("given_father", given, father))
        if place:
            keys.append(("given_place", given, place))
    if family and father:
        keys.append(("family_father", family, father))
    if family and initial:
        keys.append(("family_initial", family, initial))
    keys.extend(("block_key", k) for k in row.get("block_keys") or ())
    if row.get("date_of_birth"):
        keys.append(("date_of_birth", row["date_of_birth"]))
    if row.get("id_number"):
        keys.append(("id_number", row["id_number"]))
    if row.get("address_block"):
        keys.append(("address", row["address_block"]))
    return keys


__all__ = ["Index", "LinkResult", "train_model"]
