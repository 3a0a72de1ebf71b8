"""Same-name splits left by the consolidation: entries of different lists whose normalised names are
equal but that ended up in different entities, counted by source pair and by why they stay apart.

    python benchmarks/consolidation_splits.py [--db STORE] [--examples 3] [--json]

Without --db the bundled lists are loaded into a temporary store. The store is consolidated with the
current code, then every pair of entries is listed that
  - comes from two different lists,
  - has compatible types (equal, or 'unknown' on one side),
  - shares a name key with the legal form removed and the words sorted (``sorted_key`` of
    screening.consolidate.name_keys: equal names, equal up to word order or legal form), from names
    that are not weak aliases,
  - and is in two different entities.
Each pair gets the first reason that applies: the shared name is a single word; the evidence
contradicts (birth years 2+ apart, no country in common, different legal forms); the name is on several entries of one list (homonyms); the name is common (its words
weigh less than --min-bits in cons_word_weights); otherwise what the Splink model made of the pair
(never compared by its blocking, scored below the threshold, or scored above it and refused by a
clustering guard), or that the same-name rule linked the pair and a clustering guard refused it.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from screening import store
from screening import consolidate
from screening.consolidate import THRESHOLD, build_features, consolidate_entities, deterministic_links, predict_links
from screening.pipeline import load_lists

# Read with defaults so that the script also measures a checkout from before the same-name rule.
NAME_RULES = getattr(consolidate, "NAME_RULES", ())
MIN_BITS = getattr(consolidate, "SAME_NAME_BITS", 16.0)  # lighter names are "common"

PAIRS = """
WITH republished AS (  -- a CSL row republishing an OFAC entry holds its name as that entry
    SELECT uid_l AS unique_id, min(uid_r) AS holder FROM cons_links WHERE rule = 'ofac_uid' GROUP BY uid_l
),
k AS (
    SELECT DISTINCT n.source, n.source_id, n.sorted_key, n.words, n.legal_class, c.unique_id, c.entity_type,
           m.entity_id, coalesce(p.holder, c.unique_id) AS holder
    FROM cons_names n
    JOIN cons_input c USING (source, source_id)
    JOIN entity_members m USING (source, source_id)
    LEFT JOIN republished p ON p.unique_id = c.unique_id
    WHERE n.sorted_key <> ''
),
holders AS (
    SELECT sorted_key, source, count(DISTINCT holder) AS n FROM k GROUP BY ALL
)
SELECT a.unique_id AS uid_l, b.unique_id AS uid_r, a.source AS source_l, b.source AS source_r,
       a.entity_type AS type_l, b.entity_type AS type_r, a.sorted_key AS name_key,
       max(len(a.words)) AS words,
       bool_or(a.legal_class <> '' AND b.legal_class <> '' AND a.legal_class <> b.legal_class) AS legal_conflict,
       (SELECT coalesce(sum(w.bits), 0) FROM cons_word_weights w WHERE list_contains(any_value(a.words), w.word)) AS bits,
       (SELECT max(h.n) FROM holders h WHERE h.sorted_key = a.sorted_key) AS holders,
       a.entity_id AS entity_l, b.entity_id AS entity_r
FROM k a JOIN k b ON a.sorted_key = b.sorted_key AND a.source < b.source AND a.entity_id <> b.entity_id
WHERE a.entity_type = b.entity_type OR a.entity_type = 'unknown' OR b.entity_type = 'unknown'
GROUP BY a.unique_id, b.unique_id, a.source, b.source, a.entity_type, b.entity_type, a.sorted_key,
         a.entity_id, b.entity_id
