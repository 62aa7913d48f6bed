"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.population import api

urlpatterns = [
    path("population/residents/", api.ResidentSearchView.as_view(), name="population-residents"),
    path("population/residents/<int:pk>/", api.ResidentDetailView.as_view(), name="population-resident"),
    path("population/statistics/", api.StatisticsView.as_view(), name="population-statistics"),
]
