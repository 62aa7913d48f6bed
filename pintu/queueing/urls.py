from django.urls import path

from pintu.queueing import setup_views, views

app_name = "queueing"

urlpatterns = [
    # public
    path("antrian/", views.sites, name="sites"),
    path("antrian/tiket/<str:public_code>/", views.ticket_status, name="ticket"),
    path("antrian/<str:site_code>/papan/", views.board, name="board"),
    path("antrian/<str:site_code>/papan/status/", views.board_status, name="board_status"),
    path("antrian/<str:site_code>/kios/", views.kiosk, name="kiosk"),
    path("antrian/<str:site_code>/kios/buka/", views.kiosk_open, name="kiosk_open"),
    path("antrian/<str:site_code>/kios/ambil/", views.kiosk_take, name="kiosk_take"),
    path("antrian/<str:site_code>/kios/hadir/", views.kiosk_check_in, name="kiosk_check_in"),
    path("antrian/<str:site_code>/kios/tiket/<str:public_code>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("antrian/<str:site_code>/pesan/", views.booking_new, name="booking_new"),
    path("antrian/<str:site_code>/pesan/kirim/", views.booking_create, name="booking_create"),
    # citizen
    path("saya/antrian/", views.my_bookings, name="my_bookings"),
    path("saya/antrian/<str:code>/", views.my_booking, name="my_booking"),
    path("saya/antrian/<str:code>/batal/", views.my_booking_cancel, name="my_booking_cancel"),
    # staff
    path("kantor/loket/", views.counters, name="counters"),
    path("kantor/loket/<int:counter_id>/", views.counter, name="counter"),
    path("kantor/loket/<int:counter_id>/<str:action>/", views.counter_action, name="counter_action"),
    path(
        "kantor/loket/<int:counter_id>/tiket/<int:ticket_id>/permohonan/<str:service_code>/",
        views.counter_open_case,
        name="counter_open_case",
    ),
    path("kantor/lokasi/<str:site_code>/", views.overview, name="overview"),
    path("kantor/lokasi/<str:site_code>/statistik/", views.statistics, name="statistics"),
    # site manager: settings
    path("kantor/lokasi/<str:site_code>/pengaturan/", setup_views.settings_page, name="setup"),
    path(
        "kantor/lokasi/<str:site_code>/pengaturan/kategori/", setup_views.categories, name="setup_categories"
    ),
    path(
        "kantor/lokasi/<str:site_code>/pengaturan/kategori/<int:category_id>/",
        setup_views.category_edit,
        name="setup_category",
    ),
    path("kantor/lokasi/<str:site_code>/pengaturan/loket/", setup_views.counters, name="setup_counters"),
    path(
        "kantor/lokasi/<str:site_code>/pengaturan/loket/<int:counter_id>/",
        setup_views.counter_edit,
        name="setup_counter",
    ),
    path(
        "kantor/lokasi/<str:site_code>/pengaturan/hari-tutup/",
        setup_views.closed_days,
        name="setup_closed_days",
    ),
    path("kantor/lokasi/<str:site_code>/pengaturan/sesi/", setup_views.timeslots, name="setup_timeslots"),
]
