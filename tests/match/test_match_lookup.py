"""One-off lookups scored in Python give what the SQL path gives: same candidates, levels, scores, hits."""
from __future__ import annotations

import copy
import random

import pyarrow as pa
import pytest

from screening import store
from screening.match import MAX_CANDIDATES, Customer, Matcher, check, get_matcher
from screening.match.explain import ADDRESS_HIT, level_labels, level_of
from screening.match.scoring import pair_params
from screening.match.features import name_features
from screening.match.lookup import LookupScorer, token_similarity
from screening.match.model import load_settings
from screening.match.selection import make_selection

COMPARED = ("gamma_name", "gamma_legal_form", "gamma_country", "gamma_address", "gamma_dob", "gamma_entity_type",
            "matched_name", "matched_address", "list_refs", "by_address")
NUMBERS = ("match_weight", "match_probability", "address_probability", "cover_l", "cover_r", "acov_l", "acov_r")
LEGITIMATE = ["Maria Schneider", "Bright Future Electronics Limited", "Nordic Timber Trading AB", "Chen Wei",
              "Global Logistics Solutions LLC", "Ahmed Hassan", "Sunrise Instruments Pte Ltd", "Kim Min-jun",
              "Pacific Rim Semiconductor Co., Ltd.", "Oleksandr Kovalenko"]


@pytest.fixture(scope="module")
def matcher(screen_db) -> Matcher:
    """A matcher of its own (not the cached one), with lookups in Python prepared."""
    m = Matcher(store.connect(screen_db, read_only=True))
    m.prepare_lookups()
    yield m
    m.con.close()


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word)) if len(word) > 2 else 0
    return word[:i] + rng.choice("aeioukst") + word[i + 1:]


def real_variants(con, n: int = 160) -> list[Customer]:
    """Variants of real listed names (order, typo, dropped word, legal form, listed address,
    country, birth year), made from the store, plus legitimate names."""
    rng = random.Random(7)
    rows = con.execute("""
        SELECT n.name, e.entity_type, e.countries, e.birth_years, a.address
        FROM match_names n JOIN match_entities e USING (entity_id)
        LEFT JOIN (SELECT entity_id, any_value(address) AS address FROM match_addresses GROUP BY ALL) a USING (entity_id)
        WHERE hash(n.name_uid) % 97 = 3 ORDER BY n.name_uid LIMIT ?""", [n]).fetchall()
    out = []
    for i, (name, etype, countries, years, address) in enumerate(rows):
        words = name.replace(",", " ").split()
        kind = i % 6
        if kind == 1 and len(words) > 1:
            words = words[1:] + words[:1]
        elif kind == 2:
            longest = max(range(len(words)), key=lambda j: len(words[j]))
            words[longest] = _typo(words[longest], rng)
        elif kind == 3 and len(words) > 2:
            del words[1]
        elif kind == 4 and etype != "person":
            words += ["Trading", "Co.,", "Ltd."]
        out.append(Customer(
            name=" ".join(words), type=etype if kind % 2 else None,
            country=countries[0] if countries and kind != 5 else ("HK" if kind == 5 else None),
            dob=str(years[0]) if years and etype == "person" and kind in (0, 3) else None,
            address=address if address and kind in (4, 5) else None))
        if address and kind == 5:  # the shell-company pattern: another name at the listed address
            out.append(Customer(name="Lucky Star Garden Supplies Limited", address=address, country="HK"))
    out += [Customer(name=name, country=rng.choice(["DE", "HK", "CN", "US", None])) for name in LEGITIMATE]
    return out


def test_python_and_sql_give_the_same_candidates_levels_and_scores(matcher):
    customers = real_variants(matcher.con)
    sql_pairs: dict[int, dict[str, dict]] = {}
    for rec in matcher.candidate_scores(customers):
        sql_pairs.setdefault(rec["uid_r"], {})[rec["uid_l"]] = rec
    compared = with_address_hit = 0
    for uid, cust in enumerate(customers):
        py = {p["uid_l"]: p for p in matcher.candidate_scores_in_python(cust)}
        sql = sql_pairs.get(uid, {})
        assert set(py) == set(sql), cust
        for entity, p in py.items():
            for col in COMPARED:
                assert p[col] == sql[entity][col], (cust, entity, col)
            for col in NUMBERS:
                assert p[col] == pytest.approx(sql[entity][col], abs=1e-9, nan_ok=False), (cust, entity, col)
            compared += 1
            with_address_hit += p["gamma_address"] == 3
    assert compared > 1000  # the variants found many candidates, near and far
    assert with_address_hit >= 5


