"""Public pages: /terms, /terms/history, a version, a translation, the diff. No login."""

from __future__ import annotations

import pytest

from tests.factories import staff_create
from tradepost.terms.services import terms_translation_attach


@pytest.mark.parametrize("path", ["/terms", "/terms/", "/terms?site=alibaba"])
def test_terms_in_force_page_has_clause_anchors(client, imported, path):
    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="5.13"' in html
    assert 'id="5.5(c)(ii)"' in html
    assert 'href="#5.13"' in html
    assert "Part A: New version" in html


def test_terms_page_renders_markdown_safely(client, imported):
    html = client.get("/terms").content.decode()

    assert (
        '<a href="https://example.com/privacy" rel="nofollow noopener">Privacy Policy</a>' in html
    )
    assert "<strong>Upon becoming a Member," in html
    assert "<h2>2. Provision of Services</h2>" in html


def test_history_lists_versions_and_links_the_diff(client, imported):
    response = client.get("/terms/history")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/terms/versions/{imported["B"].pk}"' in html
    assert f"/terms/diff?from={imported['B'].pk}&amp;to={imported['A'].pk}" in html


def test_each_version_has_its_page(client, imported):
    response = client.get(f"/terms/versions/{imported['B'].pk}")

    assert response.status_code == 200
    assert 'id="2.2"' in response.content.decode()


def test_translation_page_says_the_english_version_governs(client, imported):
    terms_translation_attach(version=imported["A"], language="ru", body="Условия")

    response = client.get(f"/terms/versions/{imported['A'].pk}/ru")

    html = response.content.decode()
    assert response.status_code == 200
    assert "governs your access to and use of the Services and the Sites (clause 1.4)" in html
    assert "Условия" in html


def test_diff_page_shows_word_changes(client, imported):
    response = client.get(f"/terms/diff?from={imported['B'].pk}&to={imported['A'].pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<ins>and controlled</ins>" in html
    assert "<del>Private Limited.</del> <ins>Pte. Ltd.</ins>" in html
    assert "Heading only: 1.3" in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/terms/diff?from=1", 400),
        ("/terms/diff?from=x&to=1", 400),
        ("/terms/diff?from=999999&to=999998", 404),
        ("/terms/versions/999999", 404),
        ("/terms/versions/999999/ru", 404),
        ("/terms?site=ebay", 404),
    ],
)
def test_bad_page_requests(client, imported, path, status):
    assert client.get(path).status_code == status


def test_no_terms_in_force_is_said_plainly(client, no_versions):
    response = client.get("/terms")

    assert response.status_code == 503
    assert "No Terms of Use are in force for the alibaba site yet." in response.content.decode()


def test_console_shows_a_version_with_its_clauses_read_only(client, imported):
    client.force_login(staff_create(superuser=True))

    response = client.get(f"/console/terms/termsversion/{imported['A'].pk}/change/")

    assert response.status_code == 200
    assert "5.13" in response.content.decode()
    assert client.get("/console/terms/termsversion/add/").status_code == 403
