"""``manage.py peer_state``: print the peer's messages and MDNs as JSON, for the tests to assert on."""

import json

from django.core.management.base import BaseCommand
from pyas2.models import Message


class Command(BaseCommand):
    help = "Print every AS2 message and its MDN as JSON."

    def handle(self, *args, **options):
        rows = []
        for message in Message.objects.select_related("organization", "partner").order_by("id"):
            mdn = getattr(message, "mdn", None)
            rows.append(
                {
                    "message_id": message.message_id,
                    "direction": message.direction,
                    "status": message.status,
                    "detailed_status": message.detailed_status,
                    "organization": message.organization_id,
                    "partner": message.partner_id,
                    "signed": message.signed,
                    "encrypted": message.encrypted,
                    "compressed": message.compressed,
                    "mdn_mode": message.mdn_mode,
                    "mic": message.mic,
                    "payload": message.payload.name if message.payload else None,
                    "mdn": None
                    if mdn is None
                    else {
                        "mdn_id": mdn.mdn_id,
                        "status": mdn.status,
                        "signed": mdn.signed,
                        "return_url": mdn.return_url,
                        "payload": mdn.payload.name if mdn.payload else None,
                    },
                }
            )
        self.stdout.write(json.dumps(rows))
