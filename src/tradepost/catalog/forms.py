"""HTML forms for the catalog pages. They shape the page; the services decide.

Fields the services check are not required here, so one submission shows every problem at
once, in the services' words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, get_currency_name, parse_decimal
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tradepost.catalog import rules
from tradepost.catalog.rules import INCOTERMS_2020
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, InvalidInput
from tradepost.policy import COUNTRY_CODES

TIER_ROWS = rules.TIERS_MAX


class _Plain(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def error_summary(self) -> list[dict[str, str]]:
        """Every error with the id of the field it is about, for the summary at the top."""
        out = []
        order = {name: i for i, name in enumerate(["__all__", *self.fields])}
        for name, errors in sorted(self.errors.items(), key=lambda kv: order.get(kv[0], 0)):
            if name == "__all__":
                out += [{"id": "", "label": "", "message": str(e)} for e in errors]
                continue
            field = self.fields.get(name)
            label = str(field.label) if field else name
            if name.startswith("tier_"):
                label = _("Price tier %(n)s: %(field)s") % {
                    "n": int(name.rsplit("_", 1)[1]) + 1,
                    "field": str(label).lower(),
                }
            anchor = f"id_{name}_0" if name == "ships_to" else f"id_{name}"
            out += [{"id": anchor, "label": label, "message": str(e)} for e in errors]
        return out


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value or "") if part.strip()]


TIER_ROWS_BLANK = 2

# Units a B2B buyer meets on Alibaba.com-like sites; the catalog stores the unit as text, so a
# listing with another unit keeps it (it is added to the choices when editing).
UNITS = (
    ("piece", _("piece")),
    ("set", _("set")),
    ("pair", _("pair")),
    ("dozen", _("dozen")),
    ("box", _("box")),
    ("carton", _("carton")),
    ("pack", _("pack")),
    ("bag", _("bag")),
    ("roll", _("roll")),
    ("sheet", _("sheet")),
    ("bottle", _("bottle")),
    ("kg", _("kilogram (kg)")),
    ("gram", _("gram (g)")),
    ("tonne", _("tonne (t)")),
    ("metre", _("metre (m)")),
    ("square metre", _("square metre (m²)")),
    ("cubic metre", _("cubic metre (m³)")),
    ("litre", _("litre (l)")),
    ("container", _("container")),
)

# Shown first in the currency list: what most B2B listings are priced in.
COMMON_CURRENCIES = ("USD", "EUR", "CNY", "GBP", "JPY", "HKD", "INR", "AUD", "CAD", "CHF")

# What a person calls the fields the services name (their error keys).
FIELD_LABELS = {
    "min_qty": _("quantity"),
    "unit_price": _("unit price"),
    "moq": _("minimum order quantity"),
    "ships_to": _("Ships to"),
}


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def currency_choices() -> list[tuple[Any, Any]]:
    """ISO 4217 (less codes nobody prices goods in), named in the reader's language."""
    locale = _locale()

    def name(code: str) -> str:
        try:
            return f"{code} – {get_currency_name(code, locale=locale)}"
        except (UnknownLocaleError, ValueError):
            return code

    codes = sorted(c.alpha_3 for c in pycountry.currencies if rules.currency_valid(c.alpha_3))
    common = [(c, name(c)) for c in COMMON_CURRENCIES]
    others = [(c, name(c)) for c in codes if c not in COMMON_CURRENCIES]
    return [("", _("Choose a currency")), (_("Most used"), common), (_("All currencies"), others)]


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 countries by name in the reader's language, sorted by that name."""
    try:
        names = Locale.parse(_locale()).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("en").territories
    rows = [(code, names.get(code) or code) for code in sorted(COUNTRY_CODES)]
    return sorted(rows, key=lambda row: row[1].casefold())


def parse_local_decimal(value: str) -> Decimal | None:
    """A number as the reader writes it: "12,50" where the locale uses a decimal comma
    (de, fr), "1,250.50" where it groups with commas (en, zh-Hans); a plain "12.50" works
    everywhere. "12,50" in en or zh-Hans is refused rather than guessed as 1250."""
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:  # the reader's own way first: in de "1.250" is one thousand two hundred and fifty
        return Decimal(parse_decimal(text, locale=_locale(), strict=True))
    except (NumberFormatError, UnknownLocaleError, ValueError, InvalidOperation):
        pass
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class LocalDecimalField(forms.CharField):
    """A price typed with the reader's decimal separator; cleaned to a plain decimal string."""

    default_error_messages = {"invalid": _("Enter a number, such as 12.50.")}

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        number = parse_local_decimal(text)
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return format(number, "f")


