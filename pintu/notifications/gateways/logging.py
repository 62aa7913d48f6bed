import logging
import uuid

from pintu.notifications.gateways import MessageGateway, register

logger = logging.getLogger("pintu.messages")


@register("log")
class LoggingGateway(MessageGateway):
    """Writes messages to the log instead of sending them (demo, development, tests)."""

    def send(self, *, recipient: str, body: str) -> str:
        message_id = f"log-{uuid.uuid4().hex[:12]}"
        logger.info("message to %s (%s): %s", recipient, message_id, body)
        return message_id
