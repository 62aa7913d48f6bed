from django.urls import path

from pintu.population import views

app_name = "population"

P = "kantor/penduduk/"

urlpatterns = [
    path(P, views.home, name="home"),
    path(f"{P}desa/<str:code>/", views.residents, name="residents"),
    path(f"{P}desa/<str:code>/baru/", views.resident_new, name="resident_new"),
    path(f"{P}desa/<str:code>/pindah-datang/", views.resident_move_in, name="resident_move_in"),
    path(f"{P}desa/<str:code>/impor/", views.import_page, name="import"),
    path(f"{P}desa/<str:code>/ekspor.<str:fmt>", views.export, name="export"),
    path(f"{P}desa/<str:code>/statistik/", views.village_statistics, name="village_statistics"),
    path(f"{P}desa/<str:code>/tautan-akun/", views.links, name="links"),
    path(f"{P}desa/<str:code>/log-akses/", views.access_log, name="access_log"),
    path(f"{P}warga/<int:pk>/", views.resident_detail, name="resident"),
    path(f"{P}warga/<int:pk>/ubah/", views.resident_edit, name="resident_edit"),
    path(f"{P}warga/<int:pk>/peristiwa/<str:kind>/", views.resident_event, name="resident_event"),
    path(f"{P}kk/<str:kk>/", views.family_detail, name="family"),
    path(f"{P}kk/<str:kk>/kelahiran/", views.family_birth, name="family_birth"),
    path(f"{P}kk/<str:kk>/pecah/", views.family_split, name="family_split"),
    path(f"{P}impor/templat.xlsx", views.import_template, name="import_template"),
    path(f"{P}impor/<int:pk>/", views.import_job, name="import_job"),
    path(f"{P}impor/<int:pk>/laporan.<str:fmt>", views.import_report, name="import_report"),
    path(f"{P}tautan-akun/<int:pk>/<str:decision>/", views.link_decide, name="link_decide"),
    path(f"{P}kecamatan/<str:code>/statistik/", views.district_statistics, name="district_statistics"),
    path(f"{P}kabupaten/statistik/", views.regency_statistics, name="regency_statistics"),
    path("warga/data-saya/", views.my_data, name="my_data"),
    path("statistik/penduduk/<str:code>/", views.public_statistics, name="public_statistics"),
]