def _typo_variants(con, rng: random.Random) -> list[Customer]:
    """Real one-word names of ten letters and more with two letters changed, and real two-word
    names with one letter of a short word changed: the typo levels' pairs."""
    rows = con.execute("""
        SELECT n.core, n.ntok, e.countries FROM match_names n JOIN match_entities e USING (entity_id)
        WHERE (n.ntok = 1 AND length(n.core) >= 10 OR n.ntok = 2 AND length(n.compact) <= 8)
          AND hash(n.name_uid) % 13 = 1 ORDER BY n.name_uid LIMIT 120""").fetchall()
    out = []
    for core, ntok, countries in rows:
        words = core.split()
        i = min(range(ntok), key=lambda j: len(words[j]))
        for _ in range(2 if ntok == 1 else 1):
            words[i] = _typo(words[i], rng)
        out.append(Customer(name=" ".join(reversed(words)), country=countries[0] if countries else None))
    return out


def test_python_and_sql_give_the_same_typo_levels(matcher):
    customers = _typo_variants(matcher.con, random.Random(5))
    labels = level_labels(load_settings())
    seen = set()
    sql_pairs = {(r["uid_r"], r["uid_l"]): r for r in matcher.candidate_scores(customers)}
    for uid, cust in enumerate(customers):
        for p in matcher.candidate_scores_in_python(cust):
            want = sql_pairs[(uid, p["uid_l"])]
            assert (p["gamma_name"], p["match_weight"]) == (want["gamma_name"], pytest.approx(want["match_weight"])), cust
            seen.add(labels[("name", p["gamma_name"])])
    assert {"one long word spelt two letters apart",
            "a short name of two words, one the same, the other spelt a letter apart"} <= seen


def test_key_index_finds_the_names_the_stored_key_table_gives(matcher):
    """The in-memory key index against the SQL lookup it replaces, on a few hundred real listed
    names and variants: the same (key, name) rows, key by key."""
    customers = real_variants(matcher.con, 400)
    index = matcher._lookups.keys
    rows = missed = 0
    for cust in customers:
        try:
            keys = matcher.lookup_features(cust)[1]
        except ValueError:
            continue
        sql = matcher.con.execute(store.sql("match_lookup_keys"), {"keys": keys}).fetchall()
        found = index.names_sharing(keys + keys[:3])  # a key given twice counts once, as in SQL
        assert sorted(found) == sorted(sql), cust
        assert len(found) == len(set(found)), cust
        rows += len(sql)
        missed += len(set(keys) - {key for key, _ in sql})
    assert len(customers) >= 300
    assert rows > 10_000  # names found through many keys
    assert missed > 100   # and keys the lists do not have, looked up too


def test_python_and_sql_give_the_same_hits_and_explanations(matcher):
    customers = real_variants(matcher.con, 60)
    sql_errors, sql_hits = matcher.score_in_sql(customers)
    hit_rows = 0
    for uid, cust in enumerate(customers):
        errors, hits = matcher.score_in_python([cust])
        assert errors == [sql_errors[uid]]
        got = [(h.entity_id, h.score, h.match_kind, h.matched_name, h.explanation) for h in hits.get(0, [])]
        want = [(h.entity_id, h.score, h.match_kind, h.matched_name, h.explanation) for h in sql_hits.get(uid, [])]
        assert got == want, cust
        hit_rows += bool(got)
    assert hit_rows >= 30


