"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.village_finance import api, api_panjar

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
    path(
        P + "panjar/<int:panjar_id>/",
        api_panjar.PanjarDetailView.as_view(),
        name="village_finance-panjar-detail",
    ),
    path(
        P + "panjar/<int:panjar_id>/account/",
        api_panjar.PanjarAccountView.as_view(),
        name="village_finance-panjar-account",
    ),
    path(
        P + "panjar/<int:panjar_id>/close/",
        api_panjar.PanjarCloseView.as_view(),
        name="village_finance-panjar-close",
    ),
    *[
        path(
            P + f"reports/<int:submission_id>/{action}/",
            view.as_view(),
            name=f"village_finance-report-{action}",
        )
        for action, view in api_panjar.REPORT_ACTION_VIEWS.items()
    ],
    path(P + "<str:village_code>/<int:year>/", api.FiscalYearView.as_view(), name="village_finance-year"),
    path(
        P + "<str:village_code>/<int:year>/panjar/",
        api_panjar.PanjarListView.as_view(),
        name="village_finance-panjar",
    ),
    path(
        P + "<str:village_code>/<int:year>/reports/",
        api_panjar.ReportSubmissionListView.as_view(),
        name="village_finance-reports",
    ),
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
