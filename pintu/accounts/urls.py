from django.urls import path

from pintu.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("daftar/", views.register_view, name="register"),
    path("profil/", views.profile_view, name="profile"),
    path("2fa/verifikasi/", views.otp_verify_view, name="otp_verify"),
    path("2fa/daftar/", views.otp_enrol_view, name="otp_enrol"),
]
