import csv
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from screening.parse import ofac_csv
from screening.parse.model import ParseResult, SourceFormatError
from screening.parse.ofac_remarks import parse_dob, parse_remarks, split_remarks

from ..conftest import FIXTURES, LISTS

SDN = LISTS / "us_ofac_sdn" / "2023-12-28"
CONS = LISTS / "us_ofac_cons" / "2025-12-19"


@pytest.fixture(scope="module")
def sdn() -> ParseResult:
    return ofac_csv.parse(SDN, "us_ofac_sdn", "2023-12-28")


@pytest.fixture(scope="module")
def sdn_by_id(sdn: ParseResult) -> dict:
    return {e.source_id: e for e in sdn.entries}


def _raw_rows(path: Path) -> dict[str, list[str]]:
    rows = csv.reader(io.StringIO(path.read_text(encoding="ascii"), newline=""))
    return {r[0]: r for r in rows if len(r) > 1}


def test_sdn_bundled_counts_and_accounting(sdn: ParseResult):
    assert sdn.records_read == 13821
    assert len(sdn.entries) == 13821 and sdn.rejected_records == 0
    assert len({e.source_id for e in sdn.entries}) == 13821
    assert Counter(e.entity_type for e in sdn.entries) == {
        "person": 6646, "organization": 6033, "vessel": 764, "aircraft": 378}
    assert sdn.version == "2023-12-28" and sdn.notes == []
    assert [p.name for p in sdn.files] == ["sdn.csv", "sdn_comments.csv", "alt.csv", "add.csv"]


def test_cons_bundled_counts_and_files():
    result = ofac_csv.parse(CONS, "us_ofac_cons", "2025-12-19")
    assert result.records_read == 442 == len(result.entries) + result.rejected_records
    assert len(result.entries) == 442
    assert {e.file for e in result.entries} == {"cons_prim.csv"}
    sber = next(e for e in result.entries if e.source_id == "17018")
    assert sber.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert any(n.location and n.location.startswith("cons_alt.csv:") for n in sber.names)


def test_individual_dob_passport_nationality_from_remarks(sdn_by_id):
    amhaz = sdn_by_id["17034"]  # AMHAZ, Kamel Mohamad: "DOB 04 Aug 1973; ... Passport RL2244333 (Lebanon)"
    assert amhaz.entity_type == "person" and amhaz.location == "3435"
    assert amhaz.primary_name == "AMHAZ, Kamel Mohamad"
    dob = amhaz.birth_dates[0]
    assert (dob.year, dob.month, dob.day, dob.precision) == (1973, 8, 4, "day")
    passport = next(i for i in amhaz.identifiers if i.id_type == "passport")
    assert (passport.value, passport.country_code) == ("RL2244333", "LB")
    assert [(n.country_code, n.kind) for n in amhaz.nationalities] == [("LB", "nationality")]
    assert amhaz.extra["title"] == "President and Chief Executive Officer, Stars Group Holding"
    assert amhaz.addresses[0].city == "Haret Hreik" and amhaz.addresses[0].location == "add.csv:5931"
    assert "AMHAZ, Kamil" in [n.name for n in amhaz.names if n.kind == "aka"]


def test_passport_with_issue_dates_and_two_dobs(sdn_by_id):
    batarjee = sdn_by_id["8809"]
    assert [d.text for d in batarjee.birth_dates] == ["01 Jul 1946", "01 Jun 1946"]
    passport = next(i for i in batarjee.identifiers if i.id_type == "passport")
    assert passport.value == "F 572010" and "issued 22 Dec 2004" in passport.note
    assert batarjee.birth_places == ["Jeddah, Saudi Arabia"]
    assert batarjee.nationalities[0].kind == "citizenship"
    assert any(i.id_type == "email" and i.value == "adelb@shabakah.net.sa" for i in batarjee.identifiers)


def test_remarks_continued_in_comments_are_joined(sdn_by_id):
    comment = _raw_rows(SDN / "sdn_comments.csv")["17018"][1]
    sber = sdn_by_id["17018"]
    assert len(sber.remarks) > 1000
    assert sber.remarks.endswith(comment)
    assert sber.remarks[:1000] == _raw_rows(SDN / "sdn.csv")["17018"][11]
    # The facts after the cut are parsed too.
    assert any(i.value == "1027700132195" and i.country_code == "RU" for i in sber.identifiers)


