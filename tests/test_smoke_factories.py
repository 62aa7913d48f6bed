import pytest

from pintu.cases.constants import CaseStatus
from tests.factories import CaseFactory


@pytest.mark.parametrize(
    ("service", "channel", "state", "status"),
    [
        ("agency", "online", "submitted", CaseStatus.IN_PROGRESS),
        ("agency", "online", "verified", CaseStatus.VERIFIED),
        ("agency", "online", "approved", CaseStatus.IN_PROGRESS),
        ("agency", "online", "completed", CaseStatus.COMPLETED),
        ("village", "village", "issued", CaseStatus.READY_FOR_HANDOVER),
        ("village", "village", "completed", CaseStatus.COMPLETED),
        ("village", "online", "completed", CaseStatus.COMPLETED),
        ("agency", "counter", "returned", CaseStatus.RETURNED),
        ("agency", "counter", "resubmitted", CaseStatus.IN_PROGRESS),
        ("agency", "online", "rejected", CaseStatus.REJECTED),
        ("agency", "online", "withdrawn", CaseStatus.WITHDRAWN),
    ],
)
def test_factory_states(world, service, channel, state, status):
    case = CaseFactory(world=world, service=service, channel=channel, state=state)
    assert case.status == status
    assert case.event_count == case.events.count()
