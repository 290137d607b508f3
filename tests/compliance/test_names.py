"""Name normalisation (compliance.names) and its policy file (policy/screening.toml)."""

import pytest

from tradepost.compliance.names import name_key, normalise_name
from tradepost.policy import PolicyError
from tradepost.policy.screening import load_screening_policy, parse_screening_policy


@pytest.mark.parametrize(
    ("written", "key"),
    [
        # Cyrillic
        ("Дмитрий Юрьевич Хорошев", "dmitriy khoroshev yurevich"),
        # Chinese: a two or three character personal name, family name first
        ("王磊", "lei wang"),
        ("邓小平", "deng xiaoping"),
        # Japanese kana
        ("ヤマダ タロウ", "tarou yamada"),
        # Greek
        ("Γεώργιος Παπαδόπουλος", "georgios papadopoylos"),
        # Arabic
        ("جمعية النور للإغاثة", "jmyh llghthh lnwr"),
    ],
)
def test_every_script_is_transliterated_to_latin(written, key):
    norm = normalise_name(written)

    assert norm.key == key
    assert norm.transliterated is True


def test_latin_names_are_not_marked_transliterated():
    assert normalise_name("Dmitry Khoroshev").transliterated is False


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Shenzhen Bright Harbor Trading Co., Ltd.", "bright harbor shenzhen trading"),
        ("NORTHWIND REGIONS TRADING LLC", "northwind regions trading"),
        ("Acme GmbH", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme S.p.A", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme Inc", "acme"),
        ("ООО Ромашка", "romashka"),
        ("深圳明港贸易有限公司", "shenzhenminggangmaoyi"),
    ],
)
def test_legal_forms_are_removed(written, key):
    assert name_key(written) == key


def test_titles_and_punctuation_are_removed():
    assert name_key("Sheikh Dr. Omar AL-RASHID") == "omar rashid"
    assert name_key("Mr. O'Brien") == "obrien"


def test_token_order_does_not_matter():
    assert name_key("KHOROSHEV, Dmitry Yuryevich") == name_key("Dmitry Yuryevich Khoroshev")


def test_a_name_made_only_of_dropped_words_keeps_them():
    assert name_key("Co.") == "co"


def test_nfkc_folds_compatibility_forms():
    assert name_key("ＡＣＭＥ Ｔｒａｄｉｎｇ") == "acme trading"


def test_the_shipped_policy_loads_with_ordered_scores():
    policy = load_screening_policy()

    assert (policy.review_score, policy.hold_score) == (0.80, 0.92)
    assert "ltd" in policy.legal_forms
    assert "sheikh" in policy.titles


def test_a_hold_score_below_the_review_score_is_refused():
    with pytest.raises(PolicyError, match="hold_score"):
        parse_screening_policy({"review_score": 0.9, "hold_score": 0.8})


def test_a_word_list_entry_must_be_one_lower_case_word():
    with pytest.raises(PolicyError, match="legal_forms"):
        parse_screening_policy({"review_score": 0.8, "hold_score": 0.9, "legal_forms": ["S.A."]})


def test_unknown_keys_are_refused():
    with pytest.raises(PolicyError, match="review_scor"):
        parse_screening_policy({"review_scor": 0.8, "hold_score": 0.9})
