"""Name and address normalisation shared by consolidation and matching.

Every name, from a list or from a customer file, goes through :func:`normalize_name`, so both
sides are reduced the same way:

* control and invisible characters (ANSI escapes, bidi overrides, zero-width characters, C0/C1
  controls) are removed, a reversed run under a right-to-left override read as displayed
  (:func:`strip_invisible`);
* any script is transliterated to Latin ASCII (:func:`transliterate`); Chinese and Korean
  characters become one syllable per character, Arabic letter variants are folded first;
* organisation legal forms are split off at the edges of the name (ISO 20275's forms of every
  jurisdiction in ``data/legal_forms_elf.csv``, the forms met on the lists in
  ``data/legal_forms.csv``, positional words in ``data/legal_form_aliases.csv``) and mapped to a
  comparison class (``data/legal_form_classes.csv``: OOO ~ LLC ~ Ltd, AO/ZAO/OAO/PAO ~ JSC);
* person names given as "SURNAME, Given" are put in natural order, honorifics are dropped;
* each token gets a *skeleton*: its spelling class from ``data/name_variants.csv``
  (Mohammed/Muhammad, Pak/Park, Zhang/Chang...) or a rule-based key that folds the usual
  romanisation differences (Russian BGN vs ICAO endings, Korean eo/o, doubled letters...).

All reference data lives in ``screening/data``; it is read once.

Modules, in the order a name goes through them: :mod:`.data`, :mod:`.text`, :mod:`.tokens`,
:mod:`.legal`, :mod:`.names`, :mod:`.addresses`.
"""
from __future__ import annotations

from .data import DATA, branch_words  # noqa: F401
from .text import _CJK, script_of, strip_invisible, transliterate  # noqa: F401
from .tokens import phonetic, skeleton, variant_conflicts  # noqa: F401
from .names import NormalizedName, _latin, is_name_fragment, normalize_name  # noqa: F401
from .addresses import NormalizedAddress, address_parts, normalize_address  # noqa: F401
