from django.urls import path

from pintu.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots, name="robots"),
    path("layanan/", views.catalogue, name="catalogue"),
    path("layanan/<str:code>/", views.service_detail, name="service"),
    path("layanan/<str:code>/ajukan/", views.apply, name="apply"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:code>/", views.track_detail, name="track_detail"),
    path("saya/permohonan/", views.my_cases, name="my_cases"),
    path("saya/permohonan/<str:code>/", views.my_case, name="my_case"),
    path("saya/permohonan/<str:code>/perbaikan/", views.my_case_resubmit, name="my_case_resubmit"),
    path("saya/permohonan/<str:code>/batal/", views.my_case_withdraw, name="my_case_withdraw"),
    path("permohonan/<str:code>/dokumen/<int:document_id>/", views.case_document, name="case_document"),
]
