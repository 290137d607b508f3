"""The Simplified Chinese UI translation: complete, placeholder-safe, compiled, and shown.

The .po file is checked as data (every entry translated, none fuzzy, the same placeholders and
HTML tags as the English), and the main pages are rendered for a reader who chose 简体中文
(the `django_language` cookie the language switcher sets): their headings and buttons are in
Chinese and no English UI sentence is left on them.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.core.files.base import ContentFile
from django.test import Client

from tests.factories import (
    image_bytes,
    listing_create,
    member_create,
    search_category,
    searchable_listing,
)
from tradepost.catalog import services
from tradepost.catalog.models import ListingImage, SupplierProfile

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
MESSAGES = Path(__file__).resolve().parents[1] / "src/tradepost/locale/zh_Hans/LC_MESSAGES"

# %(name)s, %(n)d, %s, %d, %% ; {name} ; and whole HTML tags with their attributes.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif%]|\{\w*\}|</?[a-zA-Z][^>]*>")


def _catalog() -> Catalog:
    with (MESSAGES / "django.po").open("rb") as f:
        return read_po(f)


def _entries() -> list[Message]:
    return [m for m in _catalog() if m.id]


def _forms(value: str | tuple | list) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


# --- The catalogue as data ----------------------------------------------------------------


def test_the_catalogue_is_chinese_with_one_plural_form():
    catalog = _catalog()

    assert str(catalog.locale) == "zh_Hans"
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert len(_entries()) > 650


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [m.id for m in _entries() if not all(_forms(m.string))]
    fuzzy = [m.id for m in _entries() if m.fuzzy]

    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_exactly_the_one_chinese_form():
    plurals = [m for m in _entries() if m.pluralizable]

    assert len(plurals) > 20
    assert [m.id for m in plurals if len(_forms(m.string)) != 1] == []


def test_translations_keep_every_placeholder_and_html_tag():
    wrong = []
    for m in _entries():
        ids = _forms(m.id)
        if len(ids) == 1:
            expected = Counter(PLACEHOLDER.findall(ids[0]))
            for text in _forms(m.string):
                if Counter(PLACEHOLDER.findall(text)) != expected:
                    wrong.append(ids[0])
        else:
            # One Chinese form stands for every English one, so it carries their union.
            expected_set = set().union(*(PLACEHOLDER.findall(i) for i in ids))
            for text in _forms(m.string):
                if set(PLACEHOLDER.findall(text)) != expected_set:
                    wrong.append(ids[0])

    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file():
    with (MESSAGES / "django.mo").open("rb") as f:
        compiled = {(_forms(m.id), m.context): _forms(m.string) for m in read_mo(f) if m.id}
    source = {(_forms(m.id), m.context): _forms(m.string) for m in _entries()}

    assert compiled == source


# --- Pages in Chinese ---------------------------------------------------------------------


def _english_sentences() -> list[str]:
    """UI messages without placeholders or markup and of two words or more: if one shows on
    a Chinese page, its translation was not used."""
    out = []
    for m in _entries():
        text = _forms(m.id)[0]
        if " " in text.strip() and not PLACEHOLDER.search(text):
            out.append(text)
    return out


def _visible_text(page: str) -> str:
    """What a reader sees or hears: text between tags and the labelling attributes."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    attrs = re.findall(r'\b(?:aria-label|placeholder|alt|title)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", "\n", page)
    return html.unescape("\n".join([text, *attrs]))


def _english_left(page: str) -> list[str]:
    seen = _visible_text(page)
    return [s for s in _english_sentences() if s in seen]


@pytest.fixture
def chinese(client) -> Client:
    client.cookies["django_language"] = "zh-hans"
    return client


