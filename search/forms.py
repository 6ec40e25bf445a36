"""Forms of the saved searches: saving the search on the results page and renaming one on the
list of saved searches. The services check the rules (limit, empty query); these forms only
read the POST data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from search.query import MAX_QUERY_CHARS
from search.services import NAME_MAX_LENGTH

NAME_ERRORS = {
    "required": _("Bitte geben Sie der Suche einen Namen."),
    "max_length": _("Der Name darf höchstens %(limit_value)d Zeichen haben."),
}


class SavedSearchCreateForm(forms.Form):
    # Left empty, the query is the name.
    name = forms.CharField(
        label=_("Name der Suche"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages=NAME_ERRORS,
    )
    # The search itself rides along as hidden fields; the service checks and normalizes it.
    q = forms.CharField(widget=forms.HiddenInput, max_length=MAX_QUERY_CHARS * 4)
    filters = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)
    notify = forms.BooleanField(
        label=_("Bei neuen Treffern per E-Mail benachrichtigen"), required=False, initial=True
    )

    def first_error(self) -> str:
        for name in ("name", "q", "filters"):
            if name in self.errors:
                if name == "q":
                    return str(_("Eine Suche ohne Suchbegriff kann nicht gespeichert werden."))
                if name == "filters":
                    return str(_("Die Filter der Suche konnten nicht gelesen werden."))
                return str(self.errors[name][0])
        return ""


class SavedSearchRenameForm(forms.Form):
    name = forms.CharField(
        label=_("Neuer Name"), max_length=NAME_MAX_LENGTH, error_messages=NAME_ERRORS
    )
