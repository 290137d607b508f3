"""The shared console pieces: one way to show a service's refusal on a form."""

from django import forms

from tradepost.console import form_add_domain_error
from tradepost.errors import InvalidInput


class NameForm(forms.Form):
    name = forms.CharField(required=False)
    email = forms.CharField(required=False)


def bound_form() -> NameForm:
    form = NameForm({"name": "", "email": ""})
    assert form.is_valid()
    return form


def test_field_errors_go_next_to_their_fields_and_the_message_is_left_out():
    form = bound_form()

    form_add_domain_error(form, InvalidInput("Fix it.", fields={"name": ["Required."]}))

    assert form.errors == {"name": ["Required."]}


def test_a_key_no_field_takes_goes_on_top_with_the_message():
    form = bound_form()

    form_add_domain_error(form, InvalidInput("Fix it.", fields={"phone": ["Bad number."]}))

    assert form.errors == {"__all__": ["Fix it.", "Bad number."]}


def test_an_error_without_fields_shows_its_message_on_top_or_on_the_field_named():
    on_top, on_field = bound_form(), bound_form()
    error = InvalidInput("The file is too large.")

    form_add_domain_error(on_top, error)
    form_add_domain_error(on_field, error, message_field="name")

    assert on_top.errors == {"__all__": ["The file is too large."]}
    assert on_field.errors == {"name": ["The file is too large."]}


def test_keys_are_mapped_and_reworded_and_the_message_can_always_show():
    form = bound_form()
    error = InvalidInput("Fix it.", fields={"emails[0]": ["Taken."]})

    form_add_domain_error(
        form,
        error,
        field_for=lambda key: key.split("s[", 1)[0],
        problems_for=lambda key, problems: [f"{key}: {p}" for p in problems],
        message=True,
    )

    assert form.errors == {"__all__": ["Fix it."], "email": ["emails[0]: Taken."]}
