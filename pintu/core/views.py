"""Error pages. Under /api/ the answer is JSON in the API's one error shape."""

from django.http import JsonResponse
from django.shortcuts import render

API_ERRORS = {
    403: ("forbidden", "Anda tidak berwenang melakukan tindakan ini."),
    404: ("not_found", "Alamat API ini tidak ada. Lihat /api/v1/docs/ untuk daftar alamat."),
    500: ("server_error", "Terjadi kesalahan pada server; permintaan tidak tersimpan. Coba lagi nanti."),
}


def _error(request, status: int, template: str):
    if request.path.startswith("/api/"):
        code, message = API_ERRORS[status]
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    return render(request, template, status=status)


def forbidden(request, exception=None):
    return _error(request, 403, "errors/403.html")


def not_found(request, exception=None):
    return _error(request, 404, "errors/404.html")


def server_error(request):
    if request.path.startswith("/api/"):
        return _error(request, 500, "")
    return render(request, "errors/500.html", status=500)
