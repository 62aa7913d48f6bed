from django.urls import path

from pintu.office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("antrean/", views.queue, name="queue"),
    path("permohonan/baru/", views.new_case, name="new_case"),
    path("permohonan/baru/<str:code>/", views.new_case_form, name="new_case_form"),
    path("permohonan/<str:code>/", views.case_detail, name="case"),
    path("permohonan/<str:code>/<str:action>/", views.case_action, name="case_action"),
    path("desa/", views.village, name="village"),
]
