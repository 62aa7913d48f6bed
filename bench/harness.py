"""Driving Django in-process through its WSGI handler, timing, and reporting.

Requests go through ``django.core.handlers.wsgi.WSGIHandler`` with the full middleware stack of
the production settings (sessions, CSRF, authentication, OTP, messages, …), exactly as a WSGI
server would call it, minus the socket. The same client issues the subject and the baseline
requests, in interleaved rounds, so both see the same machine.
"""

from __future__ import annotations

import gc
import io
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
# Public lookups come from many citizens: each request gets the next of 65,536 client addresses,
# so no address reaches the per-IP limits of the tracking page (60/min) or the API throttles.
CLIENT_ADDRESSES = 65_536


class WsgiClient:
    """A minimal in-process HTTP client for a WSGI application."""

    def __init__(self, *, cookies: dict[str, str] | None = None, csrf: bool = False):
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()
        self.cookies = dict(cookies or {})
        self.csrf_token = None
        if csrf:
            from django.conf import settings
            from django.utils.crypto import get_random_string

            self.csrf_token = get_random_string(32)
            self.cookies[settings.CSRF_COOKIE_NAME] = self.csrf_token
        self._count = 0

    def login(self, user) -> None:
        """A real session row for ``user`` (as after a successful login)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        content_type: str = "",
        accept: str = "text/html,application/xhtml+xml",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        self._count += 1
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": f"10.8.{self._count % CLIENT_ADDRESSES // 256}.{self._count % 256}",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": accept,
            "HTTP_USER_AGENT": "pintu-bench",
            # Behind the TLS-terminating proxy of a production deployment (SECURE_PROXY_SSL_HEADER).
            "HTTP_X_FORWARDED_PROTO": "https",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body or method == "POST":
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["CONTENT_TYPE"] = content_type
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf_token and method not in ("GET", "HEAD"):
            environ["HTTP_X_CSRFTOKEN"] = self.csrf_token
            environ["HTTP_ORIGIN"] = "https://127.0.0.1"
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status = []

        def start_response(status_line, response_headers, exc_info=None):
            status.append(int(status_line[:3]))

        result = self.app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return status[0], content

    def get(self, path: str, **kwargs) -> tuple[int, bytes]:
        return self.request("GET", path, **kwargs)

    def post_json(self, path: str, data, **kwargs) -> tuple[int, bytes]:
        return self.request(
            "POST",
            path,
            body=json.dumps(data).encode(),
            content_type="application/json",
            accept="application/json",
            **kwargs,
        )


# --- timing -------------------------------------------------------------------------------------


def timed_round(call, items) -> float:
    """Run ``call(item)`` for every item; return requests per second."""
    gc.collect()
    started = time.perf_counter()
    for item in items:
        call(item)
    return len(items) / (time.perf_counter() - started)


def latencies(call, items) -> list[float]:
    """Milliseconds of each ``call(item)``."""
    gc.collect()
    out = []
    for item in items:
        started = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def explain(sqls: list[str]) -> list[dict]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of each SELECT that touches the case tables."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql in sqls:
            if not sql.lstrip().upper().startswith("SELECT") or "cases_case" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            text = "\n".join(row[0] for row in cursor.fetchall())
            timing = {
                line.split(":")[0].strip(): float(line.split(":")[1].split()[0])
                for line in text.splitlines()
                if line.strip().startswith(("Planning Time", "Execution Time"))
            }
            plans.append({"sql": sql, "plan": text, **timing})
    return plans


def query_label(sql: str) -> str:
    """A short name for a query: its first table and the start of its WHERE clause."""
    table = re.search(r'FROM "(\w+)"', sql)
    where = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else ""
    where = re.sub(r'"\w+"\.', "", where).replace('"', "")
    kind = "count" if sql.startswith("SELECT COUNT(") else "rows"
    return f"{kind} of {table.group(1) if table else '?'} WHERE {where[:60]}…"


def plan_summary(plans: list[dict]) -> str:
    return "\n".join(
        f"     {query_label(p['sql'])}: planning {p.get('Planning Time', 0):.2f} ms, "
        f"execution {p.get('Execution Time', 0):.2f} ms"
        for p in plans
    )


# --- reporting ----------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    subject: float
    baseline: float
    ratio: float
    goal: str
    passed: bool
    unit: str = "/s"
    subject_label: str = "subject"
    baseline_label: str = "baseline"
    note: str = ""
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        if self.unit == "/s":
            figures = (
                f"subject {self.subject:,.0f}/s, baseline {self.baseline:,.0f}/s, ratio {self.ratio:.0%}"
            )
        else:
            figures = (
                f"{self.subject_label} {self.subject:.1f} {self.unit}, "
                f"{self.baseline_label} {self.baseline:.1f} {self.unit}, ratio {self.ratio:.2f}x"
            )
        verdict = "PASS" if self.passed else "FAIL"
        if self.note:
            verdict += f" ({self.note})"
        return f"{self.name}: {figures} (goal {self.goal}) {verdict}"


def environment() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=RESULTS.parent.parent, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "git_head": git("rev-parse", "--short", "HEAD"),
        "git_dirty": git("status", "--porcelain", "--", "pintu").splitlines(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "postgres": version,
        "database": database,
    }


def write_results(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, default=str, ensure_ascii=False))
    (RESULTS / f"{name}-latest.json").write_text(path.read_text())
    return path


def new_key() -> str:
    return uuid.uuid4().hex