def test_weak_akas_from_remarks_including_one_split_by_the_cut(sdn_by_id):
    bnc = sdn_by_id["306"]
    assert [(n.name, n.kind) for n in bnc.names] == [
        ("BANCO NACIONAL DE CUBA", "primary"), ("NATIONAL BANK OF CUBA", "aka"), ("BNC", "weak")]
    lazarus = {n.name: n.kind for n in sdn_by_id["27307"].names}
    assert lazarus["WHOIS HACKING TEAM"] == "weak"  # 'WHOIS HACKIN' + 'G TEAM' across the 1000-char cut
    assert lazarus["APPLEWORM"] == "weak"


def test_vessel_imo_call_sign_and_linked_to(sdn_by_id):
    tolou = sdn_by_id["15091"]
    assert tolou.entity_type == "vessel"
    ids = {i.id_type: i.value for i in tolou.identifiers}
    assert ids["imo"] == "IMO 8318178" and ids["call_sign"] == "EQOD"
    assert tolou.extra["linked_to"] == "NATIONAL IRANIAN TANKER COMPANY"
    assert tolou.extra["vessel_flag_code"] == "IR" and tolou.extra["tonnage"] == "250"


def test_several_linked_to_are_joined():
    result = ofac_csv.parse(FIXTURES / "lists" / "us_ofac_sdn" / "2021-07-07", "us_ofac_sdn", "2021-07-07")
    assert len(result.entries) == result.records_read == 8976
    ibanez = next(e for e in result.entries if e.source_id == "4358")  # IBANEZ LOPEZ, Raul Alberto
    # Remarks end "...; Linked To: DISTRIBUIDORA DE ELEMENTOS PARA LA CONSTRUCCION S.A." (one dot, not two)
    assert ibanez.extra["linked_to"] == (
        "AGROPECUARIA LA ROBLEDA S.A. | GANADERIAS DEL VALLE S.A. | INMOBILIARIA U.M.V. S.A. | "
        "DISTRIBUIDORA DE ELEMENTOS PARA LA CONSTRUCCION S.A.")
    assert [i.value for i in ibanez.identifiers] == ["16640123"]


def test_sdn_csv_only_folder_loads_with_notes():
    result = ofac_csv.parse(FIXTURES / "lists" / "us_ofac_sdn" / "2024-04-26", "us_ofac_sdn", "2024-04-26")
    assert len(result.entries) == result.records_read == 14668
    assert "alt.csv absent: no aliases in this version" in result.notes
    assert any(n.startswith("add.csv absent") for n in result.notes)
    assert any(n.startswith("sdn_comments.csv absent") for n in result.notes)
    assert all(e.names[0].kind == "primary" for e in result.entries)


def test_folder_without_sdn_csv_is_refused():
    with pytest.raises(SourceFormatError, match=r"sdn\.csv: file is missing"):
        ofac_csv.parse(FIXTURES / "lists" / "us_ofac_sdn" / "2025-12-24", "us_ofac_sdn", "2025-12-24")


def test_excerpt_rows_linked_to_absent_entries_are_issues_not_entries():
    result = ofac_csv.parse(FIXTURES / "lists" / "us_ofac_sdn" / "excerpt-2025-05", "us_ofac_sdn", "x")
    assert len(result.entries) == 17
    orphans = [i for i in result.issues if "not in sdn.csv" in i.problem]
    assert orphans and not any(i.rejected for i in orphans)
    assert {i.file for i in orphans} <= {"add.csv", "alt.csv", "sdn_comments.csv"}


def _copy_prim(tmp_path: Path) -> Path:
    shutil.copy(CONS / "cons_prim.csv", tmp_path / "cons_prim.csv")
    return tmp_path / "cons_prim.csv"


def test_html_page_saved_as_sdn_csv_is_refused(tmp_path: Path):
    (tmp_path / "sdn.csv").write_text("<!DOCTYPE html><html><body>Access denied</body></html>", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"^sdn\.csv: .*HTML"):
        ofac_csv.parse(tmp_path, "us_ofac_sdn", "x")


def test_empty_sdn_csv_is_refused(tmp_path: Path):
    (tmp_path / "sdn.csv").write_bytes(b"")
    with pytest.raises(SourceFormatError, match=r"sdn\.csv: file is empty"):
        ofac_csv.parse(tmp_path, "us_ofac_sdn", "x")


