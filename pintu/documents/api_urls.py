"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.documents.api import RevokeView, VerificationView

urlpatterns: list = [
    path("verify/<str:code>/", VerificationView.as_view(), name="documents-verify"),
    path("issued-documents/<str:code>/revoke/", RevokeView.as_view(), name="documents-revoke"),
]
