"""Train the screening model's m and u probabilities and write screening/models/screen_model.json.

    python benchmarks/train_screen_model.py [--db DB] [--customers 40000] [--seed 11]

How it is trained (no evaluation data is used):

1. a synthetic customer file is drawn from the loaded lists (benchmarks/synthetic_customers.py):
   list-derived variants whose true entity is known (typos, word order, legal forms, romanisation
   spellings, dropped, cut or added words, front-company tags with the listed address,
   combinations), carrying their listed country and address about half the time and otherwise
   another country with an ordinary local address; and a multi-locale legitimate book (Faker);
   besides, ``--book`` rows of benchmarks/legit_book.py (weighted over twenty locales as a real
   book is, with its many short East Asian names) as further legitimate customers, drawn from
   their own seed (the book the benchmarks measure uses another);
2. every customer goes through the product's own blocking and feature SQL, and Splink's
   comparison-vector SQL gives each candidate pair its level in every comparison;
3. m = share of each level among true pairs, u = share among the other candidate pairs (both
   with add-one smoothing, null levels excluded; 5% of each m (2% for the name) spread evenly
   over the levels, since real customer data is noisier than the variants); the prior is the
   share of true pairs among the candidates. Because u is measured on blocked candidates, the
   probability is the chance that a *candidate* is the listed party, which is what the threshold
   decides on;
4. evidence besides the name lowers a match only modestly: a different country, address, type,
   legal form or year of birth is weak evidence against a strong name match, never a veto (OFAC
   and BIS expect the name to raise the alert and the analyst to weigh the rest), so each of
   their levels weighs at least -CAPS[comparison] bits (m raised to u * 2**-cap). A full date of
   birth years away from every listed one is well attested and is not capped;
5. a name level whose condition implies another's is at least as strong evidence (MONOTONE):
   where the synthetic variants happen to give it fewer true pairs, it takes the other's weight.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening.match import Customer, Matcher, open_store  # noqa: E402
from screening.match.model import COMPARISONS, MODEL_PATH, SAME_NAME_AND_FORM, build_settings  # noqa: E402
from legit_book import make_book  # noqa: E402
from synthetic_customers import customer_mix  # noqa: E402


NOISE = {"name": 0.02}  # per comparison; others DEFAULT_NOISE
DEFAULT_NOISE = 0.05
# Lowest match weight (in bits, negated) of a level of each comparison besides the name
CAPS = {"legal_form": 1.0, "country": 1.5, "address": 1.5, "dob": 2.0, "entity_type": 1.5}
UNCAPPED = {("dob", "full date of birth years apart")}
# (stronger, weaker) name levels: every pair meeting the first meets the second's condition too
MONOTONE = [
    (SAME_NAME_AND_FORM, "same name of one common word"),
    ("every word the same or a spelling variant",
     "every word alike, most the same, some only sound alike or are spelt close"),
    ("a short name, every word the same or a spelling variant",
     "a short name, some words the same, the others only sound alike or are spelt close"),
    ("a short name of two words, one the same, the other spelt a letter apart",
     "a short name, some words the same, the others only sound alike or are spelt close"),
    ("one long word spelt a letter apart", "one long word spelt two letters apart"),
    ("one long word spelt two letters apart", "one word or a short name that only sounds alike or is spelt close"),
    ("a person's middle names left out: first and last names the same (rare words)",
     "the listed name shortened: middle words left out or cut short (rare words)"),
    ("the listed name cut short or its last words left out, every customer word the same in its place (rare words)",
     "the listed name shortened: middle words left out or cut short (rare words)"),
]


def train(db: str | None, n: int, seed: int, book: int = 0) -> dict:
    # the level structure being trained, not the one of the model file on disk
    structure = build_settings().get_settings("duckdb")
    structure._retain_matching_columns = True
    structure._retain_intermediate_calculation_columns = True
    matcher = Matcher(open_store(db), settings=structure)
    rows = customer_mix(matcher.con, n, listed_share=0.3, seed=seed)
    rows += [{**row, "truth": None, "kind": "book"} for row in make_book(book, seed)] if book else []
    cores: dict[str, set[str]] = {}
    for entity_id, core in matcher.con.execute("SELECT entity_id, core FROM match_names").fetchall():
        cores.setdefault(entity_id, set()).add(core)
    for r in rows:
        r["truth_cores"] = cores.get(r["truth"], set())
    customers = [Customer(name=r["name"], address=r["address"], country=r["country"], dob=r["dob"], type=r["type"])
                 for r in rows]
    pairs = []
    for start in range(0, len(customers), 20_000):
        for rec in matcher.candidate_scores(customers[start:start + 20_000]):
            rec["uid_r"] += start
            pairs.append(rec)
    true = [p for p in pairs if rows[p["uid_r"]]["truth"] == p["uid_l"]]
    # The same party is often listed by several publishers; without consolidation those entries are
    # separate entities. A "false" pair whose listed name equals the true entity's name is such a
    # duplicate, not a non-match, and is left out of u.
    false = [p for p in pairs if rows[p["uid_r"]]["truth"] != p["uid_l"]
             and p["core_l"] not in rows[p["uid_r"]].get("truth_cores", ())]
    found = {p["uid_r"] for p in true}
    listed = sum(1 for r in rows if r["truth"])
    print(f"{len(rows)} customers, {listed} list-derived; {len(pairs)} candidate pairs, {len(true)} true; "
          f"blocking found {len(found)}/{listed} list-derived customers", file=sys.stderr)
    m_u = {}
    for name, levels in COMPARISONS:
        n_levels = sum(1 for level in levels if not level.is_null) + 1
        gammas = list(range(n_levels - 1, -1, -1))  # best level first, ELSE = 0
        mc = Counter(p[f"gamma_{name}"] for p in true if p[f"gamma_{name}"] >= 0)
        uc = Counter(p[f"gamma_{name}"] for p in false if p[f"gamma_{name}"] >= 0)
        mt, ut = sum(mc.values()), sum(uc.values())
        m = [(mc[g] + 1) / (mt + n_levels) for g in gammas]
        # Real customer data is noisier than the synthetic variants (wrong countries, missing
        # words, other types): a share of the m mass is spread evenly so no level is near-impossible.
        noise = NOISE.get(name, DEFAULT_NOISE)
        m = [(1 - noise) * x + noise / n_levels for x in m]
        u = [(uc[g] + 1) / (ut + n_levels) for g in gammas]
        labels = [level.label for level in levels if not level.is_null] + [None]
        if name in CAPS:
            m = [x if (name, label) in UNCAPPED else max(x, u[i] * 2 ** -CAPS[name])
                 for i, (x, label) in enumerate(zip(m, labels))]
        if name == "name":
            m = _monotone(m, u, labels)
        m_u[name] = list(zip(m, u))
    prior = len(true) / max(len(pairs), 1)
    return {"m_u": m_u, "prior": prior, "customers": len(rows), "pairs": len(pairs), "true_pairs": len(true)}


def _monotone(m: list[float], u: list[float], labels: list[str | None]) -> list[float]:
    """Raise the m of a stronger level of MONOTONE so that it weighs at least its weaker one."""
    m = list(m)
    for strong, weak in MONOTONE:
        i, k = labels.index(strong), labels.index(weak)
        m[i] = max(m[i], u[i] * m[k] / u[k])
    return m


def _with_fixed_hash_seed() -> None:
    """Run again under PYTHONHASHSEED=0: Faker draws some places from sets, whose order follows the
    hash seed, so the same --seed gives the same customers, and the same model, only under a fixed one."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})


def main() -> int:
    _with_fixed_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="store with the lists loaded (default: $SCREENING_DB or the per-user store)")
    ap.add_argument("--customers", type=int, default=40_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--book", type=int, default=40_000, help="legitimate book rows added as negatives")
    ap.add_argument("--out", default=str(MODEL_PATH))
    args = ap.parse_args()
    result = train(args.db, args.customers, args.seed, args.book)
    settings = build_settings(result["m_u"], prior=result["prior"]).get_settings("duckdb").as_dict()
    settings["training"] = {"script": "benchmarks/train_screen_model.py", "customers": result["customers"],
                            "seed": args.seed, "book": args.book, "candidate_pairs": result["pairs"], "true_pairs": result["true_pairs"]}
    Path(args.out).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    for name, probs in result["m_u"].items():
        print(name, [(round(m, 4), round(u, 5)) for m, u in probs])
    print("prior", round(result["prior"], 5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
