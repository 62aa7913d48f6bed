"""PDF rendering with Typst (PyPI ``typst``, a wheel with no system dependencies).

Templates live in ``pintu/templates/typst/<app>/<name>.typ``; data goes in as JSON through
``sys.inputs.data`` (read it with ``json(bytes(sys.inputs.data))`` or ``data-from-inputs()``
from ``common/letter.typ``). One compiler per thread is kept: it holds the fonts (embedded in the
wheel, plus ``pintu/documents/fonts``) and the parsed templates, so a letter costs a few
milliseconds instead of re-reading fonts each time.

Typst's worker threads do not survive ``fork()``: a process that has compiled must not fork
workers that compile (they hang). Servers fork their workers before the first request (gunicorn,
also with ``--preload``: nothing here compiles at import), and nothing in Pintu forks.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import typst
from django.conf import settings

from pintu.core.errors import ValidationFailed

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "pintu" / "templates" / "typst"
FONT_DIR = Path(__file__).resolve().parent / "fonts"

_local = threading.local()


class RenderError(ValidationFailed):
    code = "document.render_failed"


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        font_paths = [str(FONT_DIR)] if FONT_DIR.is_dir() else []
        compiler = typst.Compiler(root=str(TEMPLATE_ROOT), font_paths=font_paths, ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


_paths: dict[str, str] = {}


def template_path(template: str) -> str:
    """``"cases/output.typ"`` → absolute path inside the template root (never outside it)."""
    known = _paths.get(template)
    if known is not None:
        return known
    path = (TEMPLATE_ROOT / template).resolve()
    if TEMPLATE_ROOT.resolve() not in path.parents or path.suffix != ".typ" or not path.is_file():
        raise RenderError(f"Templat dokumen '{template}' tidak ditemukan.", code="document.template_missing")
    _paths[template] = str(path)
    return str(path)


def render_pdf(*, template: str, data: dict) -> bytes:
    """Compile ``template`` with ``data`` (JSON-serialisable) to PDF bytes."""
    path = template_path(template)
    payload = json.dumps(data, ensure_ascii=False, default=str)
    try:
        return _compiler().compile(input=path, format="pdf", sys_inputs={"data": payload})
    except typst.TypstError as exc:  # a template bug or bad data: say where
        raise RenderError(
            f"Dokumen tidak dapat dibuat dari templat '{template}': {exc.message}. Laporkan ke admin sistem.",
        ) from exc
