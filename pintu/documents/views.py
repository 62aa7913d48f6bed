"""Pages of issued documents: the public verification page (with a hash check), and for the
issuing unit's staff the register, a document's details, its PDF and revocation."""

from __future__ import annotations

import functools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from pintu.accounts.access import principal_for
from pintu.api.throttling import parse_rate
from pintu.core.errors import NotFound, PermissionDenied, ValidationFailed
from pintu.core.throttle import allow
from pintu.documents import selectors
from pintu.documents.issuing import normalize_code
from pintu.documents.policies import can_revoke_document, may_use_register
from pintu.documents.services import document_revoke, inspect_file

HASH_CHECK_MAX_MB = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode verifikasi"),
        max_length=20,
        help_text=gettext_lazy("10 karakter di bawah kode QR, misalnya 7KQ2M9XH4C."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "mono"}
        ),
    )


class HashCheckForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas PDF yang Anda terima"),
        help_text=gettext_lazy("Berkas tidak disimpan; hanya sidik SHA-256-nya yang dibandingkan."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan pencabutan (tampil di halaman verifikasi publik)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def verify_form(request):
    form = CodeForm(request.GET or None)
    if form.is_valid():
        return redirect("documents:verify", code=normalize_code(form.cleaned_data["code"]) or "-")
    return render(request, "documents/verify_form.html", {"form": form})


def _throttled(request) -> bool:
    limit, window = parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verification"])
    return not allow(
        f"page:verification:ip:{request.META.get('REMOTE_ADDR', '')}", limit=limit, window=window
    )


@require_http_methods(["GET", "POST"])
def verify(request, code):
    try:
        record = selectors.public_record(code)
    except NotFound:
        return render(
            request, "documents/verify_form.html", {"form": CodeForm(), "not_found": code[:20]}, status=404
        )
    hash_form = HashCheckForm()
    hash_result = None
    status = 200
    if request.method == "POST":
        if _throttled(request):
            messages.error(request, _("Terlalu banyak pemeriksaan. Coba lagi sebentar lagi."))
            return redirect("documents:verify", code=record.code)
        hash_form = HashCheckForm(request.POST, request.FILES)
        if hash_form.is_valid():
            try:
                _format, digest, _size = inspect_file(
                    hash_form.cleaned_data["file"], formats=["pdf"], max_mb=HASH_CHECK_MAX_MB
                )
            except ValidationFailed as exc:
                hash_form.add_error("file", str(exc.message))
                status = 400
            else:
                hash_result = {"match": digest == record.sha256, "sha256": digest}
        else:
            status = 400
    response = render(
        request,
        "documents/verify.html",
        {"record": record, "hash_form": hash_form, "hash_result": hash_result},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def staff_member(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        principal = principal_for(request.user)
        if not principal.is_staff_member:
            raise DjangoPermissionDenied
        request.principal = principal
        return view(request, *args, **kwargs)

    return wrapper


@staff_member
def register(request):
    if not may_use_register(request.principal):
        raise DjangoPermissionDenied
    try:
        before = int(request.GET.get("sebelum") or 0) or None
    except ValueError:
        before = None
    query = request.GET.get("q", "")[:60]
    rows, next_before = selectors.register_page(request.principal, before_id=before, query=query)
    return render(
        request, "documents/register.html", {"rows": rows, "next_before": next_before, "query": query}
    )


def _document(request, code):
    try:
        return selectors.document_get_for(request.principal, code)
    except NotFound as exc:
        raise Http404 from exc


@staff_member
def detail(request, code):
    document = _document(request, code)
    can_revoke = can_revoke_document(request.principal, document) and not document.is_revoked
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "can_revoke": can_revoke,
            "revoke_form": RevokeForm() if can_revoke else None,
            "verify_record": selectors.public_record(document.code),
        },
    )


@staff_member
def download(request, code):
    document = _document(request, code)
    upload = document.pdf
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member
@require_POST
def revoke(request, code):
    document = _document(request, code)
    if not can_revoke_document(request.principal, document):
        raise DjangoPermissionDenied
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            document_revoke(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("Dokumen dicabut. Halaman verifikasi kini menampilkan status DICABUT.")
            )
    else:
        messages.error(request, _("Tuliskan alasan pencabutan; alasan ini tampil di halaman verifikasi."))
    return redirect("documents:detail", code=document.code)