def test_csv_with_a_header_row_is_refused(tmp_path: Path):
    (tmp_path / "sdn.csv").write_text("ent_num,SDN_Name,SDN_Type\r\n36,\"X\",-0- \r\n", encoding="ascii")
    with pytest.raises(SourceFormatError, match=r"sdn\.csv: line 1 is not an OFAC row"):
        ofac_csv.parse(tmp_path, "us_ofac_sdn", "x")


def test_truncated_file_rejects_the_cut_row_and_loads_the_rest(tmp_path: Path):
    data = (CONS / "cons_prim.csv").read_bytes()
    lines = data.split(b"\r\n")
    cut_at = len(b"\r\n".join(lines[:300])) + 2 + 40  # 40 bytes into line 301
    (tmp_path / "cons_prim.csv").write_bytes(data[:cut_at])
    result = ofac_csv.parse(tmp_path, "us_ofac_cons", "x")
    rejected = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line) for i in rejected] == [("cons_prim.csv", "301")]
    assert "cut short" in rejected[0].problem
    assert len(result.entries) == 300 and result.records_read == 301
    assert any(n.startswith("cons_alt.csv absent") for n in result.notes)


def test_row_with_too_few_columns_is_rejected_with_file_and_line(tmp_path: Path):
    path = _copy_prim(tmp_path)
    lines = path.read_bytes().split(b"\r\n")
    first_four = next(csv.reader([lines[9].decode("ascii")]))[:4]  # ent_num, name, type, program
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="").writerow(first_four)
    lines[9] = out.getvalue().encode("ascii")
    path.write_bytes(b"\r\n".join(lines))
    result = ofac_csv.parse(tmp_path, "us_ofac_cons", "x")
    rejected = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line) for i in rejected] == [("cons_prim.csv", "10")]
    assert "expected 12 fields, found 4" in rejected[0].problem
    assert len(result.entries) == 441 and result.records_read == 442


def test_split_remarks_keeps_parenthesised_notes_whole():
    text = ("DOB 1969; National ID No. 1372584 (Kenya); (Following data derived from a passport: "
            "Alt. DOB: 10 October 1969; Alt. POB: Keren Eritrea); a.k.a. 'ABU MANSUR'.")
    assert split_remarks("Linked To: KPD S.A.; Linked To: BIESTRA S.A.") == [
        "Linked To: KPD S.A.", "Linked To: BIESTRA S.A."]
    assert split_remarks("a.k.a. 'BNC'.") == ["a.k.a. 'BNC'"]
    assert split_remarks(text) == ["DOB 1969", "National ID No. 1372584 (Kenya)",
                                   "(Following data derived from a passport: Alt. DOB: 10 October 1969; "
                                   "Alt. POB: Keren Eritrea)", "a.k.a. 'ABU MANSUR'"]


@pytest.mark.parametrize("text, expected", [
    ("01 Jan 1960", (1960, 1, 1, "day", None)),
    ("1960", (1960, None, None, "year", None)),
    ("circa 1960", (1960, None, None, "year", None)),
    ("circa 07 Jul 1966", (1966, None, None, "year", None)),
    ("Jan 1960", (1960, 1, None, "month", None)),
    ("1958 to 1960", (1958, None, None, "range", 1960)),
    ("01 Jan 1961 to 31 Dec 1962", (1961, 1, 1, "range", 1962)),
    ("circa 1979-1982", (1979, None, None, "range", 1982)),
])
def test_parse_dob_forms(text, expected):
    dob = parse_dob(text)
    assert (dob.year, dob.month, dob.day, dob.precision, dob.year_to) == expected
    assert dob.text == text


def test_parse_dob_refuses_nonsense():
    assert parse_dob("31 Feb 1960") is None
    assert parse_dob("unknown") is None


def test_remarks_ids_with_country_and_labels():
    facts = parse_remarks("Cedula No. 6068015 (Colombia); NIT # 800018928-0 (Colombia); "
                          "Folio Mercantil No. 26075 (Jalisco) (Mexico); Gender Male; "
                          "Linked To: A; Linked To: B; Digital Currency Address - XBT 1Kuf2Rd8; "
                          "Member ETA.")
    ids = [(i.id_type, i.value, i.country_code) for i in facts.identifiers]
    assert ids == [("national_id", "6068015", "CO"), ("tax_id", "800018928-0", "CO"),
                   ("registration", "26075 (Jalisco)", "MX"), ("other", "1Kuf2Rd8", None)]
    assert facts.identifiers[-1].note == "Digital Currency Address - XBT"
    assert facts.extra == {"gender": "Male"} and facts.linked_to == ["A", "B"]
    assert facts.unparsed == ["Member ETA"]


