"""HTML forms for the member pages.

The forms give the pages their shape (fields, labels, widgets, sizes); the services decide.
Fields the services check (required text, email, phone, password strength, attestations) are
not required here, so one submission shows every problem at once, in the services' words
that cite the Terms. Widgets still carry `required` so assistive technology announces it;
the templates set `novalidate`, so the server's messages, not the browser's, explain.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import pycountry
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError
from tradepost.members.models import BusinessType, Site

ROLE_CHOICES = [("buyer", _("Buyer")), ("supplier", _("Supplier"))]
CHECKBOX_TEMPLATE = "members/_checkbox_field.html"  # form renderer: app dirs only

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    # The mixins below only ever join a form class; mypy checks them as one.
    _FormMixin = forms.BaseForm
else:
    _FormMixin = object


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 countries by name; the value is the alpha-2 code the services expect."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    return tuple(sorted(names.items(), key=lambda item: item[1]))


def country_name(code: str) -> str:
    return dict(country_choices()).get(code, code)


def _text(
    label: _StrOrPromise,
    max_length: int,
    *,
    required: bool = True,
    autocomplete: str = "",
    widget: type[forms.Widget] = forms.TextInput,
    attrs: dict[str, Any] | None = None,
    **kwargs: Any,
) -> forms.CharField:
    attrs = dict(attrs or {})
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if required:
        attrs["required"] = True
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=widget(attrs=attrs), **kwargs
    )


def _country(
    label: _StrOrPromise, *, required: bool, blank_label: _StrOrPromise, **kwargs: Any
) -> forms.ChoiceField:
    attrs = {"required": True} if required else {}
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", blank_label), *country_choices()],
        widget=forms.Select(attrs=attrs),
        **kwargs,
    )


def _attestation(label: _StrOrPromise) -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
        template_name=CHECKBOX_TEMPLATE,
    )


def _roles(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Buy, sell, or both. You can change this later."),
        **kwargs,
    )


class PlainLabels(_FormMixin):
    """Labels without Django's trailing colon, on every form of the site."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AddressMixin(_FormMixin):
    """Browsers submit a textarea with CRLF line breaks (HTML spec); store plain LF, so a
    re-saved address is not recorded as a change (clause 5.2 revisions)."""

    def clean_address(self) -> str:
        return self.cleaned_data["address"].replace("\r\n", "\n").replace("\r", "\n")


class DomainErrorFormMixin(_FormMixin):
    """Show a service's refusal on the form: its fields on the fields, its message on top.

    An unanswered select gets a plain "Choose …" instead of the service's list of codes.
    """

    blank_choice_messages = {
        "business_type": _("Choose a business type."),
        "country": _("Choose a country."),
    }

    def add_domain_error(self, error: DomainError) -> None:
        def reworded(name: str, problems: list[str]) -> list[str]:
            if name in self.blank_choice_messages and not self.cleaned_data.get(name):
                return [str(self.blank_choice_messages[name])]
            return problems

        form_add_domain_error(self, error, problems_for=reworded, message=True)


class RegistrationForm(PlainLabels, AddressMixin, DomainErrorFormMixin, forms.Form):
    """Clauses 1.1, 1.2, 2.1, 4.1, 5.1, 5.11: what a business tells us to become a member."""

    site = forms.ChoiceField(
        label=_("Site"),
        choices=Site.choices,
        initial=Site.ALIBABA,
        widget=forms.RadioSelect,
        help_text=_("The site family you register on decides who you contract with (clause 2.1)."),
    )
    company_name = _text(_("Company legal name"), 1000, autocomplete="organization")
    business_type = forms.ChoiceField(
        label=_("Business type"),
        choices=[("", _("Choose a business type")), *BusinessType.choices],
        required=False,
        widget=forms.Select(attrs={"required": True}),
    )
    country = _country(
        _("Country of principal place of business"),
        required=True,
        blank_label=_("Choose a country"),
        help_text=_(
            "Where your business is run from. A branch counts as its head office (clause 5.1 c)."
        ),
    )
    access_country = _country(
        _("Country you access Tradepost from (optional)"),
        required=False,
        blank_label=_("Same as the country above"),
        help_text=_("Leave as is unless you use the sites from another country."),
    )
    address = _text(
        _("Principal place of business address"),
        5000,
        autocomplete="street-address",
        widget=forms.Textarea,
        attrs={"rows": 3},
        help_text=_("The head office address, not a branch's (clause 5.1 c)."),
    )
    contact_name = _text(_("Contact person"), 1000, autocomplete="name")
    email = _text(_("Email"), 320, autocomplete="email", widget=forms.EmailInput)
    phone = _text(
        _("Phone"),
        64,
        autocomplete="tel",
        widget=forms.TextInput,
        help_text=_("With the country code, e.g. +49 30 901820."),
    )
    registration_number = _text(_("Business registration number (optional)"), 200, required=False)
    roles = _roles(initial=["buyer", "supplier"])
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "required": True}),
        help_text=_("At least 12 characters; a passphrase is welcome."),
    )
    password_confirm = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        max_length=4096,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "required": True}),
    )
    attest_legal_age = _attestation(
        _(
            "I am of legal age to form a binding contract and may register for this business "
            "(clause 1.2)."
        )
    )
    attest_business_use = _attestation(
        _("I will use Tradepost for business purposes only, not as a consumer (clause 5.11).")
    )
    accept_terms = _attestation(_("I have read and accept the Terms of Use (clause 1.1)."))

    def __init__(self, *args: Any, site: str | None = None, **kwargs: Any) -> None:
        """`site`: the site family the host serves (clause 2.1, sites.toml); given, the form
        does not ask for it."""
        super().__init__(*args, **kwargs)
        self.fixed_site = site
        if site is not None:
            del self.fields["site"]

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean answers self.cleaned_data (typed as Optional)
        cleaned = self.cleaned_data
        if self.fixed_site is not None:
            cleaned["site"] = self.fixed_site
        if cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "The two passwords do not match.")
        return cleaned

    def registration_fields(self) -> dict:
        """The cleaned data as `services.RegistrationInput` keyword arguments."""
        data = self.cleaned_data
        return {
            "site": data["site"],
            "company_name": data["company_name"],
            "business_type": data["business_type"],
            "country": data["country"],
            "access_country": data["access_country"] or None,
            "address": data["address"],
            "contact_name": data["contact_name"],
            "email": data["email"],
            "phone": data["phone"],
            "registration_number": data["registration_number"] or None,
            "roles": data["roles"],
            "password": data["password"],
            "attest_legal_age": data["attest_legal_age"],
            "attest_business_use": data["attest_business_use"],
            "accept_terms": data["accept_terms"],
        }


