"""Forms of the public pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import Paper


class PaperFilterForm(forms.Form):
    """The filters of the paper list, read from the query string (?typ=&gremium=&jahr=)."""

    typ = forms.ChoiceField(
        label=_("Vorlagenart"),
        required=False,
        choices=[("", _("alle Arten")), *Paper.Type.choices],
        error_messages={"invalid_choice": _("Diese Vorlagenart gibt es nicht.")},
    )
    gremium = forms.TypedChoiceField(
        label=_("Gremium"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Dieses Gremium gibt es nicht.")},
    )
    jahr = forms.IntegerField(
        label=_("Jahr"),
        required=False,
        min_value=1900,
        max_value=2999,
        error_messages={
            "invalid": _("Bitte wählen Sie ein Jahr aus der Liste."),
            "min_value": _("Bitte wählen Sie ein Jahr aus der Liste."),
            "max_value": _("Bitte wählen Sie ein Jahr aus der Liste."),
        },
    )

    def __init__(
        self, data: Any, *, organizations: list[tuple[int, str]], years: list[int]
    ) -> None:
        super().__init__(data)
        gremium = self.fields["gremium"]
        assert isinstance(gremium, forms.TypedChoiceField)
        gremium.choices = [("", _("alle Gremien")), *organizations]
        # Typed in by hand (?jahr=2019) a year without papers is valid: it lists none.
        self.fields["jahr"].widget = forms.Select(
            choices=[("", _("alle Jahre")), *((year, str(year)) for year in years)]
        )

    def cleaned_or_none(self, name: str) -> Any:
        """The field's value if it is valid; an invalid filter is dropped, never an error."""
        if name in self.errors:
            return None
        return self.cleaned_data.get(name) or None
