import itertools

from pintu.notifications.gateways import GatewayError, MessageGateway, register

_counter = itertools.count(1)


@register("fake")
class FakeGateway(MessageGateway):
    """In-memory gateway for tests: ``FakeGateway.outbox`` holds what was sent; set
    ``FakeGateway.fail_next`` to make the next sends fail."""

    outbox: list[dict] = []
    fail_next = 0

    def send(self, *, recipient: str, body: str) -> str:
        if FakeGateway.fail_next > 0:
            FakeGateway.fail_next -= 1
            raise GatewayError("simulated gateway outage")
        message_id = f"fake-{next(_counter)}"
        FakeGateway.outbox.append({"recipient": recipient, "body": body, "id": message_id})
        return message_id
