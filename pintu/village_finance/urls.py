from django.urls import path

from pintu.village_finance import views, views_execution, views_panjar, views_reporting

app_name = "village_finance"

V = "kantor/keuangan/<str:village_code>/<int:year>/"

urlpatterns = [
    path("kantor/keuangan/", views.home, name="home"),
    path("kantor/keuangan/kabupaten/<int:year>/", views.regency_dashboard, name="regency"),
    path("kantor/keuangan/anggaran/<int:budget_id>/aturan/", views.rules_partial, name="rules"),
    path("kantor/keuangan/anggaran/<int:budget_id>/pratinjau/", views.rules_preview, name="rules_preview"),
    path("kantor/keuangan/anggaran/<int:budget_id>/bandingkan/", views.compare, name="compare"),
    path("kantor/keuangan/anggaran/<int:budget_id>/kegiatan/", views.activity_add, name="activity_add"),
    path("kantor/keuangan/anggaran/<int:budget_id>/baris/", views.line_add, name="line_add"),
    path("kantor/keuangan/anggaran/<int:budget_id>/<str:action>/", views.budget_action, name="budget_action"),
    path("kantor/keuangan/baris/<int:line_id>/hapus/", views.line_remove, name="line_remove"),
    path("kantor/keuangan/spp/<int:spp_id>/", views_execution.spp_detail, name="spp"),
    path("kantor/keuangan/spp/<int:spp_id>/kuitansi.pdf", views_execution.kuitansi, name="kuitansi"),
    path("kantor/keuangan/desa/<str:village_code>/buka/", views.open_year, name="open_year"),
    path("kantor/keuangan/baris/<int:line_id>/ubah/", views.line_edit, name="line_edit"),
    path("kantor/keuangan/panjar/<int:panjar_id>/", views_panjar.panjar_detail, name="panjar"),
    path("kantor/keuangan/pelaporan/<int:year>/", views_reporting.report_inbox, name="report_inbox"),
    path(
        "kantor/keuangan/pelaporan/kiriman/<int:submission_id>/",
        views_reporting.report_review,
        name="report_review",
    ),
    path(V, views.year, name="year"),
    path(V + "rkp/", views.plan_add, name="plan_add"),
    path(V + "perubahan/", views.amendment_start, name="amendment_start"),
    path(V + "spp/", views_execution.spp_list, name="spp_list"),
    path(V + "buku/<str:book>/", views_execution.books, name="book"),
    path(V + "laporan/", views.report, name="report"),
    path(V + "siskeudes.zip", views.siskeudes_export, name="siskeudes_export"),
    path(V + "panjar/", views_panjar.panjar_list, name="panjar_list"),
    path(V + "laporan/kirim/", views_reporting.report_submit, name="report_submit"),
    path("apbdes/<str:village_code>/<int:year>/", views.public_apbdes, name="public"),
]

from pintu.village_finance import views_import  # noqa: E402

urlpatterns += [
    path("kantor/keuangan/impor-siskeudes/", views_import.import_page, name="siskeudes_import"),
    path(
        "kantor/keuangan/impor-siskeudes/tugas/<int:pk>/",
        views_import.import_job,
        name="siskeudes_import_job",
    ),
    path(
        "kantor/keuangan/impor-siskeudes/tugas/<int:pk>/laporan.csv",
        views_import.import_report,
        name="siskeudes_import_report",
    ),
]
