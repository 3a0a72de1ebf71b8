"""Consolidate stage: list entries deduplicated into entities, one per real-world party.

Every government lists the same party under its own spelling, word order and id. This stage
joins the entries of all active list versions (and duplicates inside one list) into entities,
and records for every member why it was merged.

How (``consolidate_entities``):

1. **Features** (``sql/consolidate_entry_types.sql``, ``sql/consolidate_features.sql``): one row
   per entry. Names go through the project's one normaliser, :func:`screening.normalize.normalize_name`
   (``name_keys``): transliterated to Latin (the published text stays in ``names``), "SURNAME, Given"
   put in natural order, legal forms split off the core name and compared by class (OOO ~ LLC),
   keys with word order kept and sorted, per-word spelling classes (skeletons) and their metaphone
   keys. Every name word gets a weight from the lists themselves, log2(entries / entries using it)
   (``cons_word_weights``): "bank", "al" or "vladimir" weigh little, a rare surname much. Also dates
   of birth (full dates and years, ranges expanded), nationalities and countries, city and address
   words, document numbers and IMO numbers (normalised, labels such as ``INN:`` split off). An entry
   of a list that gives no country at all (Canada's) takes the country of the regime it is listed
   under (``regime_countries`` in ``models/consolidate_reference.json``): without it an exact name
   and nothing else scores 0.38 and the Canadian entries stayed single-member entities.
2. **Deterministic links** (``sql/consolidate_links.sql``): a CSL row's OFAC ``entity_number``;
   one OFAC ent_num on both OFAC lists; a cited UN reference number (``QDi.123``; the pre-2016 form
   ``QI.A.123.05`` maps to ``QDi.123``); a shared passport / national id / tax / registration
   number or IMO number. The names must share words worth ``RARE_WORD_BITS`` bits at least (one
   rare word or several common ones: a subsidiary citing its parent's tax number and sharing only
   "bank" with it stays apart), persons never link to non-persons, documents need dates of birth
   that do not conflict, and a number found on more than ``MAX_KEY_ENTRIES`` entries is ignored.
   A weaker rule, ``same_name``, links entries of two lists that carry one full name (equal after
   normalisation up to word order and legal form) when nothing tells them apart: two words at least
   (never a single name) weighing ``SAME_NAME_BITS`` together, not the name of two entries of one
   list, types, legal forms, birth years and countries not in conflict. It catches what the model
   cannot score for lack of evidence (a CSL row with no type or address, an SDN entry with no
   address).
3. **Probabilistic links** (Splink 5, ``dedupe_only`` over all entries, model in
   ``screening/models/consolidate_model.json``). Comparisons: ``name`` (same name with word order
   kept > same words in any order > same words up to spelling variants > same phonetic words > all
   words of one primary name inside a name of the other, two words at least > two shared words >
   one rare word shared > one common word > none), ``legal_form`` (class),
   ``dob`` (same full date > same year with one side year-only > same year, different full dates >
   one year apart > further), ``country`` (nationalities and address countries), ``city`` (a city
   of one found in the other's address words), ``document`` and ``imo`` (shared / both known and
   different), ``entity_type``. Blocking: the same full date of birth, the same word-order name,
   the same phonetic key, the same two heaviest words of a name (``rare_pairs``: a legal form left
   in one name or an added word does not keep a pair from being compared). Training (``train_model``, run by ``benchmarks/train_consolidate_model.py``):
   u by random sampling (2 M pairs, seed 42); m from the deterministic UN-reference links used as
   labels, plus cross-publisher shared-document links (they show real name variation), Laplace-smoothed,
   with the two levels no label can show set by hand (``M_BY_HAND``: different documents, different
   IMO numbers); the prior from the number of deterministic links. Pairs scoring at least
   ``THRESHOLD`` are kept (0.5-0.9 score alike on the dev pairs; 0.9 is the most conservative of them).
4. **Clustering** (``cluster``): edges are applied strongest first (deterministic rules, then
   Splink by match weight) and two groups are only joined when nothing proves them apart: no two
   persons whose birth years are all 2+ years apart, no two different IMO numbers, no person with
   a non-person, no two entries of one publisher joined by Splink alone (a publisher lists a party
   once; only aggregated lists such as the CSL repeat one: ``models/consolidate_reference.json``),
   and no group above ``MAX_ENTITY_SIZE``. ``same_name`` links come last, under the Splink guards,
   and never join two groups whose countries are disjoint (a name alone must not bridge them).
   A chain of weak links therefore cannot pull unrelated parties into one entity.
5. **Tables** (``sql/consolidate_tables.sql``, ``sql/consolidate_entities.sql``): ``entities`` and
   ``entity_members`` replaced in one transaction. ``entity_id`` is derived from the sorted
   member refs (``entity_id_for``), so it is stable across re-runs and refreshes when the
   membership does not change.

The package, one module per step: ``settings`` (files, thresholds, rules), ``keys`` (name,
document and UN-reference keys), ``features`` (``cons_input``, ``cons_links``), ``model`` (the
Splink comparisons and prediction), ``training``, ``cluster``, ``build`` (the stage:
``consolidate_entities``) and ``show`` (the read side).  Entity ids come from
:mod:`screening.entity_ids`, shared with the match index.
"""
from __future__ import annotations

from ..entity_ids import entity_id_for
from .build import ConsolidationReport, consolidate_entities
from .cluster import Edge, cluster
from .features import build_features, deterministic_links
from .keys import document_keys, name_keys, un_ref_key
from .model import SPLINK_COLUMNS, predict_links, splink_settings
from .settings import (MAX_ENTITY_SIZE, MAX_KEY_ENTRIES, MODEL_PATH, NAME_RULES, RARE_WORD_BITS, REFERENCE_PATH,
                       RULE_ORDER, SAME_NAME_BITS, THRESHOLD, aggregator_sources)
from .show import show_entity
from .training import M_BY_HAND, train_model

__all__ = ["ConsolidationReport", "Edge", "MAX_ENTITY_SIZE", "MAX_KEY_ENTRIES", "MODEL_PATH", "M_BY_HAND", "NAME_RULES",
           "RARE_WORD_BITS", "REFERENCE_PATH", "RULE_ORDER", "SAME_NAME_BITS", "SPLINK_COLUMNS", "THRESHOLD",
           "aggregator_sources", "build_features", "cluster", "consolidate_entities", "deterministic_links",
           "document_keys", "entity_id_for", "name_keys", "predict_links", "show_entity", "splink_settings",
           "train_model", "un_ref_key"]
