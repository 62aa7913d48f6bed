from django.urls import path

from pintu.letters import views

app_name = "letters"

urlpatterns = [
    # office
    path("kantor/surat/", views.issue, name="office_issue"),
    path("kantor/surat/cari-warga/", views.resident_search, name="office_resident_search"),
    path("kantor/surat/permintaan/", views.inbox, name="office_inbox"),
    path("kantor/surat/permintaan/<int:pk>/", views.office_request, name="office_request"),
    path(
        "kantor/surat/permintaan/<int:pk>/<str:action>/",
        views.office_request_action,
        name="office_request_action",
    ),
    path("kantor/surat/register/", views.register, name="office_register"),
    path("kantor/surat/pengaturan/", views.office_settings, name="office_settings"),
    path("kantor/surat/<int:pk>/", views.office_letter, name="office_letter"),
    path("kantor/surat/<int:pk>/pdf/", views.office_letter_pdf, name="office_letter_pdf"),
    path("kantor/surat/<int:pk>/cabut/", views.office_letter_revoke, name="office_letter_revoke"),
    # citizen
    path("surat/", views.my_letters, name="my_letters"),
    path("surat/minta/<slug:slug>/", views.request_new, name="request_new"),
    path("surat/permintaan/<int:pk>/", views.my_request, name="my_request"),
    path("surat/permintaan/<int:pk>/batal/", views.my_request_withdraw, name="my_request_withdraw"),
    path("surat/permintaan/<int:pk>/pdf/", views.my_letter_pdf, name="my_letter_pdf"),
]
