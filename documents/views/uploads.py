"""A clerk's upload of a file to a paper, from the form on the paper page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.errors import FileRejected
from documents.forms import FileUploadForm
from documents.selectors.papers import paper_get_for_user
from documents.services import file_upload


@require_POST
@login_required
def paper_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    paper = paper_get_for_user(user=request.user, paper_id=pk)
    back = reverse("paper-detail", args=[paper.pk]) + "#dateien"
    form = FileUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return HttpResponseRedirect(back)
    # PermissionDenied (not a clerk of the paper's body) becomes the 403 page.
    try:
        file = file_upload(
            user=request.user,
            paper=paper,
            upload=form.cleaned_data["content"],
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            public=form.cleaned_data["public"],
        )
    except FileRejected as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("„%(name)s“ wurde hochgeladen; der Text wird im Hintergrund gelesen.")
            % {"name": file.name},
        )
    return HttpResponseRedirect(back)
