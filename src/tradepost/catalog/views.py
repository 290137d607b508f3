"""Catalog pages: the supplier's listing management and profile, and the public listing and
supplier pages. Thin: parse, call a service or selector, render.

Every form posts to a plain URL and works without JavaScript; the listing form's
"Check against the policy" button also works through htmx (it swaps only the result).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any
from urllib.parse import parse_qsl

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tradepost.catalog import listing_page, selectors, services
from tradepost.catalog.cards import listing_cards
from tradepost.catalog.forms import (
    CertificationForm,
    ImageForm,
    ListingForm,
    SavedSearchForm,
    SupplierProfileForm,
)
from tradepost.catalog.models import Category, Listing, ListingStatus
from tradepost.catalog.screening import ListingContent, screen_listing
from tradepost.catalog.screening_advice import match_advice, screening_advice, without_rule_ids
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, InvalidInput, NotFound
from tradepost.http import client_ip
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.notices import selectors as notice_selectors


def supplier_page(view: Callable) -> Callable:
    """Logged in with a member account; the services decide what a non-supplier may do."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        member = member_for_user(request.user)
        if member is None or not member.is_supplier:
            return render(request, "catalog/not_a_supplier.html", status=403)
        return view(request, member, *args, **kwargs)

    return wrapper


def member_page(view: Callable) -> Callable:
    """Logged in with a member account, buyer or supplier."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        member = member_for_user(request.user)
        if member is None:
            return render(request, "catalog/not_a_member.html", status=403)
        return view(request, member, *args, **kwargs)

    return wrapper


def _listing_or_404(member: Member, listing_id: int) -> Listing:
    try:
        return selectors.listing_for_member(member=member, listing_id=listing_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Screening result, for people -----------------------------------------------------------


def _field_text(data: dict, field: str) -> str:
    if field in ("title", "description", "port"):
        return data.get(field) or ""
    if field.startswith("keywords["):
        i = int(field[len("keywords[") : field.index("]")])
        keywords = data.get("keywords") or []
        return keywords[i] if i < len(keywords) else ""
    if field.startswith("attributes["):
        i = int(field[len("attributes[") : field.index("]")])
        attrs = data.get("attributes") or []
        part = field.rsplit(".", 1)[-1]
        return attrs[i].get(part, "") if i < len(attrs) else ""
    return ""


def screening_rows(screening: dict, data: dict) -> list[dict]:
    """Each match with the words around it, so the supplier sees exactly what to fix."""
    rows = []
    for match in screening.get("matches", []):
        row = {**match, **match_advice(match)}
        start, end = match.get("start"), match.get("end")
        text = _field_text(data, match.get("field", ""))
        if start is not None and end is not None and text[start:end] == match.get("text"):
            row["before"] = ("…" if start > 40 else "") + text[max(0, start - 40) : start]
            row["after"] = text[end : end + 40] + ("…" if end + 40 < len(text) else "")
        rows.append(row)
    return rows


def _listing_context(listing: Listing) -> dict:
    data = services.listing_data(listing)
    return {
        "listing": listing,
        "screening": listing.screening,
        "screening_rows": screening_rows(listing.screening or {}, data),
        "advice": screening_advice(listing.screening),
        "history": [
            {"t": t, "message": without_rule_ids(t.message)} for t in listing.transitions.all()[:20]
        ],
        "images": list(listing.images.all()),
    }


# --- The supplier's listings --------------------------------------------------------------


@supplier_page
@require_GET
def my_listings(request: HttpRequest, member: Member) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ListingStatus.values:
        status = ""
    listings = list(selectors.listings_for_member(member=member, status=status or None)[:500])
    return render(
        request,
        "catalog/my_listings.html",
        {
            "listings": listings,
            "cap": selectors.supplier_listing_cap(member=member),
            "status": status,
            "status_counts": selectors.listing_status_counts(member=member),
            "statuses": ListingStatus,
        },
    )


def _listing_form(request: HttpRequest, initial: dict | None = None) -> ListingForm:
    return ListingForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        category_choices=selectors.category_choices(),
    )


@supplier_page
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest, member: Member) -> HttpResponse:
    """Post a listing: the clause 3.7 licence, then Product Listing Policy screening."""
    form = _listing_form(request)
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST
        try:
            listing = services.listing_create_with_images(
                member=member,
                data=form.listing_data(),
                images=form.cleaned_data.get("images") or [],
                publish=publish,
                ip=client_ip(request),
            )
        except InvalidInput as exc:
            form.add_domain_error(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            _announce(request, listing)
            return redirect("catalog:listing_edit", listing_id=listing.pk)
    elif request.method == "POST":
        form.add_rule_errors(leaf_categories=selectors.leaf_category_slugs())
    return render(request, "catalog/listing_form.html", {"form": form, "listing": None})


@supplier_page
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    """Edit a listing; a published or queued one is screened again."""
    listing = _listing_or_404(member, listing_id)
    form = _listing_form(request, initial=ListingForm.initial_from(services.listing_data(listing)))
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST
        try:
            listing = services.listing_update_with_images(
                member=member,
                listing_id=listing.pk,
                changes=form.listing_data(),
                images=form.cleaned_data.get("images") or [],
                publish=publish,
                ip=client_ip(request),
            )
        except InvalidInput as exc:
            form.add_domain_error(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            _announce(request, listing)
            return redirect("catalog:listing_edit", listing_id=listing.pk)
        listing = _listing_or_404(member, listing_id)
    elif request.method == "POST":
        form.add_rule_errors(leaf_categories=selectors.leaf_category_slugs())
    context = {"form": form, "image_form": ImageForm(), **_listing_context(listing)}
    return render(request, "catalog/listing_form.html", context)


@supplier_page
@require_POST
def listing_screen_preview(request: HttpRequest, member: Member) -> HttpResponse:
    """Check the form against the Product Listing Policy without saving anything."""
    form = _listing_form(request)
    form.is_valid()
    data = form.listing_data() if hasattr(form, "cleaned_data") else {}
    category = Category.objects.filter(slug=data.get("category") or "").first()
    profile = selectors.supplier_profile_of(member)
    content = ListingContent(
        title=data.get("title", ""),
        description=data.get("description", ""),
        keywords=tuple(data.get("keywords", ())),
        attributes=tuple((a["key"], a["value"]) for a in data.get("attributes", ())),
        port=data.get("port", ""),
        category_path=selectors.category_path(category) if category else (),
        category_name=category.name if category else "",
        ships_to=tuple(data.get("ships_to", ())),
        export_markets=tuple(profile.export_markets if profile else ()),
        supplier_country=member.country,
    )
    screening = screen_listing(content, selectors.listing_policy_in_force()).as_dict()
    context = {"screening": screening, "screening_rows": screening_rows(screening, data)}
    return render(request, "catalog/_screening.html", context)


def _announce(request: HttpRequest, listing: Listing) -> None:
    last = listing.transitions.order_by("-at", "-id").first()
    if last is not None and last.message and last.at >= listing.updated_at.replace(microsecond=0):
        level = messages.success if listing.status == ListingStatus.PUBLISHED else messages.warning
        level(request, without_rule_ids(last.message))
    else:
        messages.success(
            request, f"“{listing.title}” is saved as a {listing.get_status_display().lower()}."
        )


def _post_action(
    request: HttpRequest,
    member: Member,
    listing_id: int,
    action: Callable[..., Listing | None],
) -> HttpResponse:
    try:
        listing = action(member=member, listing_id=listing_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:listing_edit", listing_id=listing_id)
    if listing is None:
        messages.success(request, "The draft is deleted.")
        return redirect("catalog:my_listings")
    _announce(request, listing)
    if listing.status == ListingStatus.REMOVED:
        return redirect("catalog:my_listings")
    return redirect("catalog:listing_edit", listing_id=listing.pk)


@supplier_page
@require_POST
def listing_submit(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    submit = partial(services.listing_submit, ip=client_ip(request))
    return _post_action(request, member, listing_id, submit)


@supplier_page
@require_POST
def listing_withdraw(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    return _post_action(request, member, listing_id, services.listing_withdraw)


@supplier_page
@require_POST
def listing_delete(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    return _post_action(request, member, listing_id, services.listing_delete)


@supplier_page
@require_POST
def listing_image_add(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(member, listing_id)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.listing_image_add(
                member=member,
                listing_id=listing.pk,
                upload=form.cleaned_data["image"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc, field_for=lambda key: "image", message_field="image")
        else:
            messages.success(request, "The image is added.")
            return redirect(reverse("catalog:listing_edit", args=[listing.pk]) + "#images")
    context = {
        "form": ListingForm(
            initial=ListingForm.initial_from(services.listing_data(listing)),
            category_choices=selectors.category_choices(),
        ),
        "image_form": form,
        **_listing_context(listing),
    }
    return render(request, "catalog/listing_form.html", context, status=422)


@supplier_page
@require_POST
def listing_image_remove(
    request: HttpRequest, member: Member, listing_id: int, image_id: int
) -> HttpResponse:
    try:
        services.listing_image_remove(member=member, listing_id=listing_id, image_id=image_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "The image is removed.")
    return redirect(reverse("catalog:listing_edit", args=[listing_id]) + "#images")


# --- The supplier profile -----------------------------------------------------------------


@supplier_page
@require_http_methods(["GET", "POST"])
def my_supplier_profile(request: HttpRequest, member: Member) -> HttpResponse:
    profile = selectors.supplier_profile_of(member)
    initial = {}
    if profile:
        initial = {
            "description": profile.description,
            "main_products": ", ".join(profile.main_products or []),
            "year_established": profile.year_established,
            "export_markets": list(profile.export_markets or []),
        }
    form = SupplierProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the text and the pictures are saved together or not at all
                services.supplier_profile_update(
                    member=member, changes=form.changes(), ip=client_ip(request)
                )
                if any(form.images().values()):
                    services.supplier_images_update(
                        member=member, **form.images(), ip=client_ip(request)
                    )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Your supplier profile is updated.")
            return redirect("catalog:my_supplier_profile")
    return _profile_page(request, member, form=form)


def _profile_page(
    request: HttpRequest,
    member: Member,
    *,
    form: SupplierProfileForm | None = None,
    cert_form: CertificationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    profile = selectors.supplier_profile_of(member)
    context = {
        "member": member,
        "profile": profile,
        "certifications": list(profile.certifications.all()) if profile else [],
        "cap": selectors.supplier_listing_cap(member=member, profile=profile),
        "form": form or SupplierProfileForm(),
        "cert_form": cert_form or CertificationForm(),
    }
    return render(request, "catalog/my_supplier_profile.html", context, status=status)


@supplier_page
@require_POST
def certification_add(request: HttpRequest, member: Member) -> HttpResponse:
    form = CertificationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.certification_add(
                member=member,
                name=form.cleaned_data["name"],
                issuer=form.cleaned_data["issuer"],
                upload=form.cleaned_data["document"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "The certification is added.")
            return redirect(reverse("catalog:my_supplier_profile") + "#certifications")
    return _profile_page(request, member, cert_form=form, status=422)


@supplier_page
@require_POST
def certification_remove(
    request: HttpRequest, member: Member, certification_id: int
) -> HttpResponse:
    try:
        services.certification_remove(member=member, certification_id=certification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "The certification is removed.")
    return redirect(reverse("catalog:my_supplier_profile") + "#certifications")


# --- The member's dashboard ---------------------------------------------------------------

DASHBOARD_ITEMS = 6


@member_page
@require_GET
def dashboard(request: HttpRequest, member: Member) -> HttpResponse:
    """One workspace: supplier sections for suppliers, buyer sections for buyers, both for
    a member who is both. A constant number of queries whatever the data."""
    context: dict[str, Any] = {"member": member}
    if member.is_supplier:
        profile = selectors.supplier_profile_of(member)
        attention = selectors.listings_needing_attention(member=member)
        context.update(
            profile=profile,
            cap=selectors.supplier_listing_cap(member=member, profile=profile),
            status_counts=selectors.listing_status_counts(member=member),
            attention=[
                {"listing": listing, "advice": screening_advice(listing.screening)}
                for listing in attention
            ],
        )
    if member.is_buyer:
        context.update(
            favourite_listings=selectors.favourite_listings_of(
                member=member, limit=DASHBOARD_ITEMS
            ),
            favourite_suppliers=selectors.favourite_suppliers_of(
                member=member, limit=DASHBOARD_ITEMS
            ),
            favourite_counts=selectors.favourite_counts(member=member),
            saved_searches=selectors.saved_searches_of(member=member, limit=DASHBOARD_ITEMS),
        )
    context.update(
        notices=list(notice_selectors.notices_for_member(member=member)[:5]),
        unread=notice_selectors.unread_count(member=member),
    )
    return render(request, "catalog/dashboard.html", context)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back where the member pressed the button (a local URL only), else `fallback`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@member_page
@require_GET
def favourites(request: HttpRequest, member: Member) -> HttpResponse:
    context = {
        "favourite_listings": selectors.favourite_listings_of(member=member),
        "favourite_suppliers": selectors.favourite_suppliers_of(member=member),
    }
    return render(request, "catalog/favourites.html", context)


@member_page
@require_POST
def favourite_toggle(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    """Save or unsave a listing. htmx swaps the button; without JavaScript, back we go."""
    try:
        saved = services.favourite_listing_toggle(member=member, listing_id=listing_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.headers.get("HX-Request"):
        context = {"listing_id": listing_id, "saved": saved, "next": request.POST.get("next")}
        return render(request, "catalog/_favourite_button.html", context)
    messages.success(
        request,
        _("The listing is saved to your favourites.")
        if saved
        else _("The listing is removed from your favourites."),
    )
    return _back(request, reverse("catalog:favourites"))


@member_page
@require_POST
def favourite_supplier_toggle(request: HttpRequest, member: Member, member_id: str) -> HttpResponse:
    try:
        saved = services.favourite_supplier_toggle(member=member, supplier_member_id=member_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("catalog:favourites"))
    if request.headers.get("HX-Request"):
        context = {"supplier_member_id": member_id, "saved": saved}
        return render(request, "catalog/_favourite_supplier_button.html", context)
    messages.success(
        request,
        _("The supplier is saved to your favourites.")
        if saved
        else _("The supplier is removed from your favourites."),
    )
    return _back(request, reverse("catalog:favourites"))


_SEARCH_LABELS = {
    "category": _lazy("Category"),
    "min_price": _lazy("Price from"),
    "max_price": _lazy("Price up to"),
    "qty": _lazy("Quantity"),
    "moq_max": _lazy("MOQ up to"),
    "country": _lazy("Supplier country"),
    "currency": _lazy("Currency"),
    "sort": _lazy("Sorted by"),
}


def search_summary(query: str) -> str:
    """A saved search's query string as a person reads it: “pump” · Supplier country: CN."""
    parts = []
    for key, value in sorted(parse_qsl(query), key=lambda kv: kv[0] != "q"):
        if key == "q":
            parts.append(f"“{value}”")
        elif key == "verified":
            parts.append(str(_lazy("Verified suppliers")))
        elif key == "sample":
            parts.append(str(_lazy("Samples available")))
        elif key in _SEARCH_LABELS:
            parts.append(f"{_SEARCH_LABELS[key]}: {value}")
    return " · ".join(parts) or str(_lazy("All listings"))