def test_token_similarity_equals_the_sql_macro(matcher):
    rng = random.Random(3)
    listed = matcher.con.execute("SELECT t, p, s, k FROM match_tok_attr WHERE hash(tid) % 20 = 0").fetchall()
    pairs = []
    for form in listed[:1500]:
        word = rng.choice([form[0], _typo(form[0], rng), form[0][:-1], form[0] + "a", rng.choice(listed)[0]])
        feats = name_features(word or "x", "person")
        for cust in zip(feats.tokens, feats.phonetic, feats.skeletons, feats.loose):
            pairs.append((cust, form))
    table = pa.table({"a": [dict(zip("tpsk", c)) for c, _ in pairs], "b": [dict(zip("tpsk", f)) for _, f in pairs]})
    matcher.con.register("sim_pairs", table)
    sql = [r[0] for r in matcher.con.execute("SELECT match_tok_sim(a, b, $sim) FROM sim_pairs", {"sim": pair_params()["sim"]}).fetchall()]
    matcher.con.unregister("sim_pairs")
    py = [token_similarity(c, f) for c, f in pairs]
    assert len(pairs) > 1000
    assert py == pytest.approx(sql, abs=1e-12)
    assert sum(0 < s < 1 for s in py) > 100  # spelling variants, not only equal or unrelated words


def test_a_model_with_other_levels_is_refused_by_the_python_scorer():
    settings = copy.deepcopy(load_settings())
    address_level = level_of(level_labels(settings), *ADDRESS_HIT)
    LookupScorer(settings, address_level)  # the shipped model is the code's
    settings.comparisons[0].comparison_levels[2]._sql_condition = "core_l = core_r AND 1 = 1"
    with pytest.raises(ValueError, match="name levels"):
        LookupScorer(settings, address_level)


def test_repeated_lookups_switch_to_python_and_keep_their_answer(screen_db):
    first = check("Saddam Husein al-Tikriti", country="IQ", db=screen_db)
    second = check("Saddam Husein al-Tikriti", country="IQ", db=screen_db)
    assert get_matcher(screen_db)._lookups.side is not None
    third = check("Saddam Husein al-Tikriti", country="IQ", db=screen_db)
    assert first.hits and [h.entity_id for h in first.hits] == [h.entity_id for h in third.hits]
    assert [h.score for h in first.hits] == [h.score for h in second.hits] == [h.score for h in third.hits]


def test_prepare_lookups_up_front(screen_db):
    from screening import prepare_lookups

    prepare_lookups(db=screen_db)
    matcher = get_matcher(screen_db)
    assert matcher._lookups.side is not None and matcher._lookups.side.names
    result = check("FADLALLAH, Shaykh Mohammed Hussein", country="LB", db=screen_db)
    assert any("us_ofac_sdn:2679" in h.list_refs.split(";") for h in result.hits)


def test_python_path_reports_bad_rows_as_the_sql_path_does(matcher):
    customers = [Customer(name="Saddam Husein al-Tikriti", country="IQ"), Customer(name=""),
                 Customer(name="!!!"), Customer(name="Maria Schneider", dob="31/31/2000"),
                 Customer(name="Blue Lagoon Garden Supplies Limited", country="HK", address=(
                     "Room 1509, Unit A, 15th Floor, Mai Shun Industrial Building, No. 18-24 Kwai Cheong Road, "
                     "New Territories, Hong Kong"))]
    py_errors, py_hits = matcher.score_in_python(customers)
    sql_errors, sql_hits = matcher.score_in_sql(customers)
    assert py_errors == sql_errors
    assert [e is None for e in py_errors] == [True, False, False, False, True]
    assert sorted(py_hits) == sorted(sql_hits) == [0, 4]
    assert {h.match_kind for h in py_hits[4]} >= {"address"}
    for threshold in (0.99, 1.0):
        assert {h.entity_id for h in matcher.score_in_python(customers, threshold)[1].get(0, [])} == \
            {h.entity_id for h in matcher.score_in_sql(customers, threshold)[1].get(0, [])}


