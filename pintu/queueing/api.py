"""Queue API under /api/v1/queue/: sites and categories, the board state, tickets, bookings,
counter actions, overview and statistics. Views translate; services and policies decide."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.api.throttling import ScopedWindowThrottle
from pintu.core.errors import NotFound, PermissionDenied, ValidationFailed
from pintu.queueing import policies, selectors
from pintu.queueing import services as qs
from pintu.queueing.constants import TicketOutcome
from pintu.queueing.models import Booking, Counter, Ticket, TimeSlot

TAGS = ["queue"]

# --- serializers ------------------------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    prefix = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)


class SiteSerializer(serializers.Serializer):
    code = serializers.CharField(source="org_unit.code")
    name = serializers.CharField(source="org_unit.name")
    kind = serializers.CharField(source="org_unit.kind")
    address = serializers.CharField(source="org_unit.address")
    wait_target_minutes = serializers.IntegerField()
    priority_groups = serializers.ListField(child=serializers.DictField())
    categories = serializers.SerializerMethodField()

    def get_categories(self, site) -> list[dict]:
        return CategorySerializer(selectors.categories_of(site), many=True).data


class TicketSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number")
    category = serializers.CharField(source="category.prefix")
    counter = serializers.IntegerField(source="counter.number", allow_null=True, default=None)
    case = serializers.CharField(source="case.display_code", allow_null=True, default=None)
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "public_code",
            "category",
            "status",
            "priority_group",
            "source",
            "service_date",
            "arrived_at",
            "called_at",
            "recall_count",
            "counter",
            "outcome",
            "case",
            "status_url",
        ]

    def get_status_url(self, ticket) -> str:
        from django.urls import reverse

        return qs.base_url() + reverse("queueing:ticket", args=[ticket.public_code])


class TicketStatusSerializer(serializers.Serializer):
    number = serializers.CharField(source="ticket.display_number")
    status = serializers.CharField(source="ticket.status")
    category = serializers.CharField(source="ticket.category.name")
    ahead = serializers.IntegerField()
    estimated_minutes = serializers.IntegerField(allow_null=True)
    counter = serializers.IntegerField(source="counter_number", allow_null=True)


class SlotSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField()
    category = serializers.CharField(source="category.prefix")

    class Meta:
        model = TimeSlot
        fields = ["id", "category", "date", "start", "end", "quota", "remaining"]


class BookingSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.org_unit.code")
    category = serializers.CharField(source="category.prefix")
    date = serializers.DateField(source="slot.date")
    start = serializers.TimeField(source="slot.start")
    end = serializers.TimeField(source="slot.end")
    ticket = serializers.CharField(source="ticket.display_number", allow_null=True, default=None)

    class Meta:
        model = Booking
        fields = [
            "code",
            "site",
            "category",
            "date",
            "start",
            "end",
            "status",
            "priority_group",
            "ticket",
            "created_at",
        ]


BoardSerializer = inline_serializer(
    name="QueueBoard",
    fields={
        "version": serializers.IntegerField(),
        "site": serializers.CharField(),
        "counters": serializers.ListField(child=serializers.DictField()),
        "recent": serializers.ListField(child=serializers.DictField()),
        "waiting": serializers.ListField(child=serializers.DictField()),
        "announcements": serializers.ListField(child=serializers.DictField()),
        "at": serializers.DateTimeField(),
    },
)


class TakeSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="Category prefix, e.g. A")
    priority_group = serializers.CharField(required=False, allow_blank=True, default="")


class BookingCreateSerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    priority_group = serializers.CharField(required=False, allow_blank=True, default="")


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200, help_text="Booking code, or the URL its QR code holds")


class CounterActionSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(
        required=False, help_text="Ticket id (all actions except open, close, call-next)"
    )
    outcome = serializers.ChoiceField(choices=TicketOutcome.choices, required=False)
    category = serializers.CharField(required=False, help_text="transfer: target category prefix")
    counter = serializers.IntegerField(required=False, help_text="transfer: target counter number")
    tracking_code = serializers.CharField(required=False, help_text="link-case: the case's tracking code")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


CounterStateSerializer = inline_serializer(
    name="QueueCounterState",
    fields={
        "number": serializers.IntegerField(),
        "label": serializers.CharField(),
        "open": serializers.BooleanField(),
        "officer_is_you": serializers.BooleanField(),
        "current": TicketSerializer(allow_null=True),
        "waiting": TicketSerializer(many=True),
        "survey_url": serializers.CharField(allow_null=True, required=False),
    },
)


# --- public ---------------------------------------------------------------------------------------------------


class PublicView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "queue_public"

    def get_throttles(self):
        return [ScopedWindowThrottle()]


class SiteListView(PublicView):
    @extend_schema(
        tags=TAGS, summary="Queue sites with their categories", responses={200: SiteSerializer(many=True)}
    )
    def get(self, request):
        return Response(SiteSerializer(selectors.active_sites(), many=True).data)


class BoardView(PublicView):
    @extend_schema(
        tags=TAGS,
        summary="Display board state (numbers and counters only)",
        parameters=[
            OpenApiParameter("v", int, description="Board version the client has; 204 while unchanged")
        ],
        responses={200: BoardSerializer, 204: None, **errors(404)},
    )
    def get(self, request, code):
        site = selectors.site_by_code(code)
        known = request.query_params.get("v")
        if known is not None and known == str(selectors.board_version(site.pk)):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(selectors.board_state(site))


class TicketStatusView(PublicView):
    @extend_schema(
        tags=TAGS,
        summary="A ticket's live status: position and estimated wait (no personal data)",
        responses={200: TicketStatusSerializer, **errors(404)},
    )
    def get(self, request, public_code):
        return Response(TicketStatusSerializer(selectors.ticket_status(public_code)).data)


class SlotListView(PublicView):
    @extend_schema(
        tags=TAGS,
        summary="Bookable slots of a category on a day, with remaining quota",
        parameters=[
            OpenApiParameter("category", str, required=True),
            OpenApiParameter("date", dt.date, required=True),
        ],
        responses={200: SlotSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request, code):
        site = selectors.site_by_code(code)
        try:
            day = dt.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError as exc:
            raise ValidationFailed(fields={"date": ["Tulis tanggal sebagai YYYY-MM-DD."]}) from exc
        slots = (
            TimeSlot.objects.filter(
                site=site, category__prefix=request.query_params.get("category", "").upper(), date=day
            )
            .select_related("category")
            .order_by("start")
        )
        return Response(SlotSerializer(slots, many=True).data)


# --- citizens: bookings -----------------------------------------------------------------------------------------


class BookingListCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="My bookings (citizen)",
        responses={200: BookingSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        rows = (
            Booking.objects.filter(citizen=request.user)
            .select_related("site__org_unit", "category", "slot", "ticket")
            .order_by("-created_at")[:100]
        )
        return Response(BookingSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Book a slot (citizen)",
        request=BookingCreateSerializer,
        responses={201: BookingSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        payload = BookingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        slot = TimeSlot.objects.filter(pk=payload.validated_data["slot"]).first()
        if slot is None:
            raise NotFound("Sesi tidak ditemukan.", code="queue.slot_not_found")
        booking = qs.booking_create(
            actor=request.user, slot=slot, priority_group=payload.validated_data["priority_group"]
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingCancelView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Cancel my booking",
        request=None,
        responses={200: BookingSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, booking_code):
        booking = (
            Booking.objects.select_related("slot", "category", "site__org_unit")
            .filter(code=booking_code.upper())
            .first()
        )
        if booking is None or booking.citizen_id != request.user.pk:
            raise NotFound("Pesanan tidak ditemukan.", code="queue.booking_not_found")
        return Response(BookingSerializer(qs.booking_cancel(actor=request.user, booking=booking)).data)


# --- staff --------------------------------------------------------------------------------------------------------


def _site_for_staff(request, code):
    site = selectors.site_by_code(code)
    if not policies.can_work_at(principal_for(request.user), site):
        raise PermissionDenied("Anda bukan petugas di lokasi ini.", code="queue.not_site_staff")
    return site


class TicketTakeView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Hand out a number at the site (counter staff)",
        request=TakeSerializer,
        responses={201: TicketSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, code):
        site = selectors.site_by_code(code)
        payload = TakeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        category = next(
            (
                c
                for c in selectors.categories_of(site)
                if c.prefix == payload.validated_data["category"].upper()
            ),
            None,
        )
        if category is None:
            raise ValidationFailed(fields={"category": ["Kategori tidak dikenal di lokasi ini."]})
        ticket = qs.ticket_take(
            actor=request.user,
            site=site,
            category=category,
            priority_group=payload.validated_data["priority_group"],
        )
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class CheckInView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Check a booking in at the site (counter staff)",
        request=CheckInSerializer,
        responses={201: TicketSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, code):
        site = selectors.site_by_code(code)
        payload = CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = qs.booking_check_in(actor=request.user, site=site, code=payload.validated_data["code"])
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


def _counter(request, counter_id) -> Counter:
    counter = Counter.objects.select_related("site__org_unit").filter(pk=counter_id).first()
    if counter is None:
        raise NotFound("Loket tidak ditemukan.", code="queue.counter_not_found")
    if not policies.can_work_at(principal_for(request.user), counter.site):
        raise PermissionDenied("Anda bukan petugas di lokasi ini.", code="queue.not_site_staff")
    return counter


def _counter_state(request, counter, survey_url=None) -> dict:
    current = selectors.counter_current_ticket(counter)
    return {
        "number": counter.number,
        "label": counter.label,
        "open": counter.current_officer_id is not None,
        "officer_is_you": counter.current_officer_id == request.user.pk,
        "current": TicketSerializer(current).data if current else None,
        "waiting": TicketSerializer(selectors.waiting_for_counter(counter), many=True).data,
        "survey_url": survey_url,
    }


class CounterView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A counter's state",
        responses={200: CounterStateSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, counter_id):
        return Response(_counter_state(request, _counter(request, counter_id)))


def _counter_action(action: str):
    class CounterActionView(APIView):
        @extend_schema(
            tags=TAGS,
            summary=f"Counter action: {action}",
            request=CounterActionSerializer,
            responses={200: CounterStateSerializer, **errors(400, 401, 403, 404, 409)},
            operation_id=f"queue_counter_{action.replace('-', '_')}",
        )
        def post(self, request, counter_id):
            counter = _counter(request, counter_id)
            payload = CounterActionSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            user = request.user
            survey_url = None

            def ticket():
                if "ticket" not in data:
                    raise ValidationFailed(fields={"ticket": ["Sebutkan id tiket."]})
                return get_object_or_404(Ticket, pk=data["ticket"], site=counter.site)

            if action == "open":
                qs.counter_open(actor=user, counter=counter)
            elif action == "close":
                qs.counter_close(actor=user, counter=counter)
            elif action == "call-next":
                qs.ticket_call_next(actor=user, counter=counter)
            elif action == "recall":
                qs.ticket_recall(actor=user, ticket=ticket())
            elif action == "start":
                qs.ticket_start_serving(actor=user, ticket=ticket())
            elif action == "park":
                qs.ticket_park(actor=user, ticket=ticket(), note=data["note"])
            elif action == "resume":
                qs.ticket_resume(actor=user, ticket=ticket(), counter=counter)
            elif action == "transfer":
                category = None
                if data.get("category"):
                    category = next(
                        (
                            c
                            for c in selectors.categories_of(counter.site)
                            if c.prefix == data["category"].upper()
                        ),
                        None,
                    )
                    if category is None:
                        raise ValidationFailed(fields={"category": ["Kategori tidak dikenal di lokasi ini."]})
                target = None
                if data.get("counter") is not None:
                    target = Counter.objects.filter(site=counter.site, number=data["counter"]).first()
                    if target is None:
                        raise ValidationFailed(fields={"counter": ["Loket tidak dikenal di lokasi ini."]})
                qs.ticket_transfer(
                    actor=user, ticket=ticket(), category=category, counter=target, note=data["note"]
                )
            elif action == "finish":
                if not data.get("outcome"):
                    raise ValidationFailed(fields={"outcome": ["Pilih hasil layanan."]})
                finished = qs.ticket_finish(
                    actor=user, ticket=ticket(), outcome=data["outcome"], note=data["note"]
                )
                link = getattr(finished, "survey_link", None)
                survey_url = link.url if link else None
            elif action == "link-case":
                qs.ticket_link_case(actor=user, ticket=ticket(), tracking_code=data.get("tracking_code", ""))
            counter.refresh_from_db()
            return Response(_counter_state(request, counter, survey_url))

    CounterActionView.__name__ = f"Counter{action.title().replace('-', '')}View"
    return CounterActionView


COUNTER_ACTIONS = (
    "open",
    "close",
    "call-next",
    "recall",
    "start",
    "park",
    "resume",
    "transfer",
    "finish",
    "link-case",
)
COUNTER_ACTION_VIEWS = {action: _counter_action(action) for action in COUNTER_ACTIONS}


def _managed(request, code):
    site = selectors.site_by_code(code)
    if not policies.can_view_overview(principal_for(request.user), site):
        raise PermissionDenied("Hanya pengelola lokasi atau admin kabupaten.", code="queue.not_site_manager")
    return site


OverviewSerializer = inline_serializer(
    name="QueueOverview",
    fields={
        "waiting": serializers.IntegerField(),
        "longest_minutes": serializers.IntegerField(),
        "over_target": serializers.BooleanField(),
        "open_counters": serializers.IntegerField(),
        "categories": serializers.ListField(child=serializers.DictField()),
        "counters": serializers.ListField(child=serializers.DictField()),
    },
)


class OverviewView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Live site overview (site manager)",
        responses={200: OverviewSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, code):
        o = selectors.site_overview(_managed(request, code))
        return Response(
            {
                "waiting": o["waiting"],
                "longest_minutes": o["longest_minutes"],
                "over_target": o["over_target"],
                "open_counters": o["open_counters"],
                "categories": [
                    {**{k: v for k, v in c.items() if k != "category"}, "prefix": c["category"].prefix}
                    for c in o["categories"]
                ],
                "counters": [
                    {
                        "number": r["counter"].number,
                        "officer": r["officer"].display_name if r["officer"] else None,
                        "ticket": r["ticket"].display_number if r["ticket"] else None,
                        "status": r["ticket"].status if r["ticket"] else None,
                    }
                    for r in o["counters"]
                ],
            }
        )


class StatisticsRow(serializers.Serializer):
    label = serializers.CharField()
    tickets = serializers.IntegerField()
    served = serializers.IntegerField()
    no_show = serializers.IntegerField()
    no_show_rate = serializers.FloatField()
    avg_wait_minutes = serializers.FloatField()
    avg_service_minutes = serializers.FloatField()
    above_target_share = serializers.FloatField()


class StatisticsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Waiting/service statistics (site manager)",
        parameters=[
            OpenApiParameter("from", dt.date),
            OpenApiParameter("to", dt.date),
            OpenApiParameter("by", str, enum=list(selectors.GROUPINGS)),
        ],
        responses={200: StatisticsRow(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request, code):
        site = _managed(request, code)
        today = timezone.localdate()
        try:
            date_from = dt.date.fromisoformat(
                request.query_params.get("from") or (today - dt.timedelta(days=6)).isoformat()
            )
            date_to = dt.date.fromisoformat(request.query_params.get("to") or today.isoformat())
        except ValueError as exc:
            raise ValidationFailed(fields={"from": ["Tulis tanggal sebagai YYYY-MM-DD."]}) from exc
        by = request.query_params.get("by", "category")
        if by not in selectors.GROUPINGS or date_to < date_from or (date_to - date_from).days > 366:
            raise ValidationFailed("Periksa rentang tanggal (paling panjang setahun) dan pengelompokan.")
        return Response(selectors.site_statistics(site, date_from=date_from, date_to=date_to, by=by))