"""

FEATURES = "SELECT unique_id, dob_years, dob_years_near, countries FROM cons_input"


def split_pairs(db: str | Path, min_bits: float = MIN_BITS) -> list[dict]:
    """Every same-name pair of entries of two lists kept in two entities, one row per pair (the
    strongest shared name), with the reason it stays apart."""
    con = store.connect(db)
    try:
        build_features(con)
        deterministic_links(con)
        named = {(a, b) for a, b, rule in con.execute("SELECT uid_l, uid_r, rule FROM cons_links").fetchall()
                 if rule in NAME_RULES}
        cur = con.execute(PAIRS)
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
        features = {r[0]: r[1:] for r in con.execute(FEATURES).fetchall()}
        scored = predict_links(con, threshold=0.0)
    finally:
        con.close()
    scores = {tuple(sorted(p)): s for *p, s in zip(scored.column("uid_l").to_pylist(), scored.column("uid_r").to_pylist(),
                                                   scored.column("match_probability").to_pylist())}
    best: dict[tuple[str, str], dict] = {}
    for row in rows:
        pair = (row["uid_l"], row["uid_r"])
        if pair not in best or (row["words"], row["bits"]) > (best[pair]["words"], best[pair]["bits"]):
            best[pair] = row
    for pair, row in best.items():
        row["score"] = scores.get(tuple(sorted(pair)))
        row["name_rule"] = tuple(sorted(pair)) in named
        row["reason"] = _reason(row, features[pair[0]], features[pair[1]], min_bits)
    return sorted(best.values(), key=lambda r: (r["source_l"], r["source_r"], r["uid_l"], r["uid_r"]))


def _reason(row: dict, left: tuple, right: tuple, min_bits: float) -> str:
    (years_l, near_l, countries_l), (years_r, _near_r, countries_r) = left, right
    if row["words"] < 2:
        return "single name"
    if years_l and years_r and not set(near_l) & set(years_r):
        return "birth years 2+ apart"
    if countries_l and countries_r and not set(countries_l) & set(countries_r):
        return "no country in common"
    if row["legal_conflict"]:
        return "different legal forms"
    if (row["holders"] or 0) > 1:
        return "name on 2+ entries of one list"
    if row["bits"] < min_bits:
        return f"common name (< {min_bits:g} bits)"
    if row["name_rule"]:
        return "linked by name, refused by a clustering guard"
    if row["score"] is None:
        return "never compared (blocking)"
    if row["score"] < THRESHOLD:
        return f"score below {THRESHOLD:g}"
    return "scored above the threshold, refused by a clustering guard"


def summary(pairs: list[dict], examples: int) -> dict:
    """Counts by reason, by source pair (with the reasons) and a few examples per reason."""
    by_pair: dict[str, Counter] = {}
    for p in pairs:
        by_pair.setdefault(f"{p['source_l']}~{p['source_r']}", Counter())[p["reason"]] += 1
    shown: dict[str, list[str]] = {}
    for p in pairs:
        if len(shown.setdefault(p["reason"], [])) < examples:
            score = "-" if p["score"] is None else f"{p['score']:.2f}"
            shown[p["reason"]].append(f"{p['uid_l']} ~ {p['uid_r']} '{p['name_key']}' ({p['bits']:.0f} bits, p={score})")
    return {
        "pairs": len(pairs),
        "entity_pairs": len({tuple(sorted((p["entity_l"], p["entity_r"]))) for p in pairs}),
        "by_reason": dict(Counter(p["reason"] for p in pairs).most_common()),
        "by_source_pair": {k: {"pairs": sum(v.values()), **dict(v.most_common())}
                           for k, v in sorted(by_pair.items(), key=lambda kv: -sum(kv[1].values()))},
        "examples": shown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="store with the lists loaded (default: bundled lists in a temp store)")
    parser.add_argument("--examples", type=int, default=3, help="example pairs shown per reason")
    parser.add_argument("--min-bits", type=float, default=MIN_BITS, help="a name lighter than this is common")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "lists.duckdb")
        if not args.db:
            load_lists(db)
        report = consolidate_entities(db)
        result = {"consolidation_seconds": report.seconds["total"], "entities": report.entities,
                  **summary(split_pairs(db, args.min_bits), args.examples)}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"consolidation {result['consolidation_seconds']} s, {result['entities']} entities; "
          f"{result['pairs']} same-name entry pairs of two lists kept apart ({result['entity_pairs']} entity pairs)")
    for reason, count in result["by_reason"].items():
        print(f"  {count:6d}  {reason}")
        for example in result["examples"][reason]:
            print(f"          e.g. {example}")
    print("by source pair:")
    for pair, counts in result["by_source_pair"].items():
        rest = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "pairs")
        print(f"  {counts['pairs']:6d}  {pair}: {rest}")


if __name__ == "__main__":
    main()
