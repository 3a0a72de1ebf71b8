"""Reading customer files: encodings, binary files, split and non-English name columns, header rows,
sheets, and the notes that say which columns were used and which were not."""
from __future__ import annotations

import gzip
import zipfile

import pytest
import xlsxwriter

from screening.match.files import InputFileError, read_customer_file

NON_LATIN = ["Иван Петров", "王伟", "محمد علي", "Δημήτρης Παπαδόπουλος", "Saddam Hussein al-Tikriti"]


def names(table) -> list:
    return table.field_values()["name"]


def utf8_file_with_bad_byte(tmp_path, bad_row: int = 200, rows: int = 250):
    """A UTF-8 CSV of non-Latin names where one byte of data row ``bad_row`` is 0xFF."""
    lines = [b"id,name,country\n"]
    for i in range(1, rows + 1):
        name = NON_LATIN[i % len(NON_LATIN)].encode("utf-8")
        if i == bad_row:
            name = b"Jos\xff " + name
        lines.append(f"C{i},".encode() + name + b",XX\n")
    path = tmp_path / "customers.csv"
    path.write_bytes(b"".join(lines))
    return path


def test_one_bad_byte_flags_its_row_and_keeps_every_other_name_intact(tmp_path):
    table = read_customer_file(utf8_file_with_bad_byte(tmp_path))
    got = names(table)
    # every other row is read as UTF-8: the non-Latin names are intact, not mojibake
    for i in range(1, 251):
        if i != 200:
            assert got[i - 1] == NON_LATIN[i % len(NON_LATIN)]
    # the bad row is an error naming its line (the header is line 1) and the byte's column
    errors = {i: e for i, e in enumerate(table.errors) if e}
    assert errors == {199: "line 201: invalid UTF-8 byte 0xff at column 9"}
    assert "\ufffd" in got[199]  # the byte is replaced, not decoded as another character
    assert any("read as utf-8" in n for n in table.notes)
    assert any("bytes that are not UTF-8 on 1 line(s)" in n for n in table.notes)


