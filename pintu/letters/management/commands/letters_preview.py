"""Render every letter template with sample data to PNG (first page) and PDF, to look at them."""

from pathlib import Path

from django.core.management.base import BaseCommand

from pintu.letters.definitions import MAIN, TypeSpec


class Command(BaseCommand):
    help = "Render each village letter template with sample data (PNG of page 1 and PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="var/letters-preview")
        parser.add_argument("--ppi", type=int, default=110)

    def handle(self, *args, out, ppi, **options):
        import json

        from pintu.documents.rendering import _compiler, template_path
        from pintu.letters.samples import sample_data

        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        for spec in MAIN.values():
            letter_type = _as_type(spec)
            data = {
                **sample_data(letter_type),
                "title": letter_type.title,
                "number": f"{spec.classification}/012/35.10.24.2008/XI/2026",
                "signed": True,
                "verify_url": "https://pintu.banyuwangikab.go.id/verifikasi/7KQ2M9XH4P/",
                "verify_code": "7KQ2M9XH4P",
                "qr_svg": _qr("https://pintu.banyuwangikab.go.id/verifikasi/7KQ2M9XH4P/"),
                "valid_until_text": "28 Februari 2027",
            }
            path = template_path(f"letters/{spec.template}.typ")
            inputs = {"data": json.dumps(data, ensure_ascii=False, default=str)}
            pdf = _compiler().compile(input=str(path), format="pdf", sys_inputs=inputs)
            (target / f"{spec.template}.pdf").write_bytes(pdf)
            pngs = _compiler().compile(input=str(path), format="png", ppi=ppi, sys_inputs=inputs)
            first = pngs[0] if isinstance(pngs, list) else pngs
            (target / f"{spec.template}.png").write_bytes(first)
            self.stdout.write(f"{spec.template}: {target / (spec.template + '.png')}")


def _qr(url: str) -> str:
    from pintu.core.qr import qr_svg

    return qr_svg(url, scale=4)


def _as_type(spec: TypeSpec):
    from pintu.letters.models import LetterType

    return LetterType(
        code=spec.code,
        slug=spec.slug,
        name=spec.name,
        classification_code=spec.classification,
        template=spec.template,
        fields_schema=spec.fields,
        requirements=spec.requirements,
        validity_days=spec.validity_days,
    )
