from django.conf import settings
from django.core.management.base import BaseCommand

from pintu.documents.signing.keys import ensure_demo_key, load_certificate


class Command(BaseCommand):
    help = (
        "Create the demo signing key (EC P-256 + self-signed certificate, PKCS#12) at "
        "PINTU_SIGNER_DEMO_PKCS12 if it does not exist yet. Idempotent."
    )

    def handle(self, *args, **options):
        if settings.PINTU_SIGNER_PKCS12:
            self.stdout.write(
                f"A signing key is configured (PINTU_SIGNER_PKCS12={settings.PINTU_SIGNER_PKCS12}); nothing to do."
            )
            return
        path, created = ensure_demo_key()
        cert = load_certificate(path, settings.PINTU_SIGNER_PKCS12_PASSPHRASE)
        state = "created" if created else "already present"
        self.stdout.write(f"Demo signing key {state}: {path}")
        self.stdout.write(f"  subject: {cert.subject.rfc4514_string()}  serial: {cert.serial_number:X}")