def test_bad_byte_inside_a_multiline_field_flags_that_record(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes('id,name,address\nC1,Иван Петров,"Street 1\nMosc'.encode() + b'\xff"\n' + "C2,王伟,\n".encode())
    table = read_customer_file(path)
    assert table.errors == ["line 3: invalid UTF-8 byte 0xff at column 5", None]
    assert names(table) == ["Иван Петров", "王伟"]


def test_genuine_cp1252_file_is_read_as_cp1252_and_says_so(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("name;country\nSociété Générale;FR\nMüller GmbH;DE\n“Quoted” Ltd;GB\n".encode("cp1252"))
    table = read_customer_file(path)
    assert names(table) == ["Société Générale", "Müller GmbH", "“Quoted” Ltd"]
    assert table.errors == [None, None, None]
    assert any(n.startswith("CSV read as cp1252 (not UTF-8") for n in table.notes)


def test_utf16_file_with_byte_order_mark(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("name\tcountry\nИван Петров\tRU\n".encode("utf-16"))
    table = read_customer_file(path)
    assert names(table) == ["Иван Петров"]


def test_jsonl_bad_byte_flags_its_line(tmp_path):
    path = tmp_path / "customers.jsonl"
    path.write_bytes('{"name": "王伟"}\n'.encode() + b'{"name": "Jos\xff"}\n' + '{"name": "Иван"}\n'.encode())
    table = read_customer_file(path)
    assert table.errors == [None, "line 2: invalid UTF-8 byte 0xff at column 14", None]
    assert names(table)[2] == "Иван"


@pytest.mark.parametrize("content, kind", [
    (gzip.compress(b"name\nIvan Petrov\n"), "a gzip file"),
    (b"BZh91AY&SY\x01\x02", "a bzip2 file"),
    (b"name\x00\x01\x02\nIvan\x00\n", "a binary file (it holds NUL bytes)"),
    (b"\x7fELF\x02\x01\x01\x00", "an executable (ELF)"),
])
def test_binary_file_named_csv_gets_a_clean_one_line_error(tmp_path, content, kind):
    path = tmp_path / "customers.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as err:
        read_customer_file(path)
    message = str(err.value)
    assert message == f"customers.csv: looks like {kind}, not CSV text"
    assert message.isprintable()


def test_xlsx_renamed_csv_is_called_a_zip_archive(tmp_path):
    path = tmp_path / "customers.csv"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputFileError, match=r"^customers.csv: looks like a zip archive .*not CSV text$"):
        read_customer_file(path)


def test_control_bytes_in_headers_are_never_echoed(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("a\x1b[31m,b\x07\nx,y\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_customer_file(path)
    assert str(err.value).startswith("customers.csv: no name column") and str(err.value).isprintable()
    assert "\\x1b[31m" in str(err.value)


# ----------------------------------------------------------------------------- name columns

def write(tmp_path, text: str, name: str = "customers.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_first_and_last_name_columns_are_joined(tmp_path):
    path = write(tmp_path, "id,first_name,last_name,country\nC1,Saddam Hussein,al-Tikriti,IQ\nC2,,Petrov,RU\n")
    table = read_customer_file(path)
    assert table.mapping["name"] == ["first_name", "last_name"]
    assert names(table) == ["Saddam Hussein al-Tikriti", "Petrov"]
    assert "columns used: id=id, name=first_name+last_name, country=country" in table.notes


def test_split_name_columns_are_joined_in_natural_order(tmp_path):
    path = write(tmp_path, "Surname,Middle Name,Given Names\nPetrov,Ivanovich,Ivan\n")
    assert names(read_customer_file(path)) == ["Ivan Ivanovich Petrov"]


@pytest.mark.parametrize("header, expected", [
    ("Name;Vorname;Land", ["Vorname", "Name"]),            # German: Name beside Vorname is the surname
    ("Nom;Prénom;Pays", ["Prénom", "Nom"]),                 # French likewise
    ("Nombre;Apellidos;País", ["Nombre", "Apellidos"]),     # Spanish: Nombre beside Apellidos is the first name
    ("Фамилия;Имя;Отчество;Страна", ["Имя", "Отчество", "Фамилия"]),
    ("Name;Surname;Country", ["Name", "Surname"]),          # English: Name beside Surname is the first name
    ("id;Name;Last Name", ["Name", "Last Name"]),
])
def test_generic_name_word_beside_a_name_part_is_the_other_part(tmp_path, header, expected):
    width = header.count(";") + 1
    path = write(tmp_path, header + "\n" + ";".join(["x"] * width) + "\n")
    assert read_customer_file(path).mapping["name"] == expected


def test_whole_name_column_wins_over_parts_and_the_parts_are_said_ignored(tmp_path):
    path = write(tmp_path, "company_name,first_name,last_name\nAcme Ltd,,\n")
    table = read_customer_file(path)
    assert table.mapping["name"] == ["company_name"]
    assert "columns ignored (kept in the output): first_name, last_name" in table.notes


def test_name_column_takes_several_columns_repeated_or_comma_separated(tmp_path):
    path = write(tmp_path, "ref,family,given,other\nR1,Petrov,Ivan,x\n")
    assert names(read_customer_file(path, {"name": ["given", "family"]})) == ["Ivan Petrov"]
    assert names(read_customer_file(path, {"name": "family,given"})) == ["Petrov Ivan"]
    assert names(read_customer_file(path, {"name": ("given,family", "other")})) == ["Ivan Petrov x"]


def test_a_header_holding_a_comma_is_taken_whole(tmp_path):
    path = write(tmp_path, '"Name, Vorname",Land\n"Petrov, Ivan",RU\n')
    assert names(read_customer_file(path, {"name": "Name, Vorname"})) == ["Petrov, Ivan"]


def test_single_column_fields_refuse_several_columns(tmp_path):
    path = write(tmp_path, "name,c1,c2\nIvan,RU,DE\n")
    with pytest.raises(InputFileError, match="--country-column takes one column, got 2: c1, c2"):
        read_customer_file(path, {"country": ["c1", "c2"]})
    with pytest.raises(InputFileError, match="column 'c3' \\(for --country-column\\) is not in the file"):
        read_customer_file(path, {"country": "c3"})


# ----------------------------------------------------------------------------- headers

@pytest.mark.parametrize("header, mapping", [
    ("Kundennummer;Firmenname;Anschrift;Land;Geburtsdatum",
     {"id": ["Kundennummer"], "name": ["Firmenname"], "address": ["Anschrift"], "country": ["Land"],
      "dob": ["Geburtsdatum"]}),
    ("Raison sociale;Adresse;Pays;Date de naissance",
     {"name": ["Raison sociale"], "address": ["Adresse"], "country": ["Pays"], "dob": ["Date de naissance"]}),
    ("Razón social;Dirección;País", {"name": ["Razón social"], "address": ["Dirección"], "country": ["País"]}),
    ("NOME;ENDEREÇO;PAÍS", {"name": ["NOME"], "address": ["ENDEREÇO"], "country": ["PAÍS"]}),
    ("公司名称;地址;国家", {"name": ["公司名称"], "address": ["地址"], "country": ["国家"]}),
    ("氏名;住所;国籍;生年月日", {"name": ["氏名"], "address": ["住所"], "country": ["国籍"], "dob": ["生年月日"]}),
    ("Наименование;Адрес;Страна", {"name": ["Наименование"], "address": ["Адрес"], "country": ["Страна"]}),
])
def test_non_english_headers_are_recognised(tmp_path, header, mapping):
    width = header.count(";") + 1
    path = write(tmp_path, header + "\n" + ";".join(["x"] * width) + "\n")
    got = {k: v for k, v in read_customer_file(path).mapping.items() if v}
    assert got == mapping


def test_header_row_skips_the_title_rows_above_it(tmp_path):
    path = write(tmp_path, "Customer list,,\nexported 2024-05-01,,\nid,name,country\nC1,Ivan Petrov,RU\n")
    with pytest.raises(InputFileError, match="no name column"):
        read_customer_file(path)
    table = read_customer_file(path, header_row=3)
    assert names(table) == ["Ivan Petrov"] and table.field_values()["id"] == ["C1"]
    assert "skipped 2 rows above the header (row 3)" in table.notes
    with pytest.raises(InputFileError, match="fewer than --header-row 9"):
        read_customer_file(path, header_row=9)


def test_repeated_and_empty_headers_keep_every_column(tmp_path):
    path = write(tmp_path, "name,name,\nIvan Petrov,Ivan,x\n")
    table = read_customer_file(path)
    assert table.columns == {"name": ["Ivan Petrov"], "name_2": ["Ivan"], "column_3": ["x"]}
    assert any(n.startswith("headers renamed to be unique") for n in table.notes)


def xlsx(path, sheets: dict[str, list[list]]):
    book = xlsxwriter.Workbook(str(path))
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_xlsx_sheet_by_name_or_number_and_header_row(tmp_path):
    path = xlsx(tmp_path / "book.xlsx", {
        "Notes": [["read me"]],
        "Kunden": [["Kundenliste"], [], ["Vorname", "Name", "Land"], ["Ivan", "Petrov", "RU"]],
    })
    with pytest.raises(InputFileError, match="no name column"):
        read_customer_file(path)  # the first sheet, which holds no customers
    for sheet in ("Kunden", "2"):
        table = read_customer_file(path, sheet=sheet, header_row=3)
        assert names(table) == ["Ivan Petrov"]
        assert "sheet 'Kunden' read; not read: Notes" in table.notes
    # without --header-row the first row with a value is the header: here the title
    with pytest.raises(InputFileError, match="no name column"):
        read_customer_file(path, sheet="Kunden")
    with pytest.raises(InputFileError, match="no sheet 'Clients'.*sheets: Notes, Kunden"):
        read_customer_file(path, sheet="Clients")


def test_xlsx_keeps_rows_numbered_as_the_sheet_shows_them(tmp_path):
    # the table starts at C3: --header-row counts the empty rows above it
    path = xlsx(tmp_path / "book.xlsx", {"S": [[], [], [None, None, "name", "country"],
                                               [None, None, "Ivan Petrov", "RU"]]})
    table = read_customer_file(path, header_row=3)
    assert list(table.columns) == ["name", "country"] and names(table) == ["Ivan Petrov"]
    assert names(read_customer_file(path)) == ["Ivan Petrov"]


def test_sheet_and_header_row_only_where_they_apply(tmp_path):
    path = write(tmp_path, "name\nIvan\n")
    with pytest.raises(InputFileError, match="--sheet applies to XLSX files only"):
        read_customer_file(path, sheet="1")
    path = write(tmp_path, '{"name": "Ivan"}\n', "c.jsonl")
    with pytest.raises(InputFileError, match="--header-row applies to CSV and XLSX files only"):
        read_customer_file(path, header_row=2)


# ----------------------------------------------------------------------------- ids

def test_repeated_and_missing_ids_are_warned_about(tmp_path):
    path = write(tmp_path, "id,name\nC1,A\nC2,B\nC1,C\n,D\nC2,E\nC1,F\n")
    table = read_customer_file(path)
    warning = next(n for n in table.notes if "appear on more than one row" in n)
    assert warning.startswith("warning: 2 customer ids appear on more than one row")
    assert "'C1' on rows 1, 3, 6" in warning and "'C2' on rows 2, 5" in warning
    assert "warning: 1 row without a customer id; their input_id is their row number" in table.notes
    unique = read_customer_file(write(tmp_path, "id,name\nC1,A\nC2,B\n"))
    assert not any(n.startswith("warning") for n in unique.notes)


def test_a_header_below_a_title_row_is_pointed_to_header_row(tmp_path):
    path = write(tmp_path, "Customer report 2024\n\nid,name,country\nC1,Ivan Petrov,RU\n")
    with pytest.raises(InputFileError, match=r"--header-row N when the header is not the first row\); "
                                             r"columns: Customer report 2024$"):
        read_customer_file(path)
    assert names(read_customer_file(path, header_row=3)) == ["Ivan Petrov"]


def test_a_workbook_whose_first_sheet_has_no_name_column_says_which_sheets_were_not_read(tmp_path):
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Cover").write(0, 0, "Report")
    book.add_worksheet("Kunden").write_row(0, 0, ["Vorname", "Name"])
    book.close()
    with pytest.raises(InputFileError, match=r"columns: Report; sheet 'Cover' read; not read: Kunden$"):
        read_customer_file(path)


def test_a_folder_of_parquet_parts_is_read_as_one_file_in_path_order(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = tmp_path / "book"
    parts.mkdir()
    pq.write_table(pa.table({"name": ["Anna Berg", "Ivan Petrov"], "country": ["SE", "RU"]}), parts / "part-1.parquet")
    pq.write_table(pa.table({"name": ["Li Wei"], "country": ["CN"]}), parts / "part-0.parquet")
    (parts / "_SUCCESS").touch()
    (parts / ".part-0.parquet.crc").write_bytes(b"not a part")
    table = read_customer_file(parts)
    assert table.columns["name"] == ["Li Wei", "Anna Berg", "Ivan Petrov"]  # part-0 first
    assert table.errors == [None] * 3 and any("2 part(s)" in note for note in table.notes)

    pq.write_table(pa.table({"full_name": ["Acme"]}), parts / "part-2.parquet")
    with pytest.raises(InputFileError, match="book/part-2.parquet: its columns"):
        read_customer_file(parts)
    (parts / "part-2.parquet").write_text("name\nAcme\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="book/part-2.parquet: not a readable Parquet file"):
        read_customer_file(parts)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFileError, match="empty: a folder without Parquet parts"):
        read_customer_file(empty)
