from django.urls import path

from pintu.documents import views

app_name = "documents"

urlpatterns = [
    # public
    path("verifikasi/", views.verify_form, name="verify_form"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    # staff of the issuing unit
    path("kantor/dokumen/", views.register, name="register"),
    path("kantor/dokumen/<str:code>/", views.detail, name="detail"),
    path("kantor/dokumen/<str:code>/unduh/", views.download, name="download"),
    path("kantor/dokumen/<str:code>/cabut/", views.revoke, name="revoke"),
]
