"""Case submission throughput vs a bare view inserting one row in a transaction.

Subject: ``POST /api/v1/cases/`` with a JSON body, as a logged-in citizen (session cookie and
CSRF token, an ``Idempotency-Key`` per request), with the ids of documents uploaded beforehand
(untimed, through ``documents.services.upload_store``) — the API's two-step submission. The view
runs the real service path (``cases.services.case_submit``) and answers with the case detail.
The services rotate over four that citizens apply for online: KTP-el, birth certificate (starts
at the village office), SKCK and NIB.

Baseline: ``POST /bench/insert/`` with a small JSON body, same cookies and headers, inserting one
row in a transaction. Rounds interleave subject and baseline; the figures are medians.
"""

from __future__ import annotations

import random

from bench.harness import Figure, WsgiClient, latencies, median, new_key, timed_round

GOAL = 0.40
BREAKDOWN_ROUNDS = 3
BREAKDOWN_PER_ROUND = 15
SERVICES = ["DUKCAPIL-KTP-EL", "DUKCAPIL-AKTA-LAHIR", "POLRI-SKCK", "DPMPTSP-NIB-UMK"]
CITIZEN_EMAIL = "pemohon.bench@pintu.demo"


def _citizen():
    from pintu.accounts.models import User
    from pintu.accounts.services import citizen_register
    from pintu.demo.generate import DEMO_PASSWORD, DEMO_VILLAGE
    from pintu.regions.models import Village

    user = User.objects.filter(email__iexact=CITIZEN_EMAIL).first()
    if user is None:
        user = citizen_register(
            full_name="Pemohon Uji Beban",
            email=CITIZEN_EMAIL,
            phone="081234500001",
            password=DEMO_PASSWORD,
            nik="3510245203900002",
            village=Village.objects.get(code=DEMO_VILLAGE),
        )
    return user


def prepare_bodies(citizen, count: int, seed: int = 11) -> list[dict]:
    """Request bodies with form data and freshly uploaded documents (one upload per document)."""
    from django.db import transaction
    from faker import Faker

    from pintu.catalog.models import Service
    from pintu.catalog.selectors import version_with_details
    from pintu.demo.generate import DEMO_DISTRICT, _documents, _form_value
    from pintu.documents.services import upload_store

    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    versions = {}
    for service in Service.objects.filter(code__in=SERVICES):
        versions[service.code] = version_with_details(service.published_version_id)
    bodies = []
    with transaction.atomic():
        for index in range(count):
            code = SERVICES[index % len(SERVICES)]
            version = versions[code]
            form_data = {f.key: _form_value(f, rng, fake, DEMO_DISTRICT) for f in version.form_fields.all()}
            documents = {}
            for doc_code, content in _documents(version, f"bench #{index}").items():
                requirement = next(
                    r for r in version.document_requirements.all() if r.document_type.code == doc_code
                )
                upload = upload_store(
                    actor=citizen,
                    upload_file=content,
                    formats=requirement.document_type.formats,
                    max_mb=requirement.document_type.max_mb,
                )
                documents[doc_code] = str(upload.pk)
            bodies.append({"service": code, "form_data": form_data, "documents": documents})
    return bodies


def run(*, rounds: int, per_round: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen = _citizen()
    warmup = 20
    bodies = prepare_bodies(
        citizen, warmup + rounds * per_round + 1 + 2 * BREAKDOWN_ROUNDS * BREAKDOWN_PER_ROUND
    )
    client = WsgiClient(csrf=True)
    client.login(citizen)
    failures = []

    def submit(body) -> None:
        status, content = client.post_json("/api/v1/cases/", body, headers={"Idempotency-Key": new_key()})
        if status != 201:
            failures.append((status, content[:300]))

    def insert(index) -> None:
        status, content = client.post_json("/bench/insert/", {"code": f"B{index:09d}"})
        if status != 201:
            failures.append((status, content[:300]))

    queries = {}
    with CaptureQueriesContext(connection) as captured:
        submit(bodies.pop())
    queries["submission"] = [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        insert(0)
    queries["insert"] = [q["sql"] for q in captured.captured_queries]
    for index in range(warmup):
        submit(bodies.pop())
        insert(index)
    if failures:
        raise SystemExit(f"submission requests failed: {failures[:3]}")

    samples: dict[str, list[float]] = {"submission": [], "insert": []}
    counter = iter(range(10**9))
    for _ in range(rounds):
        batch = [bodies.pop() for _ in range(per_round)]
        samples["submission"].append(timed_round(submit, batch))
        samples["insert"].append(timed_round(insert, [next(counter) for _ in range(per_round)]))
    if failures:
        raise SystemExit(f"submission requests failed: {failures[:3]}")

    breakdown = _breakdown(citizen, client, bodies, submit, insert)

    subject, baseline = median(samples["submission"]), median(samples["insert"])
    ratio = subject / baseline
    figure = Figure(
        name="case submission POST /api/v1/cases/",
        subject=subject,
        baseline=baseline,
        ratio=ratio,
        goal=f">= {GOAL:.0%} of the bare insert view",
        passed=ratio >= GOAL,
    )
    return {
        "figures": [figure],
        "rounds": samples,
        "queries_per_request": {kind: len(sqls) for kind, sqls in queries.items()},
        "queries": queries,
        "breakdown_ms": breakdown,
        "settings": {"rounds": rounds, "per_round": per_round, "services": SERVICES},
    }


def _breakdown(citizen, client, bodies, submit, insert) -> dict[str, float]:
    """Median milliseconds of the parts of a submission, measured interleaved: where the time goes."""
    from pintu.cases.models import Case
    from pintu.cases.services import ApplicantData, case_submit
    from pintu.catalog.models import Service
    from pintu.documents.models import Upload

    services = {
        s.code: s for s in Service.objects.select_related("agency__regency").filter(code__in=SERVICES)
    }

    def in_process(body) -> None:
        uploads = {str(u.pk): u for u in Upload.objects.filter(pk__in=body["documents"].values())}
        case_submit(
            actor=citizen,
            service=services[body["service"]],
            form_data=body["form_data"],
            documents={code: uploads[pk] for code, pk in body["documents"].items()},
            applicant=ApplicantData(),
            submission_key=new_key(),
            channel="api",
        )

    recent = list(
        Case.objects.filter(submitted_by=citizen).order_by("-id").values_list("tracking_code", flat=True)[:50]
    )
    parts = {
        "bare insert view (request)": lambda index: insert(index),
        "case_submit() in-process": lambda index: in_process(bodies.pop()),
        "GET /api/v1/cases/<code>/ (the detail a submission answers with)": lambda index: client.get(
            f"/api/v1/cases/{recent[index % len(recent)]}/", accept="application/json"
        ),
        "POST /api/v1/cases/ (request)": lambda index: submit(bodies.pop()),
    }
    samples: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(BREAKDOWN_ROUNDS):
        for name, call in parts.items():
            samples[name] += latencies(call, range(BREAKDOWN_PER_ROUND))
    return {name: round(median(values), 3) for name, values in samples.items()}
