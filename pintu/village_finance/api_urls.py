"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.village_finance import api

P = "village-finance/"

urlpatterns = [
    path(P + "regency/<int:year>/", api.RegencyRealisationView.as_view(), name="village_finance-regency"),
    path(
        P + "budgets/<int:budget_id>/checks/",
        api.BudgetChecksView.as_view(),
        name="village_finance-budget-checks",
    ),
    *[
        path(
            P + f"budgets/<int:budget_id>/{action}/", view.as_view(), name=f"village_finance-budget-{action}"
        )
        for action, view in api.ACTION_VIEWS.items()
    ],
    path(
        P + "budgets/<int:budget_id>/activities/",
        api.BudgetActivityListView.as_view(),
        name="village_finance-budget-activities",
    ),
    path(
        P + "budgets/<int:budget_id>/lines/",
        api.BudgetLineListView.as_view(),
        name="village_finance-budget-lines",
    ),
    path(P + "spp/<int:spp_id>/", api.SppDetailView.as_view(), name="village_finance-spp-detail"),
    *[
        path(P + f"spp/<int:spp_id>/{action}/", view.as_view(), name=f"village_finance-spp-{action}")
        for action, view in api.SPP_ACTION_VIEWS.items()
    ],
    path(P + "<str:village_code>/<int:year>/", api.FiscalYearView.as_view(), name="village_finance-year"),
    path(
        P + "<str:village_code>/<int:year>/plan-activities/",
        api.PlanActivityListView.as_view(),
        name="village_finance-plan-activities",
    ),
    path(P + "<str:village_code>/<int:year>/spp/", api.SppListView.as_view(), name="village_finance-spp"),
    path(
        P + "<str:village_code>/<int:year>/books/<str:book>/entries/",
        api.BookEntryListView.as_view(),
        name="village_finance-book-entries",
    ),
    path(
        P + "<str:village_code>/<int:year>/realisation/",
        api.RealisationView.as_view(),
        name="village_finance-realisation",
    ),
]