class LoginForm(PlainLabels, DomainErrorFormMixin, forms.Form):
    """Clause 4.2: log in with the member ID or the account's email."""

    login = forms.CharField(
        label=_("Member ID or email"),
        max_length=320,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(PlainLabels, AddressMixin, DomainErrorFormMixin, forms.Form):
    """Clause 5.2: the member keeps its information current."""

    company_name = _text(_("Company legal name"), 1000, autocomplete="organization")
    business_type = forms.ChoiceField(label=_("Business type"), choices=BusinessType.choices)
    country = _country(
        _("Country of principal place of business"),
        required=True,
        blank_label=_("Choose a country"),
        help_text=_(
            "A branch counts as its head office (clause 5.1 c). Changing it may change "
            "who you contract with (clause 2.1)."
        ),
    )
    access_country = _country(
        _("Country you access Tradepost from (optional)"),
        required=False,
        blank_label=_("Same as the country above"),
    )
    address = _text(
        _("Principal place of business address"),
        5000,
        autocomplete="street-address",
        widget=forms.Textarea,
        attrs={"rows": 3},
    )
    contact_name = _text(_("Contact person"), 1000, autocomplete="name")
    email = _text(_("Email"), 320, autocomplete="email", widget=forms.EmailInput)
    phone = _text(_("Phone"), 64, autocomplete="tel", help_text=_("With the country code."))
    registration_number = _text(_("Business registration number (optional)"), 200, required=False)
    roles = _roles()

    def __init__(self, *args: Any, prefix: str = "profile", **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)

    @classmethod
    def for_profile(cls, profile: dict) -> ProfileForm:
        return cls(initial={name: profile[name] for name in cls.base_fields})

    def changes(self) -> dict:
        """Every field, for `services.member_update_profile`, which keeps only real changes."""
        data = dict(self.cleaned_data)
        data["access_country"] = data["access_country"] or data["country"]
        return data


class ApiTokenForm(PlainLabels, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        required=False,
        help_text=_("So you recognise it later, e.g. “ERP sync”."),
    )

    def __init__(self, *args: Any, prefix: str = "token", **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)


class RefereeForm(PlainLabels, DomainErrorFormMixin, forms.Form):
    """Clause 5.8: a business referee, listed only with the referee's consent."""

    name = _text(_("Referee name"), 1000, autocomplete="off")
    company = _text(_("Company (optional)"), 1000, required=False)
    email = _text(_("Email (optional)"), 320, required=False, widget=forms.EmailInput)
    phone = _text(_("Phone (optional)"), 64, required=False, help_text=_("With the country code."))
    relationship = _text(
        _("Relationship (optional)"),
        1000,
        required=False,
        help_text=_("E.g. “supplier since 2019”."),
    )
    consent_given = forms.BooleanField(
        label=_(
            "The referee has agreed to be listed and contacted as my business referee (clause 5.8)."
        ),
        required=False,
        help_text=_(
            "Without consent the referee stays on your account but is not shown to others."
        ),
        template_name=CHECKBOX_TEMPLATE,
    )

    def __init__(self, *args: Any, prefix: str = "referee", **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)


class PasswordChangeForm(PlainLabels, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(PlainLabels, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(PlainLabels, auth_forms.SetPasswordForm):
    pass