def test_vessel_former_names_in_quotes_are_former_names_not_weak(sdn_by_id):
    # 4243: "f.k.a. 'ANA I'; f.k.a. 'SAND SWAN'" in Remarks; 15037: one-word former names too
    ebano = sdn_by_id["4243"]
    assert [(n.name, n.kind, n.quality) for n in ebano.names] == [
        ("EBANO", "primary", None), ("ANA I", "fka", "weak"), ("SAND SWAN", "fka", "weak")]
    ark = {n.name: n.kind for n in sdn_by_id["15037"].names}
    assert ark == {"ARK III": "primary", "ABADEH": "fka", "CRYSTAL": "fka", "SUNDIAL": "fka", "ARK": "fka"}
    # alt.csv former names and a Remarks one of the same vessel side by side (15036 ARTAVIL)
    artavil = {n.name: n.kind for n in sdn_by_id["15036"].names}
    assert artavil == {"ARTAVIL": "primary", "ABADAN": "fka", "SHONA": "fka", "ALPHA": "fka"}


def test_weak_aliases_of_other_types_stay_weak(sdn_by_id):
    # a vessel's a.k.a. in quotes is a weak alias, and so is an organisation's f.k.a. in quotes
    assert {n.name: n.kind for n in sdn_by_id["40717"].names}["DENA"] == "weak"
    cartel = {n.name: n.kind for n in sdn_by_id["11440"].names}
    assert cartel["MEXICAN FEDERATION"] == "weak" and cartel["GUADALAJARA CARTEL"] == "weak"


def test_vessel_flag_is_its_country_and_stays_a_fact(sdn: ParseResult, sdn_by_id):
    tolou = sdn_by_id["15091"]
    assert [(n.country_code, n.country, n.kind) for n in tolou.nationalities] == [("IR", "Iran", "flag")]
    assert tolou.extra["vessel_flag"] == "Iran"
    kp = sdn_by_id["4243"].nationalities
    assert [(n.country_code, n.kind) for n in kp] == [("PA", "flag")]
    # "None Identified" (15047 DEVON) is no country and no issue; people have no flag
    assert sdn_by_id["15047"].nationalities == [] and sdn_by_id["15047"].extra["vessel_flag"] == "None Identified"
    assert not [i for i in sdn.issues if i.field == "Vess_flag"]
    assert not any(n.kind == "flag" for e in sdn.entries if e.entity_type != "vessel" for n in e.nationalities)
    flagged = [e for e in sdn.entries if e.entity_type == "vessel" and e.nationalities]
    assert len(flagged) == sum(1 for e in sdn.entries if e.entity_type == "vessel"
                               and e.extra.get("vessel_flag_code"))


def test_unrecognised_flag_is_an_issue_naming_line_and_field(tmp_path: Path):
    row = '4243,"EBANO","vessel","CUBA",-0- ,-0- ,"General Cargo","2595","1865","Atlantis",-0- ,-0- \r\n'
    (tmp_path / "sdn.csv").write_text(row + "\x1a", encoding="ascii", newline="")
    result = ofac_csv.parse(tmp_path, "us_ofac_sdn", "x")
    assert result.entries[0].nationalities == [] and result.entries[0].extra["vessel_flag"] == "Atlantis"
    [issue] = [i for i in result.issues if i.field == "Vess_flag"]
    assert (issue.file, issue.line, issue.value) == ("sdn.csv", "1", "Atlantis")
    assert "flag not recognised" in issue.problem


@pytest.mark.parametrize("kind, weak, entity_type, expected", [
    ("fka", True, "vessel", "fka"),          # f.k.a. 'SAND SWAN' of a vessel: a former name
    ("aka", True, "vessel", "weak"),         # a.k.a. 'DENA' of a vessel: a weak alias
    ("fka", True, "organization", "weak"),   # f.k.a. 'MEXICAN FEDERATION': a weak alias
    ("fka", False, "person", "fka"), ("aka", False, "vessel", "aka"),
])
def test_alias_kind_keeps_only_vessels_former_names_out_of_weak(kind, weak, entity_type, expected):
    from screening.parse.ofac_remarks import alias_kind
    assert alias_kind(kind, weak, entity_type) == expected
