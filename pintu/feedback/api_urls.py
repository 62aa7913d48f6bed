"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.feedback import api

urlpatterns = [
    path("feedback/surveys/<str:token>/", api.SurveySubmitView.as_view(), name="feedback-survey-submit"),
    path("feedback/complaints/", api.ComplaintListCreateView.as_view(), name="feedback-complaints"),
    path(
        "feedback/complaints/track/<str:code>/",
        api.ComplaintTrackView.as_view(),
        name="feedback-complaint-track",
    ),
    path(
        "feedback/complaints/<str:code>/", api.ComplaintDetailView.as_view(), name="feedback-complaint-detail"
    ),
    path(
        "feedback/complaints/<str:code>/rate/",
        api.ComplaintRateView.as_view(),
        name="feedback-complaint-rate",
    ),
    path(
        "feedback/complaints/<str:code>/<str:action>/",
        api.ComplaintActionView.as_view(),
        name="feedback-complaint-action",
    ),
    path("feedback/ikm/", api.IkmReportView.as_view(), name="feedback-ikm"),
]
