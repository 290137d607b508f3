"""Announcing a new Terms version (clauses 1.3, 11.2 b): the terms layer writes the notice,
`notices.services.terms_update_post` posts it and fans it out to the site's members."""

from __future__ import annotations

from tradepost.errors import NotFound
from tradepost.members.models import Site
from tradepost.notices.models import NoticeCampaign
from tradepost.notices.services import terms_update_post
from tradepost.terms.models import TermsVersion


def _terms_notice_text(version: TermsVersion) -> tuple[str, str]:
    """Subject and body of the public posting of a new Terms version (clause 1.3)."""
    site = Site(version.site).label if version.site in Site.values else version.site
    day = f"{version.effective_date:%d %B %Y}".lstrip("0")
    subject = f"Amended Terms of Use for the {site}, effective {day}"[:200]
    body = (
        f"Alibaba.com has posted amended and restated Terms of Use for the {site} "
        f"({version.label}), effective {day}.\n\n"
        "Clause 1.3: by continuing to access or use the Services or the Sites, you agree that "
        "the amended and restated Terms will apply to you."
    )
    return subject, body


def terms_version_announce(*, version_pk: int) -> NoticeCampaign:
    """Clauses 1.3 and 11.2 (b): post a new Terms version on the public notice board and
    start the fan-out to every active member of its site (`notices.services.terms_update_post`).

    Idempotent per version: a second call returns the same campaign and starts nothing new.
    """
    try:
        version = TermsVersion.objects.get(pk=version_pk)
    except TermsVersion.DoesNotExist:
        raise NotFound("Terms version not found.") from None
    subject, body = _terms_notice_text(version)
    return terms_update_post(
        terms_version_id=version.pk, site=version.site, subject=subject, body=body
    )
