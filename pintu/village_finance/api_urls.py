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
    path(P + "<str:village_code>/<int:year>/", api.FiscalYearView.as_view(), name="village_finance-year"),
    path(
        P + "<str:village_code>/<int:year>/realisation/",
        api.RealisationView.as_view(),
        name="village_finance-realisation",
    ),
]
