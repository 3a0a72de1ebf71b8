"""Synthetic customer records for training and benchmarking the screen: list-derived variants
(typos, word order, legal forms, transliteration spellings, dropped, cut or added words,
front-company tags, the listed address) and legitimate customers that are not on the lists.

A listed party seldom shows up where it is listed: a list-derived customer carries its listed
country and address only part of the time, and otherwise another country and an ordinary local
street address (the diversion pattern), or none. Legitimate customers are a multi-locale book made
with Faker (persons with and without full birth dates, companies with their local legal forms and
addresses) plus simple generated names.

Everything is drawn from the store's prepared list tables with seeded random generators.
"""
from __future__ import annotations

import random
import re

FIRST = ["James", "Maria", "Wei", "Li", "Anna", "Peter", "Fatima", "Omar", "Yuki", "Hiroshi", "Sofia", "Lucas",
         "Priya", "Rahul", "Elena", "Olga", "Ivan", "Chen", "Min-jun", "Seo-yeon", "Carlos", "Ana", "John", "Sarah",
         "Ahmed", "Leila", "David", "Emma", "Noah", "Mei", "Kenji", "Aisha", "Tomas", "Eva", "Lars", "Ingrid",
         "Mateo", "Lucia", "Arjun", "Nadia", "Pavel", "Irina", "Hassan", "Zainab", "Giulia", "Marco", "Jan", "Petra"]
LAST = ["Smith", "Garcia", "Wang", "Zhang", "Mueller", "Rossi", "Tanaka", "Sato", "Kim", "Park", "Nguyen", "Tran",
        "Kowalski", "Novak", "Silva", "Santos", "Johnson", "Brown", "Patel", "Sharma", "Ivanova", "Popescu",
        "Jensen", "Larsen", "Dubois", "Martin", "Fischer", "Weber", "Yilmaz", "Kaya", "Haddad", "Nasser",
        "Cohen", "Levi", "Okafor", "Mensah", "Andersson", "Nilsson", "Moreau", "Lopez", "Fernandez", "Tan", "Lim"]
ORG_A = ["Pacific", "Golden", "Bright", "Northern", "Silver", "Evergreen", "Summit", "Harbor", "Lotus", "Apex",
         "Blue Ocean", "Sunrise", "Greenfield", "Crystal", "Eagle", "Phoenix", "Orient", "Delta", "Nova", "Jade",
         "Riverside", "Unity", "Prime", "Zenith", "Horizon", "Maple", "Coral", "Vertex", "Atlas", "Sterling"]
ORG_B = ["Electronics", "Trading", "Logistics", "Foods", "Textiles", "Machinery", "Components", "Shipping",
         "Software", "Consulting", "Chemicals", "Plastics", "Furniture", "Garments", "Semiconductor", "Metals",
         "Packaging", "Pharma", "Optics", "Instruments", "Motors", "Energy", "Solar", "Paper", "Ceramics"]
FORMS = ["Co., Ltd.", "Ltd", "Limited", "LLC", "Inc.", "GmbH", "Pte. Ltd.", "Sdn. Bhd.", "S.A.", "JSC", "Corp.", ""]
CITIES = [("Shenzhen", "CN"), ("Taipei", "TW"), ("Seoul", "KR"), ("Osaka", "JP"), ("Hamburg", "DE"),
          ("Singapore", "SG"), ("Dubai", "AE"), ("Austin", "US"), ("Bangkok", "TH"), ("Istanbul", "TR"),
          ("Mumbai", "IN"), ("Hong Kong", "HK"), ("Kuala Lumpur", "MY"), ("Hanoi", "VN"), ("Milan", "IT")]
TAGS = ["Trading", "International", "(HK)", "Technology", "Global", "Asia", "Hong Kong"]
# Common romanisation alternatives (general spelling classes, both directions)
SPELLINGS = [("mohammed", "muhammad"), ("mohamed", "mohammad"), ("ahmed", "ahmad"), ("hussein", "husayn"),
             ("hossein", "husain"), ("yusuf", "youssef"), ("osama", "usama"), ("khaled", "khalid"),
             ("abdullah", "abdallah"), ("nasser", "nasir"), ("sayed", "sayyid"), ("abu", "abou"), ("al-", "el-"),
             ("yevgeny", "evgenii"), ("sergey", "sergei"), ("yuri", "iurii"), ("nikolay", "nikolai"),
             ("chol", "cheol"), ("song", "seong"), ("yong", "yeong"), ("kwang", "gwang"), ("pak", "park"),
             ("choe", "choi"), ("zhang", "chang"), ("xu", "hsu"), ("zhou", "chou"), ("beijing", "peking")]
FORM_SWAPS = [("co., ltd.", "company limited"), ("ltd", "limited"), ("llc", "limited liability company"),
              ("ooo", "llc"), ("jsc", "ao"), ("sdn. bhd.", "sendirian berhad"), ("fze", "free zone establishment")]


TYPO_MIN = 4  # letters of the shortest word given a typo
TWO_TYPOS_MIN = 9  # letters of the shortest word that may be given two
TWO_TYPOS_SHARE = 0.3  # of the typos in such a long word