@member_page
@require_http_methods(["GET", "POST"])
def saved_searches(request: HttpRequest, member: Member) -> HttpResponse:
    """The member's named searches; POST saves the search the member is looking at."""
    form = SavedSearchForm(
        request.POST if request.method == "POST" else None,
        initial={"query": request.GET.get("query", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.saved_search_create(
                    member=member,
                    name=form.cleaned_data["name"],
                    query=form.cleaned_data["query"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Your search is saved."))
                return redirect("catalog:saved_searches")
        status = 422
    context = {
        "form": form,
        "saved_searches": [
            {"saved": saved, "summary": search_summary(saved.query)}
            for saved in selectors.saved_searches_of(member=member)
        ],
        "query": services.search_query_clean(request.GET.get("query", "")),
    }
    return render(request, "catalog/saved_searches.html", context, status=status)


@member_page
@require_POST
def saved_search_delete(request: HttpRequest, member: Member, saved_search_id: int) -> HttpResponse:
    try:
        services.saved_search_delete(member=member, saved_search_id=saved_search_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The saved search is deleted."))
    return redirect("catalog:saved_searches")


@supplier_page
@require_POST
def listing_image_move(
    request: HttpRequest, member: Member, listing_id: int, image_id: int
) -> HttpResponse:
    """Up or down one place (the buttons work without JavaScript)."""
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.listing_image_move(
            member=member, listing_id=listing_id, image_id=image_id, offset=offset
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    return redirect(reverse("catalog:listing_edit", args=[listing_id]) + "#images")


@supplier_page
@require_POST
def listing_images_reorder(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    """The order after a drag (workspace.js posts every image id, in the new order)."""
    try:
        ids = [int(i) for i in request.POST.getlist("image")]
        services.listing_images_reorder(member=member, listing_id=listing_id, image_ids=ids)
    except ValueError:
        return HttpResponse(status=400)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return HttpResponse(exc.message, status=409)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    return redirect(reverse("catalog:listing_edit", args=[listing_id]) + "#images")


# --- Public pages ---------------------------------------------------------------------------


@require_GET
def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    """A published listing, as buyers see it: gallery, tiers, the price at a quantity
    (?qty=N; htmx asks for the price block alone), the facts and the supplier card."""
    try:
        listing = selectors.listing_public_page(listing_id=listing_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    tiers = list(listing.price_tiers.all())
    price = listing_page.price_at(
        tiers,
        raw_qty=request.GET.get("qty"),
        moq=listing.moq,
        unit=listing.unit,
        currency=listing.currency,
    )
    context: dict[str, Any] = {
        "listing": listing,
        "price": price,
        "qty": request.GET.get("qty", "").strip()[:12],
        "tiers": listing_page.tier_rows(tiers, unit=listing.unit, currency=listing.currency),
        "refused": listing_page.trade_refusals(
            member_for_user(request.user) if request.user.is_authenticated else None
        ),
    }
    if request.headers.get("HX-Request") == "true":
        context["oob"] = True  # the tier table comes along to mark the tier that applies
        response = render(request, "catalog/_listing_price.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    supplier = listing.supplier
    profile = getattr(supplier, "supplier_profile", None)
    images = list(listing.images.all())
    context |= {
        "images": images,
        "main_image": images[0] if images else None,
        "crumbs": selectors.category_ancestry(listing.category),
        "price_range": listing_page.price_range(tiers, currency=listing.currency),
        "moq": listing_page.quantity(listing.moq, listing.unit),
        "ships_to": listing_page.country_names(listing.ships_to or []),
        "supplier": supplier,
        "profile": profile,
        "supplier_country": listing_page.country_name(supplier.country),
        "supplier_years": listing_page.years_text(
            listing_page.years_on_platform(supplier.created_at)
        ),
        "is_owner": request.user.is_authenticated and supplier.user_id == request.user.pk,
    }
    response = render(request, "catalog/listing_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def supplier_detail(request: HttpRequest, member_id: str) -> HttpResponse:
    """A supplier's storefront: banner and logo, profile, certifications (verified only when
    staff verified them), referees only where they consented (5.8), and the published
    listings as cards, searchable (?q=) and paginated (?page=)."""
    try:
        context = selectors.supplier_storefront(
            member_id=member_id, q=request.GET.get("q", ""), page=request.GET.get("page", 1)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    member = context["member"]
    context |= {
        "cards": listing_cards(context["listings"]),
        "country": listing_page.country_name(member.country),
        "years": listing_page.years_text(listing_page.years_on_platform(member.created_at)),
        "export_markets": listing_page.country_names(
            (context["profile"].export_markets or []) if context["profile"] else []
        ),
        "is_owner": request.user.is_authenticated and member.user_id == request.user.pk,
    }
    return render(request, "catalog/supplier_detail.html", context)
