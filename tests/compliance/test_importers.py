"""Each importer on the project's own small samples (tests/compliance/samples/), which carry
the mess of the real files: no header, `-0- ` nulls, Ctrl-Z, a truncated last null, remarks
continued in the comments file, aliases inside remarks, orphan rows, empty placeholders."""

from pathlib import Path

import pytest

from tradepost.compliance.importers import ImportFileError, ftm, ofac_csv, ofac_xml, un_xml

SAMPLES = Path(__file__).parent / "samples"


def _quiet(_message):
    return None


def _by_id(parsed):
    return {e.source_id: e for e in parsed.entries}


def test_ofac_csv_reads_the_sdn_set_with_its_mess():
    parsed = ofac_csv.read(sorted((SAMPLES / "ofac-sdn").glob("*.csv")), _quiet)
    entries = _by_id(parsed)

    assert parsed.source == "ofac-sdn"
    assert sorted(entries) == ["1001", "1002", "1003", "1004", "1005", "1006"]
    assert {e.source_id: e.kind for e in parsed.entries} == {
        "1001": "person",
        "1002": "company",
        "1003": "vessel",
        "1004": "aircraft",
        "1005": "person",
        "1006": "person",
    }
    assert parsed.skipped == {"orphan_aliases": 1, "orphan_addresses": 1}
    petrov = entries["1001"]
    assert petrov.programs == ["UKRAINE-EO13660", "RUSSIA-EO14024"]
    assert [(a.name, a.alias_type, a.script) for a in petrov.aliases] == [
        ("PETROV, Ivan", "aka", ""),
        ("ПЕТРОВ Иван Сергеевич", "aka", ""),
    ]
    assert petrov.data["birth_dates"] == [{"type": "exact", "value": "1970-04-17"}]
    assert petrov.data["countries"] == ["Russia"]
    assert {"type": "Passport", "number": "7100123456", "country": "Russia"} in petrov.data["ids"]
    assert petrov.data["gender"] == "male"
    # The alias hidden in the remarks.
    assert "NORTH WIND REGIONS" in [a.name for a in entries["1002"].aliases]
    assert entries["1002"].data["countries"] == ["Cyprus"]
    assert {"type": "Vessel Registration Identification IMO", "number": "9123456"} in entries[
        "1003"
    ].data["ids"]
    assert entries["1003"].data["vessel"]["flag"] == "Panama"
    # Remarks cut at 1,000 characters continue in sdn_comments.csv, mid-word.
    rashid = entries["1005"]
    assert len(rashid.remarks) > 1000
    assert "XBT 1Fake0014AddressForTestsOnlyQ;" in rashid.remarks
    assert rashid.remarks.endswith("1Fake0029AddressForTestsOnlyQ.")
    assert rashid.data["birth_dates"] == [
        {"type": "year", "value": "1965"},
        {"type": "approximately", "value": "1966"},
    ]
    wang = entries["1006"]
    assert wang.data["birth_dates"] == [{"type": "between", "from": "1975", "to": "1977"}]
    assert [(a.name, a.quality) for a in wang.aliases] == [
        ("WANG, Lei Ming", "weak"),
        ("王磊", "strong"),
    ]


def test_ofac_csv_detects_the_consolidated_set_by_file_name():
    parsed = ofac_csv.read(sorted((SAMPLES / "ofac-cons").glob("*.csv")), _quiet)

    assert parsed.source == "ofac-cons"
    assert [(e.source_id, e.kind, [a.name for a in e.aliases]) for e in parsed.entries] == [
        ("2001", "company", ["BLUE LAGOON", "BLB"]),
        ("2002", "person", []),
    ]
    assert parsed.entries[1].data["birth_dates"] == [{"type": "exact", "value": "1981-03"}]


def test_ofac_csv_needs_the_primary_file():
    with pytest.raises(ImportFileError) as exc:
        ofac_csv.read([SAMPLES / "ofac-sdn" / "alt.csv"], _quiet)
    assert "sdn.csv" in exc.value.message


def test_ofac_csv_malformed_row_names_file_and_line():
    with pytest.raises(ImportFileError) as exc:
        ofac_csv.read([SAMPLES / "malformed" / "sdn.csv"], _quiet)
    assert exc.value.message == "sdn.csv, line 2: expected 12 fields, found 3"