def test_no_address_hit_without_a_customer_address_even_at_threshold_0(matcher):
    """An address hit needs the customer's street address to equal a listed one: at threshold 0
    every candidate is a hit, but one without an address given is never an ADDRESS HIT."""
    address = ("Room 1509, Unit A, 15th Floor, Mai Shun Industrial Building, No. 18-24 Kwai Cheong Road, "
               "New Territories, Hong Kong")
    customers = [Customer(name="Saddam Husein al-Tikriti", country="IQ"), Customer(name="Maria Schneider"),
                 Customer(name="Blue Lagoon Garden Supplies Limited", country="HK", address=address)]
    for errors, hits in (matcher.score_in_sql(customers, 0.0), matcher.score_in_python(customers, 0.0)):
        assert errors == [None, None, None]
        assert len(hits[0]) > 1  # threshold 0: every candidate with some name likeness
        for hit in hits[0] + hits.get(1, []):
            assert hit.match_kind == "name", hit
            assert "ADDRESS HIT" not in hit.explanation
        by_address = [h for h in hits[2] if "address" in h.match_kind]
        assert by_address and all(step["level"] == "same street address" for h in by_address
                                   for step in h.waterfall if step["comparison"] == "address")
    assert [h.match_kind for h in matcher.score_in_sql(customers, 0.0)[1][0]] == \
        [h.match_kind for h in matcher.score_in_python(customers, 0.0)[1][0]]


SELECTIONS = [{"lists": "us_ofac_sdn,un_sc"}, {"exclude_lists": "us_csl,us_ofac_sdn", "threshold": 0.6},
              {"lists": "au_dfat,uk_ofsi", "source_thresholds": {"uk_ofsi": 0.3}}]


def _sources(list_refs: str) -> set[str]:
    return {ref.split(":", 1)[0] for ref in list_refs.split(";")}


def test_python_and_sql_apply_a_selection_of_lists_alike(matcher):
    """Both paths rank candidates among the selected parties only, cite the selected lists' entries
    and apply the run's thresholds: the same hits, refs, scores and explanations."""
    customers = real_variants(matcher.con, 60)
    for chosen in SELECTIONS:
        selection = make_selection(**chosen)
        sql_errors, sql_hits = matcher.score_in_sql(customers, selection=selection)
        hit_rows = 0
        for uid, cust in enumerate(customers):
            errors, hits = matcher.score_in_python([cust], selection=selection)
            assert errors == [sql_errors[uid]]
            got = [(h.entity_id, h.score, h.list_refs, h.match_kind, h.explanation) for h in hits.get(0, [])]
            want = [(h.entity_id, h.score, h.list_refs, h.match_kind, h.explanation) for h in sql_hits.get(uid, [])]
            assert got == want, (chosen, cust)
            assert all(_sources(h.list_refs) <= selection.sources for h in hits.get(0, []))
            hit_rows += bool(got)
        assert hit_rows >= 5, chosen


def test_a_selection_is_applied_before_the_best_candidates_are_kept(matcher):
    """A common name has more candidates than are kept: ranking among the selected lists' parties
    finds all those the whole-list ranking found on them, and more where it cut them off."""
    more = 0
    for name in ("Ali Hassan", "Mohammed Ali", "Kim Chol", "Abdul Rahman"):
        everything = matcher.candidate_scores_in_python(Customer(name))
        for source in ("au_dfat", "uk_ofsi", "ca_sema"):
            on_source = {p["uid_l"]: _select(p["list_refs"], source) for p in everything
                         if source in _sources(p["list_refs"])}
            selected = {p["uid_l"]: p["list_refs"]
                        for p in matcher.candidate_scores_in_python(Customer(name), frozenset({source}))}
            assert on_source.items() <= selected.items(), (name, source)
            assert all(_sources(refs) == {source} for refs in selected.values())
            more += len(selected) > len(on_source) and len(everything) == MAX_CANDIDATES
    assert more  # a party the whole-list ranking left out


def _select(list_refs: str, source: str) -> str:
    return ";".join(r for r in list_refs.split(";") if r.startswith(f"{source}:"))


@pytest.mark.parametrize("name, form", [("OJSC Gazprom", "jsc"), ("Gazprom", None)])
def test_of_names_alike_otherwise_the_one_with_the_customers_legal_form_is_closest(matcher, name, form):
    # the party is listed as Gazprom and as OJSC Gazprom (one core): the customer's legal form picks
    # which is shown and compared, on both paths
    customers = [Customer(name=name)]
    sql = [r for r in matcher.candidate_scores(customers) if r["core_l"] == "gazprom"]
    py = [p for p in matcher.candidate_scores_in_python(customers[0]) if p["core_l"] == "gazprom"]
    assert len(sql) == len(py) == 1
    assert sql[0]["matched_name"] == py[0]["matched_name"]
    assert (sql[0]["legal_form_l"], sql[0]["legal_form_r"]) == (form, form)
