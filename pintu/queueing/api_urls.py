"""API routes of this app, mounted under /api/v1/ in the "api" namespace."""

from django.urls import path

from pintu.queueing import api

urlpatterns = [
    path("queue/sites/", api.SiteListView.as_view(), name="queueing-sites"),
    path("queue/sites/<str:code>/board/", api.BoardView.as_view(), name="queueing-board"),
    path("queue/sites/<str:code>/slots/", api.SlotListView.as_view(), name="queueing-slots"),
    path("queue/sites/<str:code>/tickets/", api.TicketTakeView.as_view(), name="queueing-take"),
    path("queue/sites/<str:code>/check-in/", api.CheckInView.as_view(), name="queueing-check-in"),
    path("queue/sites/<str:code>/overview/", api.OverviewView.as_view(), name="queueing-overview"),
    path("queue/sites/<str:code>/statistics/", api.StatisticsView.as_view(), name="queueing-statistics"),
    path("queue/tickets/<str:public_code>/", api.TicketStatusView.as_view(), name="queueing-ticket"),
    path("queue/bookings/", api.BookingListCreateView.as_view(), name="queueing-bookings"),
    path(
        "queue/bookings/<str:booking_code>/cancel/",
        api.BookingCancelView.as_view(),
        name="queueing-booking-cancel",
    ),
    path("queue/counters/<int:counter_id>/", api.CounterView.as_view(), name="queueing-counter"),
    *[
        path(f"queue/counters/<int:counter_id>/{action}/", view.as_view(), name=f"queueing-counter-{action}")
        for action, view in api.COUNTER_ACTION_VIEWS.items()
    ],
]