def test_ofac_xml_reads_either_namespace_and_skips_empty_probes():
    parsed = ofac_xml.read([SAMPLES / "sdn.xml"], _quiet)
    entries = _by_id(parsed)

    assert str(parsed.published) == "2024-03-15"
    assert parsed.skipped == {"empty_entries": 2}
    assert {e.source_id: e.kind for e in parsed.entries} == {
        "3001": "person",
        "3002": "company",
        "3003": "vessel",
        "3004": "aircraft",
        "3005": "person",
    }
    olena = entries["3001"]
    assert olena.name == "KOVALENKO, Olena"
    assert olena.programs == ["UKRAINE-EO13661", "CYBER2"]
    assert [(a.name, a.quality) for a in olena.aliases] == [
        ("КОВАЛЕНКО, Олена", "strong"),
        ("LENA K", "weak"),
    ]
    assert olena.data["birth_dates"] == [
        {"type": "exact", "value": "1980-02-02"},
        {"type": "year", "value": "1981"},
    ]
    assert olena.data["countries"] == ["Ukraine"]
    assert entries["3002"].aliases[0].alias_type == "fka"
    assert entries["3005"].data["birth_dates"] == [{"type": "approximately", "value": "1960"}]


def test_un_xml_reads_persons_entities_dates_and_original_script():
    parsed = un_xml.read([SAMPLES / "un.xml"], _quiet)
    entries = _by_id(parsed)

    assert str(parsed.published) == "2026-01-10"
    assert sorted(entries) == ["KPi.902", "QDe.903", "QDi.901"]
    assert parsed.skipped == {"empty_aliases": 2}
    khalid = entries["QDi.901"]
    assert khalid.name == "KHALID YUSUF AL-SAMIR"
    assert khalid.kind == "person"
    assert [(a.name, a.alias_type, a.quality, a.script) for a in khalid.aliases] == [
        ("خالد يوسف السمير", "original", "strong", "arabic"),
        ("Abu Khalid", "aka", "strong", ""),
        ("Al-Samiri", "aka", "weak", ""),
    ]
    assert khalid.data["birth_dates"] == [
        {"type": "exact", "value": "1971-03-04"},
        {"type": "approximately", "value": "1972"},
    ]
    assert khalid.data["countries"] == ["Yemen"]
    assert khalid.data["ids"] == [{"type": "Passport", "number": "01234567", "country": "Yemen"}]
    volkov = entries["KPi.902"]
    assert volkov.data["birth_dates"] == [{"type": "between", "from": "1958", "to": "1961"}]
    assert entries["KPi.902"].aliases[0].script == "cyrillic"
    assert entries["QDe.903"].kind == "company"


def test_un_xml_truncated_file_names_the_line():
    with pytest.raises(ImportFileError) as exc:
        un_xml.read([SAMPLES / "malformed" / "un.xml"], _quiet)
    assert exc.value.message.startswith("un.xml, line 10, column ")


def test_ftm_reads_target_schemas_and_folds_sanctions():
    parsed = ftm.read([SAMPLES / "ftm-sample" / "entities.ftm.json"], _quiet)
    entries = _by_id(parsed)

    assert parsed.source == "ftm:ftm-sample"
    assert str(parsed.published) == "2025-11-02"
    assert {e.source_id: e.kind for e in parsed.entries} == {
        "tp-person-1": "person",
        "tp-company-1": "company",
        "tp-org-1": "company",
        "tp-vessel-1": "vessel",
        "tp-plane-1": "aircraft",
    }
    assert parsed.skipped == {"folded_Sanction": 1, "schema_Address": 1}
    boris = entries["tp-person-1"]
    assert boris.programs == ["RUSSIA-EO14024"]
    assert [(a.name, a.quality, a.script) for a in boris.aliases] == [
        ("Борис Андреевич Соколов", "strong", "cyrillic"),
        ("Борис Соколов", "strong", "cyrillic"),
        ("Bobo", "weak", ""),
    ]
    assert boris.data["birth_dates"] == [{"type": "year", "value": "1966"}]
    assert boris.data["countries"] == ["ru"]
    company = entries["tp-company-1"]
    assert [(a.name, a.alias_type, a.script) for a in company.aliases] == [
        ("深圳明港贸易有限公司", "aka", "han"),
        ("Bright Harbor Imports", "fka", ""),
    ]
    assert company.data["incorporation_dates"] == [{"type": "exact", "value": "2015-06-30"}]
    assert entries["tp-vessel-1"].data["ids"] == [{"type": "imoNumber", "number": "IMO9876543"}]


def test_ftm_bad_json_names_the_line():
    with pytest.raises(ImportFileError) as exc:
        ftm.read([SAMPLES / "malformed" / "entities.ftm.json"], _quiet)
    assert exc.value.message.startswith("entities.ftm.json, line 2: ")
