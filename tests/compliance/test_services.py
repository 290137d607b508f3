"""Importing a list as versions: a diff per source id, idempotent, all or nothing."""

import json
import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tradepost.audit.models import AuditEntry
from tradepost.compliance.importers import ImportFileError
from tradepost.compliance.models import Alias, Entry, ListVersion, SanctionsList
from tradepost.compliance.services import sanctions_import
from tradepost.errors import InvalidInput

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def _sdn_set(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.csv"))


def _copy_sdn(tmp_path: Path) -> Path:
    target = tmp_path / "sdn-set"
    shutil.copytree(SAMPLES / "ofac-sdn", target)
    return target


def test_import_creates_a_version_with_counts_and_an_audit_row():
    result = sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))

    assert (result.source, result.version, result.unchanged) == ("ofac-sdn", 1, False)
    assert (result.entries, result.aliases, result.added) == (6, 7, 6)
    assert result.skipped == {"orphan_aliases": 1, "orphan_addresses": 1}
    version = ListVersion.objects.get()
    assert (version.entry_count, version.alias_count) == (6, 7)
    assert Entry.objects.filter(removed_in__isnull=True).count() == 6
    assert Alias.objects.count() == 7
    # Orphan rows are never attached to another entry.
    assert not Alias.objects.filter(name="GHOST OF AN ORPHAN").exists()
    assert AuditEntry.objects.get(action="compliance.list_version_imported").clause == "5.13"


def test_same_files_twice_is_unchanged():
    first = sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))
    second = sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))

    assert second.unchanged is True
    assert second.version == first.version
    assert (second.added, second.changed, second.removed) == (0, 0, 0)
    assert ListVersion.objects.count() == 1


def test_same_content_in_other_bytes_is_unchanged(tmp_path):
    sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))
    directory = _copy_sdn(tmp_path)
    sdn = directory / "sdn.csv"
    sdn.write_bytes(sdn.read_bytes().replace(b"\r\n", b"\n").rstrip(b"\x1a"))

    result = sanctions_import(fmt="ofac-csv", paths=_sdn_set(directory))

    assert result.unchanged is True
    assert ListVersion.objects.count() == 1


def test_new_version_is_applied_as_a_diff(tmp_path):
    sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))
    first = ListVersion.objects.get()
    directory = _copy_sdn(tmp_path)
    sdn = directory / "sdn.csv"
    lines = sdn.read_bytes().rstrip(b"\x1a").decode().splitlines()
    lines = [line for line in lines if not line.startswith('"1004"')]  # removed
    lines[0] = lines[0].replace("Gender Male.", "Gender Male; a.k.a. 'VANYA'.")  # changed
    lines.append('"1007","NEW HORIZON HOLDINGS",-0- ,"SDGT"' + ",-0- " * 8)
    sdn.write_text("\r\n".join(lines) + "\r\n")

    result = sanctions_import(fmt="ofac-csv", paths=_sdn_set(directory))

    assert (result.version, result.added, result.changed, result.removed) == (2, 1, 1, 1)
    second = ListVersion.objects.get(number=2)
    petrov = Entry.objects.get(source_id="1001")
    assert (petrov.first_seen, petrov.last_changed) == (first, second)
    assert "VANYA" in list(petrov.aliases.values_list("name", flat=True))
    assert Entry.objects.get(source_id="1004").removed_in == second
    assert Entry.objects.get(source_id="1007").first_seen == second
    assert Entry.objects.get(source_id="1002").last_changed == first
    assert Entry.objects.filter(removed_in__isnull=True).count() == 6

    # The removed entry comes back in the original files: added again, not duplicated.
    again = sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))
    assert (again.version, again.added, again.changed, again.removed) == (3, 1, 1, 1)
    assert Entry.objects.get(source_id="1004").removed_in is None
    assert Entry.objects.filter(source_id="1004").count() == 1


@pytest.mark.parametrize(
    ("fmt", "paths"),
    [
        ("ofac-csv", ["malformed/sdn.csv"]),
        ("un-xml", ["malformed/un.xml"]),
        ("ftm", ["malformed/entities.ftm.json"]),
    ],
)
def test_malformed_file_writes_nothing(fmt, paths):
    with pytest.raises(ImportFileError):
        sanctions_import(fmt=fmt, paths=[SAMPLES / p for p in paths])

    assert SanctionsList.objects.count() == 0
    assert ListVersion.objects.count() == 0
    assert Entry.objects.count() == 0
    assert Alias.objects.count() == 0