def typo(word: str, rng: random.Random) -> str:
    """One edit (keyboard-ish substitution, deletion, insertion or swap), first letter kept; a long
    word sometimes gets a second one."""
    if len(word) < TYPO_MIN:
        return word
    once = _one_edit(word, rng)
    if len(word) >= TWO_TYPOS_MIN and rng.random() < TWO_TYPOS_SHARE:
        return _one_edit(once, rng)
    return once


def _one_edit(word: str, rng: random.Random) -> str:
    """One edit inside the word, its first letter kept."""
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("sdit")
    letter = rng.choice("aeiourstnlm")
    if op == "s":
        return word[:i] + letter + word[i + 1:]
    if op == "d":
        return word[:i] + word[i + 1:]
    if op == "i":
        return word[:i] + letter + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def partial(name: str, rng: random.Random) -> str:
    """A shortened name: middle names dropped ("SURNAME, First Middle" -> "SURNAME, First", or the
    first and last word of a name in natural order), or a long name cut at a payment message's
    35 characters, at a word boundary or inside a word."""
    if len(name) > 40 and (rng.random() < 0.5 or "," not in name):
        cut = name[:35]
        return cut.rsplit(" ", 1)[0] if rng.random() < 0.5 and " " in cut else cut.rstrip()
    if name.count(",") == 1:
        surname, given = (p.strip() for p in name.split(","))
        given_words = given.split()
        if len(given_words) >= 2:
            return f"{surname}, {given_words[0]}"
        return name
    words = name.split()
    if len(words) >= 3:
        return " ".join([words[0], words[-1]])
    return name


def _swap_text(text: str, pairs: list[tuple[str, str]], rng: random.Random) -> str:
    low = text.lower()
    options = [(a, b) for a, b in pairs if a in low] + [(b, a) for a, b in pairs if b in low]
    if not options:
        return text
    a, b = rng.choice(options)
    return re.sub(re.escape(a), b, text, count=1, flags=re.IGNORECASE)


def variant(name: str, kind: str, rng: random.Random) -> str:
    """A variation of a listed name of the given kind."""
    words = name.replace(",", " ").split()
    if kind == "case":
        return rng.choice([name.upper(), name.lower(), name.title()]).replace("-", " ")
    if kind == "order" and len(words) >= 2:
        return " ".join(words[-1:] + words[:-1])
    if kind == "typo":
        longs = [i for i, w in enumerate(words) if len(w) >= TYPO_MIN]
        if longs:
            i = rng.choice(longs)
            words[i] = typo(words[i], rng)
        return " ".join(words)
    if kind == "partial":
        return partial(name, rng)
    if kind == "form":
        return _swap_text(name, FORM_SWAPS, rng)
    if kind == "translit":
        return _swap_text(name, SPELLINGS, rng)
    if kind == "extra":
        return extra_word(name, rng)
    if kind == "shell":
        return " ".join(w for w in words if w.lower() not in ("co.,", "ltd.", "ltd", "limited")) + " " \
            + rng.choice(TAGS) + " " + rng.choice(FORMS)
    return name


# Words a listed company name gains as a subsidiary, a branch or a trading name (Rosneft Holding)
EXTRA_WORDS = ["Holding", "Group", "Moscow", "International", "Trading", "Dubai", "Services", "Industries",
               "Branch", "Overseas", "Bank", "Company"]
# Faker locales of the legitimate book and their countries
LOCALES = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "es_ES": "ES", "it_IT": "IT",
           "pt_BR": "BR", "pl_PL": "PL", "nl_NL": "NL", "zh_CN": "CN", "zh_TW": "TW", "ja_JP": "JP",
           "ko_KR": "KR", "vi_VN": "VN", "ru_RU": "RU", "ar_AA": "AE", "fa_IR": "IR", "tr_TR": "TR",
           "hi_IN": "IN", "id_ID": "ID", "en_IN": "IN", "th_TH": "TH"}


def extra_word(name: str, rng: random.Random) -> str:
    """The name with one word added after it or before it (a subsidiary, branch or trading name)."""
    word = rng.choice(EXTRA_WORDS)
    return f"{name} {word}" if rng.random() < 0.9 else f"{word} {name}"


KINDS = ["exact", "case", "order", "typo", "partial", "form", "translit", "shell", "extra", "combined"]


class LocalAddresses:
    """Ordinary street addresses of a country, made by Faker in one of its locales."""

    def __init__(self, seed: int) -> None:
        from faker import Faker  # a benchmark dependency, not the product's

        self.fakers: dict[str, list] = {}
        for i, (locale, cc) in enumerate(LOCALES.items()):
            fake = Faker(locale)
            fake.seed_instance(seed + i)
            self.fakers.setdefault(cc, []).append(fake)

    @property
    def countries(self) -> list[str]:
        return sorted(self.fakers)

    def fake(self, cc: str, rng: random.Random):
        return rng.choice(self.fakers[cc])

    def address(self, cc: str, rng: random.Random) -> str:
        return self.fake(cc, rng).address().replace("\n", ", ")


