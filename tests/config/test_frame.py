"""The frame every page shares: header (brand, search, member menu), footer, languages."""

import pytest
from django.test import Client

from tests.factories import member_create, search_category
from tradepost.config.context_processors import HEADER_CATEGORIES_KEY
from tradepost.members.views import LOGIN_BACKEND

pytestmark = pytest.mark.django_db


def _logged_in(**member) -> Client:
    client = Client()
    client.force_login(member_create(**member).user, backend=LOGIN_BACKEND)
    return client


@pytest.mark.parametrize("path", ["/about/", "/privacy/", "/help/"])
def test_the_information_pages_render_with_one_heading(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("<h1>") == 1


def test_the_footer_links_terms_privacy_notices_help_and_about(client):
    html = client.get("/about/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for href in ('href="/terms"', 'href="/privacy/"', 'href="/notices/public/"', 'href="/help/"'):
        assert href in footer
    assert 'href="/about/"' in footer
    assert 'action="/i18n/setlang/"' in footer


def test_the_header_search_posts_keywords_and_a_top_level_category(client):
    # given: a top-level category with a child
    top = search_category("frame-tools")
    search_category("frame-drills", parent=top)

    # when
    html = client.get("/about/").content.decode()

    # then: a GET form to the search page with q and a category select of top-level ones
    assert '<form class="header-search" method="get" action="/search/" role="search">' in html
    assert 'name="q"' in html
    assert f'<option value="{top.slug}">{top.name}</option>' in html
    assert 'value="frame-drills"' not in html


def test_the_header_categories_cost_no_query_once_cached(client, django_assert_num_queries):
    client.get("/about/")  # fills the cache
    from django.core.cache import cache

    assert cache.get(HEADER_CATEGORIES_KEY) is not None
    with django_assert_num_queries(0):
        client.get("/about/")


def test_anonymous_visitors_see_register_and_log_in(client):
    html = client.get("/about/").content.decode()
    assert 'href="/register/"' in html
    assert ">Log in</a>" in html
    assert "My listings" not in html


def test_a_supplier_sees_supplier_links():
    html = _logged_in(roles=["supplier"]).get("/about/").content.decode()
    assert ">My listings</a>" in html
    assert ">Supplier profile</a>" in html
    for label in (">Notices</a>", ">Account</a>", ">Log out</button>"):
        assert label in html


def test_a_buyer_does_not_see_supplier_links():
    html = _logged_in(roles=["buyer"]).get("/about/").content.decode()
    assert "My listings" not in html
    assert "Supplier profile" not in html
    for label in (">Notices</a>", ">Account</a>", ">Log out</button>"):
        assert label in html


def test_accept_language_zh_hans_renders_the_header_in_chinese(client):
    html = client.get("/about/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert ">搜索</button>" in html
    assert ">全部类目</option>" in html
    assert ">注册</a>" in html
    assert "<h1>关于 Tradepost</h1>" in html


def test_english_is_the_default(client):
    html = client.get("/about/").content.decode()
    assert '<html lang="en">' in html
    assert ">Search</button>" in html


def test_the_switcher_sets_the_language_and_returns_to_the_page(client):
    # when: a visitor chooses Simplified Chinese on the help page
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/help/"})

    # then: back on the page, in Chinese from now on
    assert response.status_code == 302
    assert response["Location"] == "/help/"
    assert response.cookies["django_language"].value == "zh-hans"
    assert "<h1>帮助</h1>" in client.get("/help/").content.decode()


def test_the_switcher_lists_both_languages_by_their_own_names(client):
    html = client.get("/help/").content.decode()
    assert '<option value="en" lang="en" selected>English</option>' in html
    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in html


def test_the_registration_form_speaks_chinese_to_a_chinese_browser(client):
    html = client.get("/register/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>注册您的企业</h1>" in html
    assert "公司法定名称" in html
    assert "我已阅读并接受使用条款（第 1.1 条）。" in html
