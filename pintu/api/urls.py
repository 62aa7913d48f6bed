from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from pintu.accounts.api import MeView
from pintu.cases.api import (
    ACTION_VIEWS,
    CaseDetailView,
    CaseDocumentDownloadView,
    CaseListCreateView,
    UploadCreateView,
    WorkQueueView,
    tracking_lookup,
)
from pintu.catalog.api import AgencyListView, ServiceDetailView, ServiceListView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", MeView.as_view(), name="me"),
    path("catalog/agencies/", AgencyListView.as_view(), name="agencies"),
    path("catalog/services/", ServiceListView.as_view(), name="services"),
    path("catalog/services/<str:code>/", ServiceDetailView.as_view(), name="service-detail"),
    path("track/<str:code>/", tracking_lookup, name="track"),
    path("documents/", UploadCreateView.as_view(), name="uploads"),
    path("queue/", WorkQueueView.as_view(), name="queue"),
    path("cases/", CaseListCreateView.as_view(), name="cases"),
    path("cases/<str:code>/", CaseDetailView.as_view(), name="case-detail"),
    path(
        "cases/<str:code>/documents/<int:document_id>/",
        CaseDocumentDownloadView.as_view(),
        name="case-document",
    ),
    # Domain apps' endpoints (names stay in the "api" namespace).
    path("", include("pintu.documents.api_urls")),
    path("", include("pintu.population.api_urls")),
    path("", include("pintu.letters.api_urls")),
    path("", include("pintu.queueing.api_urls")),
    path("", include("pintu.feedback.api_urls")),
    path("", include("pintu.village_finance.api_urls")),
    *[
        path(
            f"cases/<str:code>/{action.replace('_', '-')}/",
            view.as_view(),
            name=f"case-{action.replace('_', '-')}",
        )
        for action, view in ACTION_VIEWS.items()
    ],
]
