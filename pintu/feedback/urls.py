from django.urls import path

from pintu.feedback import views

app_name = "feedback"

urlpatterns = [
    path("survei/kiosk/", views.kiosk_start, name="kiosk_start"),
    path("survei/kiosk/<int:unit_id>/", views.kiosk, name="kiosk"),
    path("survei/terima-kasih/<uuid:public_id>/", views.survey_done, name="survey_done"),
    path("survei/<str:token>/", views.survey, name="survey"),
    path("pengaduan/", views.complaint_new, name="complaint_new"),
    path("pengaduan/lacak/", views.complaint_track, name="complaint_track"),
    path("pengaduan/lacak/<str:code>/", views.complaint_track_detail, name="complaint_track_detail"),
    path("pengaduan/terkirim/<str:code>/", views.complaint_done, name="complaint_done"),
    path("ikm/", views.ikm_public, name="ikm_public"),
    path("kantor/pengaduan/", views.office_complaints, name="office_complaints"),
    path("kantor/pengaduan/baru/", views.office_complaint_new, name="office_complaint_new"),
    path("kantor/pengaduan/<str:code>/", views.office_complaint, name="office_complaint"),
    path(
        "kantor/pengaduan/<str:code>/lampiran/<int:attachment_id>/",
        views.office_attachment,
        name="office_attachment",
    ),
    path(
        "kantor/pengaduan/<str:code>/<str:action>/",
        views.office_complaint_action,
        name="office_complaint_action",
    ),
    path("kantor/ikm/", views.office_ikm, name="office_ikm"),
    path("kantor/ikm/laporan.pdf", views.office_ikm_pdf, name="office_ikm_pdf"),
    path("kantor/ikm/laporan.xlsx", views.office_ikm_xlsx, name="office_ikm_xlsx"),
]