@pytest.fixture
def supplier(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = member_create(country="CN", roles=["supplier"])
    SupplierProfile.objects.create(member=member, verified=True, description="Cookware maker.")
    return member


@pytest.fixture
def pan(supplier):
    kitchen = search_category("zh-kitchen", parent=search_category("zh-home"))
    listing = searchable_listing(
        supplier, kitchen, title="Cast iron pan", tiers=[(10, "9.50"), (100, "7.25")], sample=True
    )
    image = ListingImage(listing=listing, content_type="image/png", size=10, width=200, height=150)
    image.image.save(f"zh{listing.pk}.png", ContentFile(image_bytes()), save=True)
    return listing


def test_the_home_page_speaks_chinese(chinese, pan):
    page = chinese.get("/").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "直接向制造商和批发商采购" in page
    assert 'placeholder="您想找什么产品？"' in page
    assert ">按类目浏览</h2>" in page
    assert ">来自已验证供应商</h2>" in page
    assert ">新品上架</h2>" in page
    assert ">开始销售</h2>" in page
    assert ">注册成为供应商</a>" in page
    assert ">1 个产品</span>" in page  # the category tile's count
    assert "起订量：10 件" in page
    assert '<span class="badge badge-verified">已验证供应商</span>' in page
    assert "· 中国" in page
    assert _english_left(page) == []


def test_the_search_page_speaks_chinese(chinese, pan):
    page = chinese.get("/search/", {"q": "pan", "qty": "500"}).content.decode()

    assert "<h1>“pan”的搜索结果</h1>" in page
    assert "1 个产品" in page
    assert "按订购 500 计价" in page
    assert ">应用筛选</button>" in page
    assert ">采购数量</label>" in page
    assert "仅看已验证供应商" in page
    assert ">排序方式<" in page or ">排序<" in page
    assert '<span class="listing-card-per">采购 500 件时</span>' in page
    assert '<option value="CN">中国 (1)</option>' in page
    assert _english_left(page) == []


def test_the_search_page_counts_a_page_of_results_in_chinese(chinese, supplier):
    kitchen = search_category("zh-pots")
    for i in range(3):
        searchable_listing(supplier, kitchen, title=f"Steel pot {i}")

    page = chinese.get("/search/", {"q": "pot"}).content.decode()

    assert "第 1–3 个，共 3 个产品" in page
    assert _english_left(page) == []


def test_an_empty_search_speaks_chinese(chinese, pan):
    page = chinese.get("/search/", {"q": "pan", "country": "DE"}).content.decode()

    assert "没有符合此搜索的产品" in page
    assert "请尝试减少或更换关键词，或移除一个筛选条件：" in page
    assert "供应商所在国家/地区: 德国" in page
    assert _english_left(page) == []


def test_the_listing_page_speaks_chinese(chinese, pan):
    page = chinese.get(f"/listings/{pan.pk}/", {"qty": "50"}).content.decode()

    assert '<span class="hint">/件</span>' in page
    assert ">数量（件）</label>" in page
    assert ">查看价格</button>" in page
    assert "订购 50 件：单价 USD\xa09.50/件，总计 USD\xa0475.00" in page
    assert "按订购数量计价" in page
    assert "单价（每件）" in page
    assert "≥ 100 件" in page
    assert ">起订量</dt>" in page
    assert ">交货期</dt>" in page
    assert "请咨询供应商" in page
    assert ">访问店铺</a>" in page
    assert ">产品详情</h2>" in page
    assert ">已验证供应商<" in page
    assert "今年新入驻 Tradepost" in page
    assert _english_left(page) == []


def test_listing_facts_read_as_chinese_lists_and_units(chinese, supplier):
    listing = listing_create(
        supplier, ships_to=["DE", "FR"], lead_time_days=20, incoterm="FOB", port="Ningbo"
    )

    page = chinese.get(f"/listings/{listing.pk}/").content.decode()

    assert "<dd>德国、法国</dd>" in page
    assert "<dd>20 天</dd>" in page
    assert ">贸易术语</dt>" in page
    assert _english_left(page) == []


def test_saved_searches_show_the_date_the_chinese_way(chinese, db):
    buyer = member_create(country="US", roles=["buyer"])
    saved = services.saved_search_create(member=buyer, name="Pans", query="q=pan")
    chinese.force_login(buyer.user, backend=LOGIN_BACKEND)

    page = chinese.get("/my/saved-searches/").content.decode()

    created = saved.created_at
    assert "保存于 <time" in page
    assert f">{created.year}年{created.month}月{created.day}日</time>" in page
    assert _english_left(page) == []


def test_the_supplier_dashboard_speaks_chinese(chinese, supplier):
    listing_create(supplier)
    listing_create(supplier, title="Replica Rolex watch", description="A replica Rolex watch.")
    chinese.force_login(supplier.user, backend=LOGIN_BACKEND)

    page = chinese.get("/my/").content.decode()

    assert "您的工作台" in page
    assert f"欢迎，{supplier.company_name}" in page
    assert "已用 1 / 50 个产品名额" in page
    assert ">待处理事项</h3>" in page
    assert "未通过" in page
    assert "您的标题以仿品形式提及受保护品牌（“Replica Rolex”）。" in page
    assert "请删除该措辞：品牌的复刻品和仿制品不得发布。" in page
    assert ">快捷入口</h3>" in page
    assert ">发布新产品</a>" in page
    assert "我的店铺（买家视角）" in page
    assert _english_left(page) == []


def test_the_buyer_dashboard_speaks_chinese(chinese, supplier, pan):
    buyer = member_create(country="US", roles=["buyer"])
    services.favourite_listing_add(member=buyer, listing_id=pan.pk)
    services.favourite_supplier_add(member=buyer, supplier_member_id=supplier.member_id)
    services.saved_search_create(member=buyer, name="Pans", query="q=pan")
    chinese.force_login(buyer.user, backend=LOGIN_BACKEND)

    page = chinese.get("/my/").content.decode()

    assert ">采购</h2>" in page
    assert "收藏的产品" in page
    assert "收藏的供应商" in page
    assert "保存的搜索" in page
    assert "最新通知" in page
    assert "USD\xa09.50 起" in page  # the first tier's price, after the ISO code as everywhere
    assert "1 个产品" in page
    assert _english_left(page) == []
