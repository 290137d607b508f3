"""Sanctions name screening (compliance.matching) over lists imported from the samples."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from tradepost.compliance import matching
from tradepost.compliance.matching import build_index, name_score, screen_name
from tradepost.compliance.names import normalise_name
from tradepost.compliance.services import sanctions_import

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def lists():
    sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))
    sanctions_import(fmt="un-xml", paths=[SAMPLES / "un.xml"])
    sanctions_import(fmt="ftm", paths=[SAMPLES / "ftm-sample" / "entities.ftm.json"])
    sanctions_import(fmt="ftm", paths=[SAMPLES / "screening-sample" / "entities.ftm.json"])


def _ids(hits) -> list[str]:
    return [h.entry_id for h in hits]


@pytest.mark.parametrize(
    "query",
    [
        "Dmitry Yuryevich Khoroshev",
        "KHOROSHEV, Dmitry Yuryevich",
        "Dmitri Khoroshev",
        "KHOROSHEV Dmitriy",
        "Dmitriy Yurevich Khoroshev",
        "Хорошев Дмитрий",
    ],
)
def test_noisy_spellings_of_a_listed_person_match(lists, query):
    hits = screen_name(query, kind="person")

    assert _ids(hits)[:1] == ["tp-khoroshev"]
    assert hits[0].list_source == "ftm:screening-sample"
    assert hits[0].list_version == 1
    assert hits[0].name == "Dmitry Yuryevich KHOROSHEV"


def test_a_cyrillic_query_says_it_was_transliterated(lists):
    (hit,) = [h for h in screen_name("Дмитрий Юрьевич Хорошев") if h.entry_id == "tp-khoroshev"]

    assert hit.score == 1.0
    assert hit.matched_alias == "Дмитрий Юрьевич Хорошев"
    assert hit.reasons[0] == "name 1.00 after transliteration"


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("Γεώργιος Παπαδόπουλος", "tp-papadopoulos"),
        ("Georgios Papadopoulos", "tp-papadopoulos"),
        ("ヤマダ タロウ", "tp-yamada"),
        ("Yamada Taro", "tp-yamada"),
        ("王磊", "1006"),
        ("Lei Wang", "1006"),
        ("Ivan Petrov", "1001"),
        ("ПЕТРОВ Иван", "1001"),
        ("Volga Star Shipping LLC", "tp-volga"),
        ("ООО Волга Стар Шиппинг", "tp-volga"),
        ("Northwind Regions Trading Ltd.", "1002"),
        ("Khalid Yusuf Al-Samir", "QDi.901"),
    ],
)
def test_names_in_other_scripts_and_legal_forms_find_their_entry(lists, query, entry_id):
    assert _ids(screen_name(query))[:1] == [entry_id]


@pytest.mark.parametrize(
    "query",
    ["Trading Solutions Ltd", "Global Shipping Co., Ltd.", "Star Trading LLC", "John Smith"],
)
def test_unrelated_common_names_do_not_match(lists, query):
    assert screen_name(query) == []


def test_a_person_query_does_not_match_a_vessel(lists):
    assert _ids(screen_name("Khoroshev", kind="any", min_score=0.9)) == ["tp-khoroshev-vessel"]
    assert screen_name("Khoroshev", kind="person", min_score=0.9) == []
    assert screen_name("Sea Falcon", kind="company") == []
    assert _ids(screen_name("Sea Falcon", kind="any")) == ["1003"]


def test_a_matching_country_raises_the_score_and_another_lowers_it(lists):
    plain = screen_name("Dmitri Khoroshev", kind="person")[0]
    same = screen_name("Dmitri Khoroshev", kind="person", country="Russia")[0]
    other = screen_name("Dmitri Khoroshev", kind="person", country="FR", min_score=0)[0]

    assert same.score == pytest.approx(min(1.0, plain.score + 0.03), abs=0.001)
    assert other.score == pytest.approx(plain.score - 0.05, abs=0.001)
    assert same.reasons[-1] == "country matches"
    assert other.reasons[-1] == "country differs"


@pytest.mark.parametrize(
    ("birth_date", "reason", "delta"),
    [
        (date(1992, 4, 17), "birth date matches", 0.05),
        ("1992", "birth year matches", 0.02),
        ("1993-01-01", "birth year differs by 1", 0.01),
        ("1991", "birth year differs by 1", 0.01),
        ("1980", "birth year differs by 12", -0.10),
    ],
)
def test_the_birth_date_moves_the_score(lists, birth_date, reason, delta):
    plain = screen_name("Dmitri Khoroshev", kind="person", min_score=0)[0]
    hit = screen_name("Dmitri Khoroshev", kind="person", birth_date=birth_date, min_score=0)[0]

    assert hit.entry_id == "tp-khoroshev"
    assert hit.reasons[-1] == reason
    assert hit.score == pytest.approx(min(1.0, plain.score + delta), abs=0.001)


def test_a_birth_year_range_counts_as_matching(lists):
    hit = screen_name("Wang Lei", birth_date="1976")[0]

    assert (hit.entry_id, hit.reasons[-1]) == ("1006", "birth year matches")


def test_an_identifier_raises_the_score(lists):
    plain = screen_name("Volga Star Shipping", kind="company")[0]
    hit = screen_name("Volga Star Shipping", kind="company", identifiers=["1027700132195"])[0]

    assert hit.reasons[-1] == "identifier matches"
    assert hit.score == pytest.approx(min(1.0, plain.score + 0.10), abs=0.001)


def test_hits_are_best_first_with_one_hit_per_entry(lists):
    hits = screen_name("Khoroshev Dmitry", min_score=0.5, limit=50)

    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(_ids(hits)) == len(set(_ids(hits)))
    assert all(0 <= h.score <= 1 for h in hits)


@pytest.mark.parametrize(
    "query",
    [
        "Dmitri Khoroshev",
        "Ivan Petrov",
        "Abu Omar",
        "Eastern Star",
        "Ocean Pearl",
        "Bright Harbor Trading",
        "Volkov Anatoly",
        "王磊",
        "Al-Nour Society",
    ],
)
def test_blocking_finds_the_same_hits_as_comparing_every_name(lists, query):
    index = build_index()

    blocked = index.search(query, min_score=0.6, limit=5)
    brute = index.search(query, min_score=0.6, limit=5, blocking=False)

    assert blocked == brute
    assert blocked


def test_blocking_compares_only_candidates_sharing_trigrams(lists):
    index = build_index()
    query = normalise_name("Dmitri Khoroshev").tokens

    candidates = index.candidates(query)

    assert 0 < len(candidates) < len(index.names)
    assert {index.parties[index.names[c].party].entry_id for c in candidates} >= {"tp-khoroshev"}


def test_a_new_list_version_rebuilds_the_index(lists, tmp_path):
    assert _ids(screen_name("Dmitri Khoroshev", kind="person")) == ["tp-khoroshev"]
    built = matching._cache["index"]
    assert matching.current_index() is built

    dataset = tmp_path / "screening-sample"
    dataset.mkdir()
    source = SAMPLES / "screening-sample" / "entities.ftm.json"
    kept = [line for line in source.read_text().splitlines() if 'tp-khoroshev"' not in line]
    (dataset / "entities.ftm.json").write_text("\n".join(kept) + "\n")
    result = sanctions_import(fmt="ftm", paths=[dataset / "entities.ftm.json"])

    assert (result.version, result.removed) == (2, 1)
    assert screen_name("Dmitri Khoroshev", kind="person") == []
    assert matching._cache["index"] is not built
    assert screen_name("Yamada Taro")[0].list_version == 2


def test_an_unknown_kind_is_refused(lists):
    with pytest.raises(ValueError, match="kind"):
        screen_name("Ivan Petrov", kind="ship")


def test_a_query_of_dropped_words_only_still_compares(lists):
    assert screen_name("Ltd.") == []


def test_name_score_forgives_a_missing_middle_name_but_not_a_shared_word():
    full = normalise_name("Dmitry Yuryevich Khoroshev").tokens
    short = normalise_name("Dmitry Khoroshev").tokens

    assert name_score(short, full) >= 0.9
    assert name_score(("trading",), normalise_name("Northwind Regions Trading").tokens) < 0.6


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Korea, North", "KP"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Burma", "MM"),
        ("Turkey", "TR"),
        ("ru", "RU"),
        ("Germany", "DE"),
        ("Kosovo", None),  # no ISO code: no guess
        ("undetermined", None),
    ],
)
def test_country_names_as_the_lists_write_them(written, code):
    from tradepost.compliance.matching import country_code

    assert country_code(written) == code


def test_country_names_in_policy_must_be_casefolded_iso_codes():
    from tradepost.policy import PolicyError
    from tradepost.policy.screening import parse_screening_policy

    base = {"review_score": 0.8, "hold_score": 0.9}
    with pytest.raises(PolicyError, match="not an ISO 3166"):
        parse_screening_policy({**base, "country_names": {"atlantis": "QQ"}})
    with pytest.raises(PolicyError, match="casefolded"):
        parse_screening_policy({**base, "country_names": {"Burma": "MM"}})


@pytest.mark.parametrize(
    "query",
    ["Dmitri Khoroshev", "Ivan Sergeyevich Petrov Volkov", "Northwind Trading", "Abu", "王磊"],
)
def test_the_index_scores_a_whole_block_as_name_score_does_pair_by_pair(lists, query):
    index = build_index()
    tokens = normalise_name(query).tokens
    every = np.arange(len(index.names), dtype=np.int32)

    scores = index.frozen().scores(tokens, every)

    assert [round(s, 3) for s in scores.tolist()] == [
        name_score(tokens, name.tokens) for name in index.names
    ]


def test_one_changed_letter_per_word_still_reaches_the_block(lists):
    index = build_index()

    candidates = index.candidates(normalise_name("Dmitro Khorashev").tokens)

    assert "tp-khoroshev" in {index.parties[index.names[c].party].entry_id for c in candidates}


@pytest.mark.django_db(transaction=True)
def test_a_server_process_warms_the_index_outside_any_request():
    """The warming thread builds the index of the committed lists on its own connection, so
    the first registration after a start finds it built."""
    import threading

    sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))
    matching._cache.update(key=None, index=None)
    outcome: list[bool] = []

    worker = threading.Thread(target=lambda: outcome.append(matching.warm_index_once()))
    worker.start()
    worker.join(timeout=60)

    assert outcome == [True]
    assert matching._cache["key"] == matching._index_key()
    assert "NORTHWIND REGIONS TRADING LLC" in _names(matching._cache["index"])


def test_warming_reports_a_database_that_cannot_answer(monkeypatch):
    import threading

    from django.db import OperationalError

    def refuse():
        raise OperationalError("no such table: compliance_listversion")

    monkeypatch.setattr(matching, "current_index", refuse)
    outcome: list[bool] = []
    worker = threading.Thread(target=lambda: outcome.append(matching.warm_index_once()))
    worker.start()
    worker.join(timeout=60)

    assert outcome == [False]


def _names(index) -> set[str]:
    return {hit.name for hit in index.search("Northwind Regions Trading", min_score=0.0)}
