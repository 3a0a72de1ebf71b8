"""A realistic legitimate customer book: persons and companies of twenty locales, none of them listed.

    python benchmarks/legit_book.py --rows 100000 --seed 7 -o book.csv

Writes ``id,name,address,country,dob,type`` (the columns ``screening screen`` guesses) with
Faker (``pip install -e '.[bench]'``): persons with and without a date of birth, in the locale's
own script and name order where Faker has them (Chinese, Japanese, Korean, Cyrillic, Arabic,
Persian, Devanagari...); companies as the locale writes them, with its legal forms (Faker's own,
plus the forms below where Faker seldom gives one); an ordinary local address. Names are made
distinct where a few retries can (a real book repeats a few common names too).

The same seed and Faker version give the same file. Screening it measures the *alert rate* on
customers that an analyst would clear: every hit on it is a false alert or, rarely, a real
namesake worth a look (see benchmarks/threshold_curve.py).
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

from faker import Faker

# locale -> (weight, country codes a customer of that locale lives in)
LOCALES: dict[str, tuple[int, tuple[str, ...]]] = {
    "en_US": (10, ("US",)), "en_GB": (6, ("GB",)), "de_DE": (6, ("DE",)), "fr_FR": (5, ("FR",)),
    "es_ES": (4, ("ES",)), "it_IT": (4, ("IT",)), "pl_PL": (4, ("PL",)), "pt_BR": (5, ("BR",)),
    "nl_NL": (4, ("NL",)), "zh_CN": (6, ("CN",)), "zh_TW": (5, ("TW", "HK")), "ja_JP": (5, ("JP",)),
    "ko_KR": (5, ("KR",)), "vi_VN": (5, ("VN",)), "ru_RU": (5, ("RU",)),
    "ar_AA": (5, ("AE", "SA", "EG", "JO", "QA", "KW", "OM", "BH", "MA")), "fa_IR": (4, ("IR",)),
    "tr_TR": (5, ("TR",)), "hi_IN": (5, ("IN",)), "id_ID": (5, ("ID",)),
}

# Legal forms added where Faker's company names seldom carry one: (form, written before the name)
EXTRA_FORMS: dict[str, tuple[tuple[str, bool], ...]] = {
    "en_US": (("Inc.", False), ("LLC", False), ("Corp.", False), ("Co.", False)),
    "en_GB": (("Ltd", False), ("Limited", False), ("PLC", False), ("LLP", False)),
    "fr_FR": (("SARL", False), ("S.A.S.", False), ("SAS", False), ("EURL", False)),
    "it_IT": (("S.p.A.", False), ("SPA", False), ("S.r.l.", False), ("S.n.c.", False)),
    "pl_PL": (("Sp. z o.o.", False), ("S.A.", False), ("sp.k.", False)),
    "nl_NL": (("B.V.", False), ("N.V.", False), ("BV", False)),
    "de_DE": (("GmbH", False), ("KG", False), ("GmbH & Co. KG", False), ("AG", False), ("e.K.", False)),
    "ru_RU": (("ООО", True), ("АО", True), ("ПАО", True)),
    "ar_AA": (("ش.م.م", False), ("ذ.م.م", False), ("المحدودة", False)),
    "fa_IR": (("شرکت", True), ("سهامی خاص", False)),
    "tr_TR": (("A.Ş.", False), ("Ltd. Şti.", False), ("San. ve Tic. Ltd. Şti.", False), ("Tic. A.Ş.", False)),
    "hi_IN": (("Pvt. Ltd.", False), ("Private Limited", False), ("प्राइवेट लिमिटेड", False)),
    "id_ID": (("PT", True), ("CV", True), ("Tbk", False)),
    "vi_VN": (("Công ty TNHH", True), ("Công ty Cổ phần", True), ("Công ty TNHH MTV", True)),
    "ko_KR": (("주식회사", True), ("(주)", True)),
    "ja_JP": (("株式会社", False), ("有限会社", False)),
    "zh_CN": (("有限公司", False), ("股份有限公司", False)),
    "zh_TW": (("有限公司", False), ("股份有限公司", False)),
    "es_ES": (("S.L.", False), ("S.A.", False), ("SL", False)),
    "pt_BR": (("Ltda.", False), ("S.A.", False), ("ME", False)),
}
PERSON_SHARE = 0.6   # the rest are companies
DOB_SHARE = 0.5      # of persons
FORM_SHARE = 0.6     # companies without a legal form from Faker get one of EXTRA_FORMS
RETRIES = 5          # attempts at a name not yet in the book
# Faker's vi_VN puts "Công ty ..." after the name; Vietnamese registers write it first
_VI_TRAILING_FORM = re.compile(r"^(.+?) (Công ty .+)$")


def _real_companies(fake: Faker) -> tuple[frozenset[str], tuple[str, ...]]:
    """Names of real firms a locale's company provider draws from (ru_RU and tr_TR large companies,
    fa_IR's whole list: some are listed, e.g. Transneft, Bank Pasargad), and its formats that make
    a name up instead."""
    real: set[str] = set()
    formats: tuple[str, ...] = ()
    for provider in fake.get_providers():
        for attr in ("large_companies", "company_names"):
            real.update(getattr(provider, attr, ()) or ())
        if hasattr(provider, "company_suffixes"):
            formats = tuple(f for f in getattr(provider, "formats", ()) if "large_company" not in f)
    return frozenset(real), formats


def _company(fake: Faker, rng: random.Random) -> str:
    """A made-up company name: never one of the real firms Faker lists for some locales."""
    real, formats = _real_companies(fake)
    name = fake.company()
    if name in real:
        name = fake.parse(rng.choice(formats)) if formats else f"{fake.last_name()} {fake.company_suffix()}"
    return name


def _faker_forms(fake: Faker) -> tuple[str, ...]:
    """The legal forms Faker's company provider of a locale writes itself."""
    found: list[str] = []
    for provider in fake.get_providers():
        found += [f for f in getattr(provider, "company_suffixes", ()) if f.strip()]
        found += [f for f in getattr(provider, "company_prefixes", ()) if f.strip()]
    return tuple(found)


