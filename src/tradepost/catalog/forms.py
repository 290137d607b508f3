"""HTML forms for the catalog pages. They shape the page; the services decide.

Fields the services check are not required here, so one submission shows every problem at
once, in the services' words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms

from tradepost.catalog.rules import INCOTERMS_2020
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError

TIER_ROWS = 5


class _Plain(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value or "") if part.strip()]


class ListingForm(_Plain, forms.Form):
    title = forms.CharField(label="Title", max_length=200, required=False)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="At most 20,000 characters. No links, e-mail addresses or phone numbers "
        "(clause 5.5 g): buyers contact you through Tradepost.",
    )
    category = forms.ChoiceField(label="Category", required=False)
    currency = forms.CharField(
        label="Currency", max_length=3, required=False, help_text="ISO 4217 code, e.g. USD."
    )
    moq = forms.IntegerField(label="Minimum order quantity", required=False, min_value=1)
    unit = forms.CharField(
        label="Unit of measure", max_length=32, required=False, help_text="e.g. piece, set, kg."
    )
    keywords = forms.CharField(
        label="Keywords", required=False, help_text="Comma-separated, at most 10."
    )
    attributes = forms.CharField(
        label="Attributes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line as “key: value”, e.g. “Material: stainless steel”.",
    )
    lead_time_days = forms.IntegerField(label="Lead time (days)", required=False, min_value=0)
    port = forms.CharField(label="Port of shipment", max_length=100, required=False)
    incoterm = forms.ChoiceField(
        label="Incoterm (2020)",
        required=False,
        choices=[("", "—"), *[(code, f"{code} – {name}") for code, name in INCOTERMS_2020.items()]],
    )
    sample_available = forms.BooleanField(label="Samples available", required=False)
    ships_to = forms.CharField(
        label="Ships to",
        required=False,
        help_text="ISO country codes of the destinations you offer, comma-separated.",
    )

    def __init__(
        self,
        *args: Any,
        category_choices: Iterable[tuple[str, list[tuple[str, str]]]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "Choose a category"), *category_choices]
        for i in range(TIER_ROWS):
            self.fields[f"tier_qty_{i}"] = forms.IntegerField(
                label=f"Tier {i + 1}: from quantity", required=False
            )
            self.fields[f"tier_price_{i}"] = forms.CharField(
                label=f"Tier {i + 1}: unit price", required=False, max_length=20
            )

    def tier_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"tier_qty_{i}"], self[f"tier_price_{i}"]) for i in range(TIER_ROWS)]

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        initial = {
            key: data.get(key)
            for key in (
                "title",
                "description",
                "category",
                "currency",
                "moq",
                "unit",
                "lead_time_days",
                "port",
                "incoterm",
                "sample_available",
            )
        }
        initial["keywords"] = ", ".join(data.get("keywords") or [])
        initial["ships_to"] = ", ".join(data.get("ships_to") or [])
        initial["attributes"] = "\n".join(
            f"{a['key']}: {a['value']}" for a in data.get("attributes") or []
        )
        for i, tier in enumerate((data.get("price_tiers") or [])[:TIER_ROWS]):
            initial[f"tier_qty_{i}"] = tier["min_qty"]
            initial[f"tier_price_{i}"] = tier["unit_price"]
        return initial

    def listing_data(self) -> dict[str, Any]:
        """The form as the services take it."""
        d = self.cleaned_data
        tiers = []
        for i in range(TIER_ROWS):
            qty, price = d.get(f"tier_qty_{i}"), (d.get(f"tier_price_{i}") or "").strip()
            if qty is None and not price:
                continue
            tiers.append({"min_qty": qty, "unit_price": price})
        attributes = []
        for line in (d.get("attributes") or "").splitlines():
            if not line.strip():
                continue
            key, _, value = line.partition(":")
            attributes.append({"key": key.strip(), "value": value.strip()})
        return {
            "title": d.get("title") or "",
            "description": d.get("description") or "",
            "category": d.get("category") or "",
            "currency": d.get("currency") or "",
            "moq": d.get("moq"),
            "unit": d.get("unit") or "",
            "price_tiers": tiers,
            "keywords": _split_list(d.get("keywords") or ""),
            "attributes": attributes,
            "lead_time_days": d.get("lead_time_days"),
            "port": d.get("port") or "",
            "incoterm": d.get("incoterm") or "",
            "sample_available": bool(d.get("sample_available")),
            "ships_to": [c.upper() for c in _split_list(d.get("ships_to") or "")],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        """Put the service's field errors next to the fields they are about."""
        form_add_domain_error(self, exc, field_for=_form_field, problems_for=_prefixed)


def _prefixed(key: str, problems: list[str]) -> list[str]:
    """An error about one item of a list field names the item, unless a tier row shows it."""
    if "[" in key and not _form_field(key).startswith("tier_"):
        return [f"{key}: {problem}" for problem in problems]
    return problems


def _form_field(key: str) -> str:
    m = re.match(r"price_tiers\[(\d+)\]\.(min_qty|unit_price)", key)
    if m:
        i = int(m.group(1))
        if i < TIER_ROWS:
            return f"tier_{'qty' if m.group(2) == 'min_qty' else 'price'}_{i}"
    if key == "price_tiers":
        return "tier_qty_0"
    return key.split("[", 1)[0]


class ImageForm(_Plain, forms.Form):
    image = forms.FileField(label="Product image", help_text="JPEG, PNG or WebP, at most 5 MB.")


class SupplierProfileForm(_Plain, forms.Form):
    description = forms.CharField(
        label="About the company", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    main_products = forms.CharField(
        label="Main products", required=False, help_text="Comma-separated, at most 10."
    )
    year_established = forms.IntegerField(label="Year established", required=False)
    export_markets = forms.CharField(
        label="Export markets", required=False, help_text="ISO country codes, comma-separated."
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="Shown on your storefront: a square JPEG, PNG or WebP image, at most 5 MB.",
    )
    banner = forms.FileField(
        label="Banner image",
        required=False,
        help_text="The wide picture across the top of your storefront, e.g. 1600 × 400 pixels.",
    )

    def images(self) -> dict[str, Any]:
        """The logo and banner uploads, for `services.supplier_images_update`."""
        return {"logo": self.cleaned_data.get("logo"), "banner": self.cleaned_data.get("banner")}

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "description": d.get("description") or "",
            "main_products": _split_list(d.get("main_products") or ""),
            "year_established": d.get("year_established"),
            "export_markets": [c.upper() for c in _split_list(d.get("export_markets") or "")],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc, field_for=lambda key: key.split("[", 1)[0])


class CertificationForm(_Plain, forms.Form):
    name = forms.CharField(label="Certificate", max_length=200, required=False)
    issuer = forms.CharField(label="Issued by", max_length=200, required=False)
    document = forms.FileField(label="Document", help_text="PDF or image, at most 10 MB.")

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc)
