"""Script codes of names: one module for every parser (names below are copied from the real lists)."""
import zipfile

import python_calamine
import pytest

from screening.scripts import name_script, original_script, script_code

from ..conftest import FIXTURES, LISTS


@pytest.mark.parametrize("text, code", [
    ("MOHAMMAD HASSAN AKHUND", None),                      # au_dfat Reference 2
    ("Ñandú", None),                                       # accented Latin is Latin
    ("محمد حسن أخوند", "Arab"),                            # au_dfat Reference 2a
    ("Умаров Доку Хаматович", "Cyrl"),                     # au_dfat Reference 1241
    ("阿不都·哈克", "Hani"),                                # au_dfat Reference 1112
    ("김영복", "Hang"),                                     # OFSI group 16816
    ("カザン火薬工場", "Jpan"),                              # OFSI group 16531: Katakana with Han
    ("შალვა ბედოიძე", "Geor"),                              # OFSI group 16852
    ("ကင်း(င်)ရွိုင်ရယ်(လ်) တက်ကနော်လော်ဂျီ(စ်) ကုမ္ပဏီ လီမိတက်", "Mymr"),  # OFSI group 16619
    ("ኤርሚኣስ ግርማይ (Tigrinya)", "Ethi"),                   # au_dfat Reference 3580: mixed with Latin
])
def test_name_script_reads_the_main_non_latin_script(text: str, code: str | None):
    assert name_script(text) == code


def test_han_with_hangul_is_korean_and_unnamed_scripts_are_undetermined():
    assert name_script("金正恩 김정은") == "Kore"
    assert name_script("ᐃᓄᒃᑎᑐᑦ") == "Zyyy"  # Canadian syllabics: no ISO 15924 name in pycountry's table


def test_every_declared_script_of_the_real_ofsi_list_has_a_code():
    book = python_calamine.CalamineWorkbook.from_path(LISTS / "uk_ofsi" / "2025-04-10-2022format" / "ConList.xlsx")
    rows = book.get_sheet_by_name("Data").to_python()
    column = rows[1].index("Non-Latin Script Type")
    declared = {row[column] for row in rows[2:] if row[column]}
    assert {"Cryillic", "Cyrilic", "Russian", "Burmese", "Persian"} <= declared  # OFSI's own words
    assert {d: script_code(d) for d in declared if script_code(d) is None} == {}
    assert (script_code("Cryillic"), script_code("Russian"), script_code("Burmese")) == ("Cyrl", "Cyrl", "Mymr")


def test_ofac_enhanced_script_words_have_codes():
    with zipfile.ZipFile(FIXTURES / "lists" / "us_ofac_cons" / "2025-01-10" / "CONS_ENHANCED.ZIP") as archive:
        text = archive.read("CONS_ENHANCED.XML").decode("utf-8")
    assert '">Chinese Simplified</script>' in text and '">Chinese Traditional</script>' in text
    assert (script_code("Chinese Simplified"), script_code("Chinese Traditional")) == ("Hans", "Hant")
    assert (script_code("Latin"), script_code("Arab"), script_code("Han"), script_code("nonsense")) == (
        "Latn", "Arab", "Hani", None)


def test_original_script_prefers_the_declared_script_then_the_letters_then_latin():
    assert original_script("Jamaah Ansharut Daulah") == "Latn"  # au_dfat Reference 6241, "Original script"
    assert original_script("ООО “Синезис”", "Cyrillic") == "Cyrl"
    assert original_script("ООО “Синезис”", "no such script") == "Cyrl"
    assert original_script("אמנה", "Hebrew") == "Hebr"  # OFSI group 16577


def test_script_of_is_the_script_with_most_letters_latin_included():
    from screening.scripts import script_of

    assert script_of("SHENZHEN CASPRO") == "Latn" and script_of("12 - 34") == "Zyyy"
    assert script_of("Владимир Путин") == "Cyrl" and script_of("김정은") == "Hang"
    assert script_of("山田やまだ") == "Jpan" and script_of("金铁三") == "Hani"
    assert script_of("Jin Tiesan (金铁三)") == "Latn"  # Latin letters dominate; name_script says Hani
    assert script_of("ⵜⴰⵎⴰⵣⵉⵖⵜ") == "Tfng"  # any script Unicode names, not only a table's
