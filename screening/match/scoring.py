"""Every constant of candidate ranking and name and address closeness, once.

The SQL path (``sql/match_pairs.sql``, ``sql/match_macros.sql``, ``sql/match_scores.sql``) gets
them as parameters (:func:`pair_params`); the Python lookup path (:mod:`screening.match.lookup`)
reads them here. ``tests/match/test_match_lookup.py`` checks that both paths give the same
similarities, candidates, hits and scores.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

# Entities kept per customer name from name blocking, best-ranked by the rare keys they share.
MAX_CANDIDATES = 20
# key kind (its prefix) -> points an entity scores for sharing a key of that kind (match_ncand)
KEY_POINTS = {"c": 8, "t": 3, "b": 3, "g": 1}
OTHER_KEY_POINTS = 2   # a key of any other kind
MIN_KEY_POINTS = 2     # fewer: a shared 3-letter prefix pair alone is too weak a reason to compare
RANK_PLACES = 9        # ranks equal to this many places are ties (sums in another order differ in the last bits)
COVER_SLACK = 1e-9     # added to a bound of a cover (match_address_open): sums in another order differ in the last bits


@dataclass(frozen=True)
class TokenSimilarity:
    """How alike two tokens are (``match_tok_sim``; :func:`screening.match.lookup.token_similarity`)."""

    same_class: float = 0.95      # same spelling class (Pak/Park, Zhang/Chang)
    class_min_len: int = 2        # shorter classes count only when equal (Ri/Lee, Su)
    min_len: int = 3              # shorter words count only when equal or in the same class
    phonetic: float = 0.9         # same phonetic key ...
    phonetic_min_len: int = 3     # ... of this many letters ('tk' fits too many words)
    prefix: float = 0.85          # a customer word that starts the listed word (cut short)
    loose: float = 0.85           # same loose consonant key (Seok/Sok) ...
    loose_min_len: int = 2        # ... of this many letters
    one_edit: float = 0.9         # one edit, same first letter
    two_edits: float = 0.85       # two edits ...
    two_edits_min_len: int = 7    # ... in words this long
    class_edit: float = 0.85      # spelling classes one edit apart, same first letter (a typo in a variant) ...
    class_edit_min_len: int = 3   # ... of this many letters
    close_min: float = 0.88       # Jaro-Winkler from here is a close spelling ...
    close_max: float = 0.94       # ... counted at most this: below a spelling variant
    close_min_len: int = 4        # ... between words this long
    exact: float = 0.95           # from here a word is the same word or a spelling variant (exact covers)
    cut: float = 0.95             # a customer's last word cut short at the listed word's place


@dataclass(frozen=True)
class Rank:
    """The closest listed name or address of a candidate: the one of highest rank."""

    same_core: float = 4.0        # names: the same normalised name
    same_words: float = 2.0       # names: the same words in another order or spacing
    least_cover: float = 1.0      # names and addresses: the lower of the two covers
    greatest_cover: float = 0.1   # names: the higher of the two covers; addresses: the customer side's
    # names: a listed name holding every customer word (HADDAD, Fethi in HADDAD, Fethi Ben Assen Ben
    # Salem; the customer name of two words or more) outranks another alias sharing half of them
    every_customer_word: float = 0.5
    every_customer_word_cover: float = 0.9
    # names: of names alike otherwise, one with the customer's legal form (OJSC Gazprom for a customer's
    # OJSC Gazprom rather than the alias Gazprom, whose legal forms then differ): too small to
    # outweigh a word more in common
    same_legal_form: float = 0.001


TOKEN_SIMILARITY = TokenSimilarity()
RANK = Rank()


def pair_params() -> dict:
    """The parameters of ``sql/match_pairs.sql`` (each statement takes the ones it names)."""
    return {"max_candidates": MAX_CANDIDATES, "key_kinds": list(KEY_POINTS), "key_points": list(KEY_POINTS.values()),
            "other_key_points": OTHER_KEY_POINTS, "min_key_points": MIN_KEY_POINTS, "rank_places": RANK_PLACES,
            "cover_slack": COVER_SLACK,
            "sim": asdict(TOKEN_SIMILARITY), "rank": asdict(RANK)}
