"""``manage.py peer_setup <config.json>``: create or update the peer's organisation and partners.

Through the ORM, as the admin UI would (gateway-anchors §5a). The JSON, written by
``tests/support/pyas2_peer.py``::

    {"organization": {"as2_name": "bob", "key_file": "bob.pem", "key_pass": "..."},
     "partners": [{"as2_name": "alice", "cert_file": "alice.crt", "target_url": "http://...",
                   "compress": true, "encryption": "aes_256_cbc", "signature": "sha256",
                   "mdn": true, "mdn_mode": "SYNC", "mdn_sign": "sha256",
                   "content_type": "application/EDIFACT"}]}

``key_file`` is PEM (key + certificate) or PKCS#12, as pyas2lib's ``load_key`` reads either.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from pyas2.models import Organization, Partner, PrivateKey, PublicCertificate

_PARTNER_FIELDS = ("target_url", "compress", "encryption", "signature", "mdn", "mdn_mode", "mdn_sign", "content_type")


class Command(BaseCommand):
    help = "Create or update the test peer's organisation and partners from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("config", type=Path)

    @transaction.atomic
    def handle(self, *args, **options):
        config = json.loads(options["config"].read_text())
        org = config["organization"]
        key, _ = PrivateKey.objects.update_or_create(
            name=org["as2_name"],
            defaults={"key": Path(org["key_file"]).read_bytes(), "key_pass": org.get("key_pass", "")},
        )
        Organization.objects.update_or_create(
            as2_name=org["as2_name"],
            defaults={"name": org["as2_name"], "encryption_key": key, "signature_key": key},
        )
        for partner in config.get("partners", []):
            cert, _ = PublicCertificate.objects.update_or_create(
                name=partner["as2_name"],
                # Test certificates come from a throwaway CA the peer does not trust.
                defaults={"certificate": Path(partner["cert_file"]).read_bytes(), "verify_cert": False},
            )
            fields = {name: partner[name] for name in _PARTNER_FIELDS if name in partner}
            Partner.objects.update_or_create(
                as2_name=partner["as2_name"],
                defaults={
                    "name": partner["as2_name"],
                    "encryption_cert": cert,
                    "signature_cert": cert,
                    **fields,
                },
            )
        self.stdout.write("ok")