def listed_variants(con, n: int, rng: random.Random, local: LocalAddresses | None = None) -> list[dict]:
    """Customers made from listed entities: a varied name, and where it claims to live: its listed
    country and address (about half the time), or another country with a local street address."""
    rows = con.execute("""
        SELECT e.entity_id, first(n.name ORDER BY n.kind = 'primary' DESC, n.name) AS name, e.entity_type,
               e.countries, e.birth_years, e.birth_dates, min(a.address) AS address
        FROM match_entities e JOIN match_names n USING (entity_id)
        LEFT JOIN match_addresses a USING (entity_id)
        WHERE n.kind IN ('primary', 'aka') GROUP BY ALL ORDER BY e.entity_id""").fetchall()
    local = local or LocalAddresses(rng.randrange(1 << 30))
    out = []
    for _ in range(n):
        entity_id, name, etype, countries, years, dates, address = rng.choice(rows)
        kind = rng.choice(KINDS)
        if kind == "combined":
            for k in rng.sample(KINDS[1:9], 2):
                name = variant(name, k, rng)
        else:
            name = variant(name, kind, rng)
        shell = kind == "shell" and address
        where = rng.random()
        if shell or where < 0.45:  # where it is listed
            country = rng.choice(countries) if countries and rng.random() < 0.8 else None
            addr = address if shell or (address and rng.random() < 0.3) else None
        elif where < 0.85:  # elsewhere: another country, an ordinary local address or a city
            cc = rng.choice([c for c in local.countries if c not in (countries or [])])
            country = cc if rng.random() < 0.85 else None
            addr = local.address(cc, rng) if rng.random() < 0.6 else (local.fake(cc, rng).city() if rng.random() < 0.5 else None)
        else:
            country, addr = None, None
        dob = None
        if etype == "person" and years and rng.random() < 0.5:
            dob = str(rng.choice(dates)) if dates and rng.random() < 0.5 else str(rng.choice(years))
        out.append({
            "name": name, "type": (etype if etype in ("person", "organization", "vessel") and rng.random() < 0.8 else None),
            "country": country, "dob": dob, "address": addr, "truth": entity_id, "kind": kind,
        })
    return out


def legit_book(n: int, rng: random.Random, listed_cores: set[str], local: LocalAddresses) -> list[dict]:
    """A multi-locale legitimate book: Faker persons (half with a full birth date) and companies
    (with their local legal forms), at a local address, a city or none; none equal to a listed name."""
    out = []
    while len(out) < n:
        cc = rng.choice(local.countries)
        fake = local.fake(cc, rng)
        r = rng.random()
        address = local.address(cc, rng) if r < 0.6 else (fake.city() if r < 0.8 else None)
        if rng.random() < 0.55:
            name = fake.name()
            dob = fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat() if rng.random() < 0.5 else None
            rec = {"name": name, "type": "person" if rng.random() < 0.6 else None, "dob": dob}
        else:
            name = fake.company()
            rec = {"name": name, "type": "organization" if rng.random() < 0.6 else None, "dob": None}
        if name.lower() in listed_cores:
            continue
        rec.update(country=cc if rng.random() < 0.9 else None, address=address, truth=None, kind="legit")
        out.append(rec)
    return out


def legit_customers(n: int, rng: random.Random, listed_cores: set[str]) -> list[dict]:
    """Generated ordinary persons and companies, none equal to a listed name."""
    out = []
    while len(out) < n:
        city, cc = rng.choice(CITIES)
        if rng.random() < 0.5:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            rec = {"name": name, "type": "person", "country": cc,
                   "dob": str(rng.randint(1940, 2004)) if rng.random() < 0.5 else None, "address": None}
        else:
            name = f"{rng.choice(ORG_A)} {rng.choice(ORG_B)} {rng.choice(FORMS)}".strip()
            if rng.random() < 0.3:
                name = f"{city} {name}"
            rec = {"name": name, "type": "organization" if rng.random() < 0.8 else None, "country": cc,
                   "dob": None,
                   "address": f"{rng.randint(1, 999)} {rng.choice(ORG_A)} Road, {city}" if rng.random() < 0.5 else city}
        if name.lower() in listed_cores:
            continue
        rec.update(truth=None, kind="legit")
        out.append(rec)
    return out


def customer_mix(con, n: int, listed_share: float = 0.1, seed: int = 7, book_share: float = 0.7) -> list[dict]:
    """``n`` customers, about ``listed_share`` of them list-derived, the rest legitimate (about
    ``book_share`` of those from the multi-locale book), shuffled."""
    rng = random.Random(seed)
    local = LocalAddresses(seed)
    cores = {r[0] for r in con.execute("SELECT lower(name) FROM match_names").fetchall()}
    n_listed = int(n * listed_share)
    n_book = int((n - n_listed) * book_share)
    rows = (listed_variants(con, n_listed, rng, local) + legit_book(n_book, rng, cores, local)
            + legit_customers(n - n_listed - n_book, rng, cores))
    rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["id"] = f"C{i:07d}"
    return rows
