"""Forms of the public pages and of the clerk's upload on the paper page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import File, Paper


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


class FileUploadForm(forms.Form):
    """A clerk's upload to a paper: the file, an optional title, main document or attachment,
    public or not. Size, duplicates and the single main document are checked by the service."""

    content = forms.FileField(
        label=_("Datei"),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "missing": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die gewählte Datei ist leer."),
            "invalid": _(
                "Die Datei konnte nicht übertragen werden. Bitte versuchen Sie es erneut."
            ),
        },
    )
    name = forms.CharField(
        label=_("Titel"),
        required=False,
        max_length=500,
        help_text=_("Ohne Titel wird der Dateiname angezeigt."),
        error_messages={"max_length": _("Der Titel darf höchstens %(limit_value)d Zeichen haben.")},
    )
    role = forms.ChoiceField(
        label=_("Art"),
        choices=[
            (File.Role.MAIN.value, File.Role.MAIN.label),
            (File.Role.AUXILIARY.value, File.Role.AUXILIARY.label),
        ],
        initial=File.Role.AUXILIARY.value,
        error_messages={
            "required": _("Bitte wählen Sie, ob die Datei Hauptdokument oder Anlage ist."),
            "invalid_choice": _("Bitte wählen Sie, ob die Datei Hauptdokument oder Anlage ist."),
        },
    )
    public = forms.BooleanField(label=_("öffentlich"), required=False, initial=True)

    def first_error(self) -> str:
        """The first error message, the file field's first (the form reports one at a time)."""
        for name in ("content", "role", "name", "public"):
            if name in self.errors:
                return str(self.errors[name][0])
        return str(self.non_field_errors()[0]) if self.non_field_errors() else ""
