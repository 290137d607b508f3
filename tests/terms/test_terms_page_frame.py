"""The Terms page: a table of contents beside the clauses (anchors and Markdown links are
covered in test_views.py)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_terms_page_has_a_contents_list_linking_each_section(client, imported):
    html = client.get("/terms").content.decode()
    start = html.index('<details class="terms-toc">')
    toc = html[start : html.index("</details>", start)]
    assert '<a href="#section-2" lang="en">2. Provision of Services</a>' in toc
    for target in re.findall(r'href="#(section-[^"]+)"', toc):
        assert f'id="{target}"' in html


def test_the_accept_page_has_the_contents_list_too(client, imported):
    from tests.factories import member_create
    from tradepost.members.views import LOGIN_BACKEND

    client.force_login(member_create().user, backend=LOGIN_BACKEND)
    html = client.get("/terms/accept").content.decode()
    assert '<details class="terms-toc">' in html


def test_the_terms_follow_the_site_of_the_host(client, bundled_terms):
    html = client.get("/terms", HTTP_HOST="aliexpress.tradepost.example").content.decode()
    assert "(aliexpress site)" in html
    assert "(alibaba site)" in client.get("/terms").content.decode()