class CodeChoiceField(forms.ChoiceField):
    """A choice of upper-case codes (ISO 4217) that also takes "usd" for "USD"."""

    def to_python(self, value: Any) -> str:
        return super().to_python(value).strip().upper()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several product images from one file input (drag and drop adds to it)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ListingForm(_Plain, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "At most 20,000 characters. No links, e-mail addresses or phone numbers: "
            "buyers contact you through Tradepost."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    currency = CodeChoiceField(
        label=_("Currency"),
        required=False,
        error_messages={"invalid_choice": _("Choose a currency from the list.")},
    )
    moq = forms.IntegerField(
        label=_("Minimum order quantity"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter a whole number, such as 100.")},
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        error_messages={"invalid_choice": _("Choose a unit from the list.")},
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        help_text=_("Words buyers search for, separated by commas; at most 10."),
    )
    attributes = forms.CharField(
        label=_("Specifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line as “name: value”, e.g. “Material: stainless steel”."),
    )
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"),
        required=False,
        min_value=0,
        error_messages={"invalid": _("Enter a whole number of days.")},
    )
    port = forms.CharField(label=_("Port of shipment"), max_length=100, required=False)
    incoterm = forms.ChoiceField(
        label=_("Incoterm (2020)"),
        required=False,
        choices=[("", "—"), *[(code, f"{code} – {name}") for code, name in INCOTERMS_2020.items()]],
    )
    sample_available = forms.BooleanField(label=_("Samples available"), required=False)
    ships_to = forms.MultipleChoiceField(
        label=_("Ships to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose countries from the list.")},
        help_text=_("The countries you deliver to. Leave empty if you do not say."),
    )
    images = MultipleImageField(
        label=_("Product images"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, at most 5 MB each, up to 10 images. The first is the cover."
        ),
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
        category.choices = [("", _("Choose a category")), *category_choices]
        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)
        currency.choices = currency_choices()
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        units: list[tuple[str, Any]] = [("", _("Choose a unit")), *UNITS]
        current = (self.data.get("unit") if self.is_bound else self.initial.get("unit")) or ""
        if current and current not in {code for code, _label in UNITS}:
            units.append((current, current))
        unit.choices = units
        ships_to = self.fields["ships_to"]
        assert isinstance(ships_to, forms.MultipleChoiceField)
        ships_to.choices = country_choices()
        for i in range(TIER_ROWS):
            self.fields[f"tier_qty_{i}"] = forms.IntegerField(
                label=_("From quantity"),
                required=False,
                min_value=1,
                error_messages={"invalid": _("Enter a whole number, such as 500.")},
            )
            self.fields[f"tier_price_{i}"] = LocalDecimalField(
                label=_("Unit price"), required=False, max_length=20
            )
        # The order of the page, so the error summary reads top to bottom.
        self.order_fields(
            [
                "title",
                "category",
                "description",
                "images",
                "currency",
                "unit",
                "moq",
                *[f"tier_{kind}_{i}" for i in range(TIER_ROWS) for kind in ("qty", "price")],
                "lead_time_days",
                "port",
                "incoterm",
                "sample_available",
                "ships_to",
                "keywords",
                "attributes",
            ]
        )

    def tier_rows(self) -> list[dict[str, Any]]:
        """Every tier row; the filled ones and TIER_ROWS_BLANK blank ones show without
        JavaScript, the rest wait behind "Add a tier"."""
        filled = 0
        pairs = []
        for i in range(TIER_ROWS):
            qty, price = self[f"tier_qty_{i}"], self[f"tier_price_{i}"]
            if qty.value() not in (None, "") or price.value() not in (None, ""):
                filled = i + 1
            pairs.append((qty, price))
        shown = max(filled + TIER_ROWS_BLANK, 3)
        return [
            {"n": n, "qty": qty, "price": price, "spare": n > shown, "empty": n > filled}
            for n, (qty, price) in enumerate(pairs, start=1)
        ]

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
        initial["ships_to"] = list(data.get("ships_to") or [])
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
            key, _sep, value = line.partition(":")
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
            "ships_to": [c.upper() for c in d.get("ships_to") or []],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        """Put the service's field errors next to the fields they are about, in plain words."""
        form_add_domain_error(self, exc, field_for=_form_field, problems_for=_prefixed)

    def add_rule_errors(self, *, leaf_categories: set[str]) -> None:
        """After a form error, also show what the listing rules would say about the rest, so
        one submission shows every problem at once (a field keeps its own error only)."""
        _fields, errors = rules.check_listing_fields(
            self.listing_data(), leaf_categories=leaf_categories
        )
        errors = {k: v for k, v in errors.items() if _form_field(k) not in self.errors}
        if errors:
            self.add_domain_error(InvalidInput("The listing has invalid fields.", fields=errors))