def test_malformed_new_version_leaves_the_old_one_in_force(tmp_path):
    sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))
    directory = _copy_sdn(tmp_path)
    (directory / "alt.csv").write_text('"1001","1","aka"\n')

    with pytest.raises(ImportFileError) as exc:
        sanctions_import(fmt="ofac-csv", paths=_sdn_set(directory))

    assert exc.value.message == "alt.csv, line 1: expected 5 fields, found 3"
    assert ListVersion.objects.count() == 1
    assert Alias.objects.count() == 7


def test_an_older_publication_is_not_applied(tmp_path):
    sanctions_import(fmt="ofac-xml", paths=[SAMPLES / "sdn.xml"])
    older = tmp_path / "sdn.xml"
    older.write_text((SAMPLES / "sdn.xml").read_text().replace("03/15/2024", "01/15/2020"))

    with pytest.raises(InvalidInput):
        sanctions_import(fmt="ofac-xml", paths=[older])
    assert ListVersion.objects.count() == 1


def test_unknown_format_and_missing_file_are_refused():
    with pytest.raises(InvalidInput):
        sanctions_import(fmt="eu-xml", paths=[SAMPLES / "sdn.xml"])
    with pytest.raises(InvalidInput):
        sanctions_import(fmt="un-xml", paths=[SAMPLES / "nope.xml"])


def test_command_import_and_lists_json():
    out = StringIO()
    call_command("sanctions", "import", "--format", "un-xml", str(SAMPLES / "un.xml"), stdout=out)
    call_command(
        "sanctions",
        "import",
        "--format",
        "ftm",
        str(SAMPLES / "ftm-sample" / "entities.ftm.json"),
        stdout=out,
    )
    call_command("sanctions", "import", "--format", "un-xml", str(SAMPLES / "un.xml"), stdout=out)
    text = out.getvalue().splitlines()
    assert text[0] == (
        "un-sc version 1 (new version): published 2026-01-10, 3 entries, 5 aliases; 3 added, "
        "0 changed, 0 removed; skipped: empty_aliases 2"
    )
    assert text[2].startswith("un-sc version 1 (unchanged): ")

    listing = StringIO()
    call_command("sanctions", "lists", "--json", stdout=listing)
    assert json.loads(listing.getvalue()) == [
        {
            "source": "ftm:ftm-sample",
            "version": 1,
            "published": "2025-11-02",
            "entries": 5,
            "aliases": 6,
        },
        {"source": "un-sc", "version": 1, "published": "2026-01-10", "entries": 3, "aliases": 5},
    ]


def test_command_reports_a_malformed_file_as_an_error():
    with pytest.raises(CommandError, match=r"sdn\.csv, line 2: expected 12 fields, found 3"):
        call_command(
            "sanctions",
            "import",
            "--format",
            "ofac-csv",
            str(SAMPLES / "malformed" / "sdn.csv"),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_a_dated_file_over_an_undated_version_needs_the_operator(tmp_path):
    """OFAC's CSV set carries no date: the XML of another year is not silently applied."""
    sanctions_import(fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"))

    with pytest.raises(InvalidInput, match="cannot tell whether these files"):
        sanctions_import(fmt="ofac-xml", paths=[SAMPLES / "sdn.xml"])
    assert ListVersion.objects.count() == 1

    result = sanctions_import(fmt="ofac-xml", paths=[SAMPLES / "sdn.xml"], allow_older=True)
    assert (result.version, str(result.published)) == (2, "2024-03-15")


def test_an_undated_set_given_its_date_is_ordered_like_any_other(tmp_path):
    sanctions_import(
        fmt="ofac-csv", paths=_sdn_set(SAMPLES / "ofac-sdn"), published=date(2025, 6, 1)
    )
    assert str(ListVersion.objects.get().published) == "2025-06-01"

    with pytest.raises(InvalidInput, match="before version 1 in force"):
        sanctions_import(fmt="ofac-xml", paths=[SAMPLES / "sdn.xml"])  # 2024-03-15
    newer = tmp_path / "sdn.xml"
    newer.write_text((SAMPLES / "sdn.xml").read_text().replace("03/15/2024", "07/01/2025"))
    assert sanctions_import(fmt="ofac-xml", paths=[newer]).version == 2


def test_command_takes_the_publication_date_and_refuses_a_bad_one():
    out = StringIO()
    paths = [str(p) for p in _sdn_set(SAMPLES / "ofac-sdn")]
    call_command(
        "sanctions",
        "import",
        "--format",
        "ofac-csv",
        "--published",
        "2025-06-01",
        *paths,
        stdout=out,
    )
    assert "published 2025-06-01" in out.getvalue()
    with pytest.raises(CommandError, match="not a date"):
        call_command("sanctions", "import", "--format", "ofac-csv", "--published", "June", *paths)
