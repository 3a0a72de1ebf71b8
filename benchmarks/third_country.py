"""Third-country positives: every listed name, claimed by a customer who lives somewhere else.

    python benchmarks/third_country.py --db DB [--seed 11] [--sample N] [--threshold T] [--misses misses.csv]

Takes the primary name of every person and organisation entry of two words or more in a loaded
store (``screening lists load --db DB``) and makes customers that a diversion case looks like: the
name verbatim with a country that is none of its entity's listed countries and an ordinary street
address of that country (Faker, ``pip install -e '.[bench]'``); plus one variant per name, a
legal-form variant for organisations (form dropped, written another way, or a local form added)
and a word-order variant for persons (``SURNAME, Given`` in natural order, or the last word moved
to the front). They are screened with ``screening.screen_records`` (the code the CLI runs) and a
row counts as found when one of its hits is its own entity (by entity_id).

Prints recall overall and per variant, type and source; ``--misses`` writes the rows not found
with their best hit, for a look.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
from faker import Faker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.match import Hit, RowResult, screen_records  # noqa: E402

# Countries a diverted order ships to, with the Faker locale of their addresses
COUNTRIES: dict[str, str] = {
    "US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "NL": "nl_NL", "IT": "it_IT",
    "ES": "es_ES", "PL": "pl_PL", "TR": "tr_TR", "IN": "en_IN", "AE": "ar_AE", "SG": "en_US",
    "HK": "zh_TW", "TW": "zh_TW", "JP": "ja_JP", "KR": "ko_KR", "VN": "vi_VN", "ID": "id_ID",
    "TH": "th_TH", "MY": "en_US", "BR": "pt_BR", "MX": "es_MX", "CA": "en_CA", "AU": "en_AU",
    "CN": "zh_CN", "RU": "ru_RU", "KZ": "ru_RU", "GE": "ka_GE", "AM": "hy_AM",
}
# Latin-script street addresses keep the test about the name, not about transliterated streets
ADDRESS_LOCALE = {"AE": "en_US", "HK": "en_US", "TW": "en_US", "JP": "en_US", "KR": "en_US", "CN": "en_US",
                  "RU": "en_US", "KZ": "en_US", "GE": "en_US", "AM": "en_US", "TH": "en_US"}
# Legal forms a customer writes another way (either direction), and forms a local firm adds
FORM_SWAPS = (("co., ltd.", "company limited"), ("co.,ltd.", "company limited"), ("co. ltd", "company limited"),
              ("ltd.", "limited"), ("ltd", "limited"), ("limited", "ltd"), ("llc", "limited liability company"),
              ("l.l.c.", "llc"), ("inc.", "incorporated"), ("inc", "incorporated"), ("corp.", "corporation"),
              ("corporation", "corp."), ("jsc", "joint stock company"), ("ojsc", "open joint stock company"),
              ("pjsc", "public joint stock company"), ("cjsc", "closed joint stock company"), ("ooo", "llc"),
              ("zao", "cjsc"), ("oao", "ojsc"), ("pao", "pjsc"), ("tov", "llc"), ("fze", "free zone establishment"),
              ("fzco", "free zone company"), ("fzc", "free zone company"), ("fz-llc", "fz llc"),
              ("sdn. bhd.", "sendirian berhad"), ("sdn bhd", "sendirian berhad"), ("pte. ltd.", "private limited"),
              ("pte ltd", "private limited"), ("pvt. ltd.", "private limited"), ("pvt ltd", "private limited"),
              ("private limited", "pvt ltd"), ("gmbh", "gesellschaft mit beschraenkter haftung"),
              ("s.a. de c.v.", "sociedad anonima de capital variable"), ("sa de cv", "s.a. de c.v."),
              ("ltda.", "limitada"), ("ltda", "limitada"), ("s.a.", "sociedad anonima"), ("sa", "s.a."),
              ("ag", "aktiengesellschaft"), ("llp", "limited liability partnership"),
              ("plc", "public limited company"), ("sarl", "s.a.r.l."), ("s.a.r.l.", "sarl"), ("s.r.l.", "srl"),
              ("b.v.", "bv"), ("co.", "company"), ("company", "co."))
FORM_SWAPS = tuple(sorted(FORM_SWAPS, key=lambda pair: -len(pair[0])))  # longest form first
LOCAL_FORMS = {"US": "LLC", "GB": "Ltd", "DE": "GmbH", "FR": "SARL", "NL": "B.V.", "IT": "S.r.l.",
               "ES": "S.L.", "PL": "Sp. z o.o.", "TR": "Ltd. Şti.", "IN": "Pvt. Ltd.", "AE": "FZE",
               "SG": "Pte. Ltd.", "HK": "Limited", "TW": "Co., Ltd.", "JP": "Co., Ltd.", "KR": "Co., Ltd.",
               "VN": "Co., Ltd.", "ID": "PT", "TH": "Co., Ltd.", "MY": "Sdn. Bhd.", "BR": "Ltda.",
               "MX": "S.A. de C.V.", "CA": "Inc.", "AU": "Pty Ltd", "CN": "Co., Ltd.", "RU": "OOO",
               "KZ": "TOO", "GE": "LLC", "AM": "LLC"}
_WORDS = re.compile(r"\w+")

ENTRIES_SQL = """
SELECT e.source, e.source_id, e.entity_type, e.primary_name, m.entity_id, coalesce(en.countries, []) AS countries
FROM current_entries e
JOIN entity_members m USING (source, source_id)
JOIN entities en USING (entity_id)
WHERE e.entity_type IN ('person', 'organization') AND e.primary_name IS NOT NULL
ORDER BY e.source, e.source_id
"""


@dataclass
class Positive:
    """One customer row made from a listed entry."""

    id: str
    variant: str            # verbatim | legal_form | word_order
    source: str
    source_id: str
    entity_id: str
    type: str
    name: str
    country: str
    address: str

    def record(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "country": self.country, "address": self.address}


def legal_form_variant(name: str, country: str, rng: random.Random) -> str:
    """The organisation name with its legal form written another way, dropped, or a local one added."""
    low = name.lower().rstrip()
    for form, other in FORM_SWAPS:
        if low.endswith(" " + form) or low.endswith("," + form):
            stem = name[:len(name) - len(form)].rstrip(" ,")
            return stem if rng.random() < 0.3 else f"{stem} {other.upper() if name.isupper() else other.title()}"
    form = LOCAL_FORMS[country]
    return f"{form} {name}" if form in ("PT", "OOO", "TOO") else f"{name} {form}"


def word_order_variant(name: str) -> str:
    """'SURNAME, Given' in natural order; a name in natural order with its last word first."""
    if name.count(",") == 1:
        surname, given = (part.strip() for part in name.split(","))
        if surname and given:
            return f"{given} {surname}"
    words = name.split()
    return " ".join(words[-1:] + words[:-1])


def make_positives(db: str | Path, seed: int = 11, sample: int | None = None,
                   variants: bool = True) -> list[Positive]:
    """Customers from every person/organisation primary name of two words or more in the store."""
    rng = random.Random(seed)
    with duckdb.connect(str(db), read_only=True) as con:
        entries = con.execute(ENTRIES_SQL).fetchall()
    entries = [e for e in entries if len(_WORDS.findall(e[3])) >= 2]
    if sample is not None and sample < len(entries):
        entries = rng.sample(entries, sample)
    fakers: dict[str, Faker] = {}
    out: list[Positive] = []
    for source, source_id, etype, name, entity_id, countries in entries:
        country = rng.choice([c for c in COUNTRIES if c not in set(countries)])
        locale = ADDRESS_LOCALE.get(country, COUNTRIES[country])
        if locale not in fakers:
            fakers[locale] = Faker(locale)
            fakers[locale].seed_instance(seed)
        fake = fakers[locale]
        address = " ".join(f"{fake.street_address()}, {fake.city()}".split())
        base = dict(source=source, source_id=source_id, entity_id=entity_id, type=etype, country=country,
                    address=address)
        out.append(Positive(id=f"{source}:{source_id}:v", variant="verbatim", name=name, **base))
        if variants:
            if etype == "organization":
                out.append(Positive(id=f"{source}:{source_id}:f", variant="legal_form",
                                    name=legal_form_variant(name, country, rng), **base))
            else:
                out.append(Positive(id=f"{source}:{source_id}:o", variant="word_order",
                                    name=word_order_variant(name), **base))
    return out


def hit_at(hit: Hit, threshold: float) -> bool:
    """Whether a hit found at a lower threshold is still a hit at ``threshold`` (same rule as the matcher)."""
    total = hit.waterfall[-1]
    name_gamma = next((s.get("gamma", 0) for s in hit.waterfall if s["comparison"] == "name"), 0)
    return ((total["match_probability"] >= threshold and name_gamma > 0)
            or total["address_probability"] >= threshold)


def found(pos: Positive, result: RowResult, threshold: float | None = None) -> bool:
    """The row hits its own entity (at ``threshold``, or at the threshold it was screened with)."""
    return any(h.entity_id == pos.entity_id and (threshold is None or hit_at(h, threshold)) for h in result.hits)


def screen(positives: list[Positive], db: str | Path, threshold: float | None = None) -> list[RowResult]:
    return screen_records([p.record() for p in positives], db=db, threshold=threshold)


def recall_table(positives: list[Positive], results: list[RowResult],
                 threshold: float | None = None) -> dict[str, tuple[int, int]]:
    """(found, rows) overall and per variant, type, source and variant x type."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pos, res in zip(positives, results):
        ok = found(pos, res, threshold)
        for key in ("all", f"variant={pos.variant}", f"type={pos.type}", f"source={pos.source}",
                    f"{pos.variant}/{pos.type}"):
            counts[key][0] += ok
            counts[key][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def write_misses(path: str | Path, positives: list[Positive], results: list[RowResult]) -> int:
    """Rows that did not hit their own entity, with their best hit (if any)."""
    rows = 0
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "variant", "type", "source", "source_id", "entity_id", "name", "country",
                         "address", "status", "best_entity", "best_score", "best_name"])
        for pos, res in zip(positives, results):
            if found(pos, res):
                continue
            best = res.hits[0] if res.hits else None
            writer.writerow([pos.id, pos.variant, pos.type, pos.source, pos.source_id, pos.entity_id, pos.name,
                             pos.country, pos.address, res.error or res.status, best.entity_id if best else "",
                             best.score if best else "", best.matched_name if best else ""])
            rows += 1
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a store loaded with 'screening lists load --db DB'")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--sample", type=int, help="this many entries at random instead of all")
    ap.add_argument("--threshold", type=float, help="hit threshold (default: the product's)")
    ap.add_argument("--misses", help="write the rows not found to this CSV")
    args = ap.parse_args()
    positives = make_positives(args.db, args.seed, args.sample)
    start = time.perf_counter()
    results = screen(positives, args.db, args.threshold)
    print(f"{len(positives)} rows screened in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    for key, (ok, n) in recall_table(positives, results).items():
        print(f"{key:32} {ok:6}/{n:<6} recall {ok / n:6.1%}")
    if args.misses:
        print(f"{write_misses(args.misses, positives, results)} misses -> {args.misses}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
