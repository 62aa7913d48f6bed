"""The feedback demo seeder: realistic surveys and complaints through the services; idempotent."""

import io

import pytest
from django.core.management import call_command

from pintu.accounts.access import principal_for
from pintu.accounts.models import User
from pintu.feedback.demo import RESPONSES, seed_demo
from pintu.feedback.models import Complaint, SurveyPeriod, SurveyResponse
from pintu.feedback.selectors import Filters, ikm_report


@pytest.mark.django_db
def test_seed_demo_is_complete_and_idempotent():
    call_command("demo_setup", cases=0, stdout=io.StringIO())
    out = io.StringIO()
    seed_demo(stdout=out)
    assert SurveyResponse.objects.count() == sum(RESPONSES.values())
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "verified", "answered", "closed", "rejected"}
    assert Complaint.objects.count() >= 11
    assert Complaint.objects.filter(agency__isnull=True).exists()
    assert Complaint.objects.filter(reopen_count=1).exists()
    before = (SurveyResponse.objects.count(), Complaint.objects.count())
    seed_demo(stdout=io.StringIO())
    assert (SurveyResponse.objects.count(), Complaint.objects.count()) == before
    period = SurveyPeriod.objects.get(code="2026")
    report = ikm_report(
        principal_for(User.objects.get(username="admin.kabupaten")), Filters(period_id=period.pk)
    )
    assert report.result.band is not None and len(report.by_agency) >= 5 and len(report.trend) == 2
