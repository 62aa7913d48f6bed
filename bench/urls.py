"""Pintu's URLs plus two bare baseline views.

* ``/bench/select/<code>/`` does one indexed SELECT on ``cases_case`` by ``tracking_code`` and
  returns a tiny response: the floor for any page that looks a case up by its code.
* ``/bench/insert/`` inserts one row into the small ``bench_row`` table in a transaction: the floor
  for any write request.

Both go through the same middleware stack as the product's pages.
"""

import json

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseNotFound
from django.urls import path
from django.views.decorators.http import require_POST

from pintu.urls import handler403, handler404, handler500  # noqa: F401
from pintu.urls import urlpatterns as pintu_urlpatterns

BENCH_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS bench_row (
    id bigserial PRIMARY KEY,
    code varchar(16) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


def bare_select(request, code):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, status FROM cases_case WHERE tracking_code = %s", [code])
        row = cursor.fetchone()
    if row is None:
        return HttpResponseNotFound("-")
    return HttpResponse(f"{row[0]} {row[1]}", content_type="text/plain")


@require_POST
def bare_insert(request):
    code = str(json.loads(request.body or b"{}").get("code", ""))[:16]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (code) VALUES (%s) RETURNING id", [code])
        row_id = cursor.fetchone()[0]
    return HttpResponse(str(row_id), content_type="text/plain", status=201)


urlpatterns = [
    path("bench/select/<str:code>/", bare_select, name="bench_select"),
    path("bench/insert/", bare_insert, name="bench_insert"),
    *pintu_urlpatterns,
]
