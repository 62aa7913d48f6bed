"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.letters import api

urlpatterns = [
    path("letters/types/", api.LetterTypeListView.as_view(), name="letters-types"),
    path("letters/requests/", api.RequestListCreateView.as_view(), name="letters-requests"),
    path("letters/requests/<int:pk>/", api.RequestDetailView.as_view(), name="letters-request-detail"),
    *[
        path(f"letters/requests/<int:pk>/{action}/", view.as_view(), name=f"letters-request-{action}")
        for action, view in api.REQUEST_ACTION_VIEWS.items()
    ],
    path("letters/", api.LetterListIssueView.as_view(), name="letters"),
    path("letters/<int:pk>/", api.LetterDetailView.as_view(), name="letters-detail"),
    path("letters/<int:pk>/pdf/", api.LetterPdfView.as_view(), name="letters-pdf"),
    path("letters/<int:pk>/revoke/", api.LetterRevokeView.as_view(), name="letters-revoke"),
]