def _with_form(fake: Faker, name: str, locale: str, rng: random.Random) -> str:
    """A company name with a legal form of its locale (Faker's own when it gave one)."""
    if locale == "vi_VN" and (m := _VI_TRAILING_FORM.match(name)) and rng.random() < 0.8:
        name = f"{m.group(2)} {m.group(1)}"
    forms = EXTRA_FORMS.get(locale, ())
    known = tuple(form for form, _ in forms) + _faker_forms(fake)
    if not forms or any(form in name for form in known) or rng.random() >= FORM_SHARE:
        return name
    form, before = rng.choice(forms)
    joiner = "" if locale in ("ja_JP", "zh_CN", "zh_TW") else " "
    return f"{form}{joiner}{name}" if before else f"{name}{joiner}{form}"


def _row(fake: Faker, locale: str, rng: random.Random, seen: set[str]) -> dict[str, str]:
    person = rng.random() < PERSON_SHARE
    for _ in range(RETRIES):
        name = fake.name() if person else _with_form(fake, _company(fake, rng), locale, rng)
        if name not in seen:
            break
    seen.add(name)
    dob = ""
    if person and rng.random() < DOB_SHARE:
        dob = fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat()
    return {"name": name, "address": " ".join(fake.address().split("\n")), "dob": dob,
            "country": rng.choice(LOCALES[locale][1]), "type": "person" if person else "organization"}


def make_book(rows: int, seed: int) -> list[dict[str, str]]:
    """``rows`` legitimate customers drawn over the locales by weight, reproducible from ``seed``."""
    rng = random.Random(seed)
    fakers = {}
    for k, locale in enumerate(LOCALES):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * 1000 + k)
    locales = list(LOCALES)
    weights = [LOCALES[loc][0] for loc in locales]
    seen: set[str] = set()
    book = []
    for i in range(rows):
        locale = rng.choices(locales, weights)[0]
        book.append({"id": f"B{i + 1:06d}", **_row(fakers[locale], locale, rng, seen)})
    return book


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", required=True, help="CSV file to write")
    args = ap.parse_args()
    book = make_book(args.rows, args.seed)
    with Path(args.output).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "name", "address", "country", "dob", "type"])
        writer.writeheader()
        writer.writerows(book)
    names = len({row["name"] for row in book})
    print(f"{len(book)} rows, {names} distinct names -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