_PLAIN_WORDS = (
    ("in ascending order of min_qty", "in order of quantity, from smallest to largest"),
    ("min_qty", "quantity"),
    ("unit_price", "unit price"),
    (" (MOQ)", ""),
    ("the MOQ", "the minimum order quantity"),
    ("ISO 3166-1 country codes", "countries"),
    ("Give an ISO 4217 currency code, e.g. USD.", "Choose a currency."),
    (": choose a leaf category of GET /api/v1/categories.", ": choose a category from the list."),
    ('as a decimal string, e.g. "12.50" (at most 4 decimals)', "as a number such as 12.50"),
)


def plain_problem(problem: str) -> str:
    """A service's message with its internal names replaced by the words people use."""
    for internal, plain in _PLAIN_WORDS:
        problem = problem.replace(internal, plain)
    return problem


def _prefixed(key: str, problems: list[str]) -> list[str]:
    """An error about one item of a list field names the item, unless a tier row shows it."""
    problems = [plain_problem(p) for p in problems]
    m = re.match(r"(keywords|attributes)\[(\d+)\]", key)
    if m:
        label = _("Keyword") if m.group(1) == "keywords" else _("Specification")
        return [f"{label} {int(m.group(2)) + 1}: {problem}" for problem in problems]
    return problems


def _form_field(key: str) -> str:
    m = re.match(r"price_tiers\[(\d+)\]\.(min_qty|unit_price)", key)
    if m:
        i = int(m.group(1))
        if i < TIER_ROWS:
            return f"tier_{'qty' if m.group(2) == 'min_qty' else 'price'}_{i}"
    if key.startswith("price_tiers"):
        return "tier_qty_0"
    if key == "image":
        return "images"
    return key.split("[", 1)[0]


class SavedSearchForm(_Plain, forms.Form):
    name = forms.CharField(label=_("Name this search"), max_length=100, required=False)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc)


class ImageForm(_Plain, forms.Form):
    image = forms.FileField(
        label=_("Product image"), help_text=_("JPEG, PNG or WebP, at most 5 MB.")
    )


class SupplierProfileForm(_Plain, forms.Form):
    description = forms.CharField(
        label=_("About the company"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    main_products = forms.CharField(
        label=_("Main products"),
        required=False,
        help_text=_("Separated by commas; at most 10."),
    )
    year_established = forms.IntegerField(
        label=_("Year established"),
        required=False,
        error_messages={"invalid": _("Enter a year, such as 2008.")},
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Shown on your storefront: a square JPEG, PNG or WebP image, at most 5 MB."),
    )
    banner = forms.FileField(
        label=_("Banner image"),
        required=False,
        help_text=_("The wide picture across the top of your storefront, e.g. 1600 × 400 pixels."),
    )

    export_markets = forms.MultipleChoiceField(
        label=_("Export markets"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose countries from the list.")},
        help_text=_("The countries you already sell to."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markets = self.fields["export_markets"]
        assert isinstance(markets, forms.MultipleChoiceField)
        markets.choices = country_choices()

    def images(self) -> dict[str, Any]:
        """The logo and banner uploads, for `services.supplier_images_update`."""
        return {"logo": self.cleaned_data.get("logo"), "banner": self.cleaned_data.get("banner")}

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "description": d.get("description") or "",
            "main_products": _split_list(d.get("main_products") or ""),
            "year_established": d.get("year_established"),
            "export_markets": [c.upper() for c in d.get("export_markets") or []],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(
            self,
            exc,
            field_for=lambda key: key.split("[", 1)[0],
            problems_for=lambda key, problems: [plain_problem(p) for p in problems],
        )


class CertificationForm(_Plain, forms.Form):
    name = forms.CharField(label=_("Certificate"), max_length=200, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    document = forms.FileField(label=_("Document"), help_text=_("PDF or image, at most 10 MB."))

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc)
