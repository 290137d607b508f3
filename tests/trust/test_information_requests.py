"""Information requests (clauses 5.9, 7.5): staff ask with a deadline, the member is told and
answers in the app with files, and an unanswered request at its deadline proposes a
suspension (lazily on read and by `tradepost trust information-deadlines`), not before."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import image_bytes, member_create, pdf_bytes, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.errors import Conflict, InvalidInput
from tradepost.members.services import api_token_create
from tradepost.notices.models import Notice
from tradepost.trust.models.actions import Action
from tradepost.trust.models.requests import InformationRequest, InformationRequestFile
from tradepost.trust.services import requests as services


@pytest.fixture
def member(db):
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="ts-agent", role="Trust & safety agent")


def _token(user):
    return api_token_create(user=user, name="t")[1]


def _ask(member, agent, *, hours=48, now=None, clause="5.9"):
    now = now or timezone.now()
    return services.information_request_create(
        member=member,
        clause=clause,
        questions="Send the invoices for order 1001.",
        deadline=now + timedelta(hours=hours),
        by=agent,
        now=now,
    )


def _answer(token, request_id, data):
    client = ApiClient(token=token)
    return client.client.post(
        f"/api/v1/members/me/information-requests/{request_id}/answer",
        data,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_staff_ask_through_the_api_and_the_member_gets_a_notice(member, agent):
    client = ApiClient(token=_token(agent))
    deadline = (timezone.now() + timedelta(days=3)).replace(microsecond=0)

    response = client.post(
        "/staff/information-requests",
        {
            "member_id": member.member_id,
            "clause": "7.5",
            "questions": "Who shipped order 1001?",
            "deadline": deadline.isoformat(),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["member_id"], body["clause"], body["status"]) == (member.member_id, "7.5", "open")
    notice = Notice.objects.get(pk=body["notice_id"])
    assert notice.member == member
    assert "Who shipped order 1001?" in notice.body
    assert "clause 7.5" in notice.subject
    row = AuditEntry.objects.get(action="information_request.created")
    assert (row.actor, row.member_id, row.clause) == (agent, member.member_id, "7.5")
    mine = ApiClient(token=_token(member.user)).get("/members/me/information-requests")
    assert [r["id"] for r in mine.json()] == [body["id"]]


@pytest.mark.parametrize(
    ("hours", "problem"),
    [(1, "at least 24 hours"), (24 * 91, "at most 90 days")],
)
def test_a_deadline_too_soon_or_too_far_is_refused(member, agent, hours, problem):
    with pytest.raises(InvalidInput) as caught:
        _ask(member, agent, hours=hours)

    assert caught.value.code == "invalid_deadline"
    assert problem in caught.value.message


def test_member_answers_with_text_and_files(member, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = _ask(member, agent)
    token = _token(member.user)

    response = _answer(
        token,
        request.pk,
        {
            "text": "Invoices attached.",
            "files": [
                SimpleUploadedFile("invoice.pdf", pdf_bytes(), "application/pdf"),
                SimpleUploadedFile("waybill.png", image_bytes(), "image/png"),
            ],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["answer"]) == ("answered", "Invoices attached.")
    assert [(f["name"], f["content_type"]) for f in body["files"]] == [
        ("invoice.pdf", "application/pdf"),
        ("waybill.png", "image/png"),
    ]
    stored = InformationRequestFile.objects.get(original_name="invoice.pdf")
    assert stored.file.name.startswith("trust/information-requests/")
    assert (tmp_path / stored.file.name).read_bytes() == pdf_bytes()
    row = AuditEntry.objects.get(action="information_request.answered")
    assert (row.actor, row.after["late"], len(row.after["files"])) == (member.user, False, 2)
    # Staff download the file the member sent.
    staff_client = ApiClient(token=_token(agent))
    download = staff_client.get(f"/staff/information-requests/{request.pk}/files/{stored.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert "attachment" in download["Content-Disposition"]


def test_an_answer_with_a_file_that_is_not_a_document_is_refused(member, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = _ask(member, agent)

    response = _answer(
        _token(member.user),
        request.pk,
        {"text": "Here", "files": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")]},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_document"
    request.refresh_from_db()
    assert request.status == "open"
    assert InformationRequestFile.objects.count() == 0


def test_an_answer_needs_text_or_a_file_and_is_given_once(member, agent):
    request = _ask(member, agent)
    token = _token(member.user)

    empty = _answer(token, request.pk, {"text": "  "})
    first = _answer(token, request.pk, {"text": "Done."})
    again = _answer(token, request.pk, {"text": "Again."})

    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "answer_empty"
    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_answered"


def test_another_members_request_is_not_found(member, agent):
    request = _ask(member, agent)
    other = member_create()

    response = _answer(_token(other.user), request.pk, {"text": "Not mine."})

    assert response.status_code == 404


def test_deadline_not_yet_passed_proposes_nothing(member, agent):
    now = timezone.now()
    request = _ask(member, agent, hours=24, now=now)

    changed = services.information_requests_deadlines_apply(
        now=request.deadline - timedelta(seconds=1)
    )

    assert changed == []
    request.refresh_from_db()
    assert (request.status, request.suspension_proposed_at) == ("open", None)
    assert not AuditEntry.objects.filter(action="information_request.suspension_proposed").exists()
    assert not Action.objects.exists()


def test_deadline_passed_proposes_a_suspension_once(member, agent):
    request = _ask(member, agent, hours=24)

    first = services.information_requests_deadlines_apply(now=request.deadline)
    second = services.information_requests_deadlines_apply(now=request.deadline + timedelta(days=1))

    assert [r.pk for r in first] == [request.pk]
    assert second == []
    request.refresh_from_db()
    assert request.status == "overdue"
    assert request.suspension_proposed_at == request.deadline
    row = AuditEntry.objects.get(action="information_request.suspension_proposed")
    assert (row.actor, row.member_id, row.clause) == (None, member.member_id, "5.9")
    assert row.after == {"status": "overdue", "proposed": "suspend"}
    # A proposal, not yet an action: the member is still active until staff confirm.
    assert not Action.objects.exists()
    member.refresh_from_db()
    assert member.status == "active"


def _overdue(member, agent, clause="5.9"):
    past = timezone.now() - timedelta(days=3)
    request = _ask(member, agent, hours=24, now=past, clause=clause)
    services.information_requests_deadlines_apply()
    return request


@pytest.mark.parametrize("clause", ["5.9", "7.5"])
def test_staff_confirm_the_proposed_suspension_through_action_take(member, agent, clause):
    request = _overdue(member, agent, clause)
    client = ApiClient(token=_token(agent))

    response = client.post(
        f"/staff/information-requests/{request.pk}/suspension",
        {"decision": "confirm", "reason": "No invoices after the deadline."},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    action = Action.objects.get()
    assert (body["suspension_decision"], body["suspension_action_id"]) == ("confirmed", action.pk)
    assert (action.kind, action.clause, action.source, action.status) == (
        "suspend",
        clause,
        "automated",
        "in_force",
    )
    assert action.automated_detection is True
    assert action.case_ref == f"information_request:{request.pk}"
    member.refresh_from_db()
    assert member.status == "suspended"
    again = client.post(
        f"/staff/information-requests/{request.pk}/suspension",
        {"decision": "dismiss", "reason": "Twice."},
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"


def test_staff_dismiss_the_proposal_and_nothing_is_taken(member, agent):
    request = _overdue(member, agent)

    services.information_request_suspension_decide(
        request_id=request.pk, confirm=False, reason="Answered by phone.", by=agent
    )

    request.refresh_from_db()
    assert (request.suspension_decision, request.suspension_action) == ("dismissed", None)
    assert not Action.objects.exists()
    assert AuditEntry.objects.filter(action="information_request.suspension_dismissed").count() == 1


def test_no_suspension_to_decide_before_the_deadline(member, agent):
    request = _ask(member, agent)

    response = ApiClient(token=_token(agent)).post(
        f"/staff/information-requests/{request.pk}/suspension",
        {"decision": "confirm", "reason": "Too early."},
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_proposed"


def test_answered_requests_do_not_become_overdue(member, agent):
    request = _ask(member, agent, hours=24)
    services.information_request_answer(member=member, request_id=request.pk, text="Here.")

    changed = services.information_requests_deadlines_apply(now=request.deadline + timedelta(1))

    assert changed == []
    request.refresh_from_db()
    assert request.status == "answered"


def test_reading_the_list_applies_a_passed_deadline(member, agent):
    past = timezone.now() - timedelta(days=3)
    request = _ask(member, agent, hours=24, now=past)

    response = ApiClient(token=_token(member.user)).get("/members/me/information-requests")

    assert response.json()[0]["status"] == "overdue"
    request.refresh_from_db()
    assert request.suspension_proposed_at is not None


def test_the_command_applies_deadlines(member, agent):
    past = timezone.now() - timedelta(days=3)
    request = _ask(member, agent, hours=24, now=past)
    out = StringIO()

    call_command("trust", "information-deadlines", stdout=out)

    assert "1 request(s) became overdue." in out.getvalue()
    assert InformationRequest.objects.get(pk=request.pk).status == "overdue"


def test_a_late_answer_is_taken_and_marked_late(member, agent):
    past = timezone.now() - timedelta(days=3)
    request = _ask(member, agent, hours=24, now=past)

    services.information_request_answer(member=member, request_id=request.pk, text="Sorry.")

    request.refresh_from_db()
    assert request.status == "answered"
    assert AuditEntry.objects.get(action="information_request.answered").after["late"] is True


def test_staff_close_a_request_and_a_closed_request_takes_no_answer(member, agent):
    request = _ask(member, agent)
    client = ApiClient(token=_token(agent))

    closed = client.post(f"/staff/information-requests/{request.pk}/close", {"reason": "Solved."})

    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    with pytest.raises(Conflict) as caught:
        services.information_request_answer(member=member, request_id=request.pk, text="Late.")
    assert caught.value.code == "request_closed"


def test_staff_list_and_detail(member, agent):
    request = _ask(member, agent)
    client = ApiClient(token=_token(agent))

    listed = client.get(f"/staff/information-requests?member_id={member.member_id}")
    detail = client.get(f"/staff/information-requests/{request.pk}")

    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["id"] == request.pk
    assert detail.json()["asked_by"] == "ts-agent"


@pytest.mark.parametrize(
    ("role", "create", "view", "close"),
    [
        ("Support agent", 403, 403, 403),
        ("Legal counsel", 403, 200, 403),
        ("Compliance officer", 201, 200, 200),
        ("Trust & safety agent", 201, 200, 200),
        ("Administrator", 201, 200, 200),
    ],
)
def test_role_matrix(member, agent, role, create, view, close):
    request = _ask(member, agent)
    staff = staff_create(username="s-" + role.split()[0].lower(), role=role)
    client = ApiClient(token=_token(staff))
    deadline = (timezone.now() + timedelta(days=3)).isoformat()

    created = client.post(
        "/staff/information-requests",
        {"member_id": member.member_id, "clause": "5.9", "questions": "Q?", "deadline": deadline},
    )
    listed = client.get("/staff/information-requests")
    closed = client.post(f"/staff/information-requests/{request.pk}/close", {"reason": "Done."})

    assert (created.status_code, listed.status_code, closed.status_code) == (create, view, close)


def test_members_get_403_on_the_staff_operations(member):
    client = ApiClient(token=_token(member.user))

    response = client.get("/staff/information-requests")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_only"


# --- The member's pages ---------------------------------------------------------------------


def test_member_page_lists_requests_and_takes_an_answer_with_a_file(
    member, agent, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = _ask(member, agent)
    client.force_login(member.user)

    listing = client.get("/my/information-requests/")
    page = client.get(f"/my/information-requests/{request.pk}/")
    sent = client.post(
        f"/my/information-requests/{request.pk}/",
        {
            "text": "See the attached invoice.",
            "documents": [SimpleUploadedFile("invoice.pdf", pdf_bytes(), "application/pdf")],
        },
    )

    assert listing.status_code == 200
    assert "Send the invoices for order 1001." in listing.content.decode()
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert sent.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.answer) == ("answered", "See the attached invoice.")
    assert request.files.get().original_name == "invoice.pdf"
    after = client.get(f"/my/information-requests/{request.pk}/").content.decode()
    assert "invoice.pdf" in after
    assert "Send answer" not in after


def test_member_page_shows_service_errors_next_to_the_form(member, agent, client):
    request = _ask(member, agent)
    client.force_login(member.user)

    response = client.post(f"/my/information-requests/{request.pk}/", {"text": ""})

    assert response.status_code == 422
    assert "Write an answer or attach at least one file." in response.content.decode()


def test_another_members_page_is_a_404(member, agent, client):
    request = _ask(member, agent)
    client.force_login(member_create().user)

    assert client.get(f"/my/information-requests/{request.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/my/information-requests/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- The console ----------------------------------------------------------------------------


def _console(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="tradepost.members.backends.MemberLoginBackend")
    return client


def test_console_asks_through_the_service_and_confirms_a_proposed_suspension(member, agent):
    console = _console(agent)
    deadline = timezone.now() + timedelta(days=2)

    added = console.post(
        "/console/trust/informationrequest/add/",
        {
            "member": member.pk,
            "clause": "5.9",
            "questions": "Send the certificate of origin.",
            "deadline_0": deadline.strftime("%Y-%m-%d"),
            "deadline_1": deadline.strftime("%H:%M:%S"),
        },
    )

    assert added.status_code == 302, added.content.decode()[:2000]
    request = InformationRequest.objects.get()
    assert request.notice is not None
    assert AuditEntry.objects.filter(action="information_request.created", actor=agent).exists()
    InformationRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    listing = console.get("/console/trust/informationrequest/")
    assert listing.status_code == 200
    confirmed = console.post(
        "/console/trust/informationrequest/",
        {
            "action": "suspension_confirm",
            "_selected_action": [request.pk],
            "apply": "1",
            "reason": "No certificate by the deadline.",
        },
    )
    assert confirmed.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.suspension_decision) == ("overdue", "confirmed")
    member.refresh_from_db()
    assert member.status == "suspended"


@pytest.mark.parametrize(
    "query", ["member_id=cn%00x", "status=pending", "clause=6.1", "limit=0", "offset=-1"]
)
def test_staff_list_refuses_bad_filters_with_422(agent, query):
    response = ApiClient(token=_token(agent)).get(f"/staff/information-requests?{query}")

    assert response.status_code == 422


def test_staff_create_refuses_a_deadline_without_time_zone(member, agent):
    naive = (timezone.now() + timedelta(days=2)).replace(tzinfo=None).isoformat()

    response = ApiClient(token=_token(agent)).post(
        "/staff/information-requests",
        {"member_id": member.member_id, "clause": "5.9", "questions": "Q?", "deadline": naive},
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["deadline"]
