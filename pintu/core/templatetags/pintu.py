from django import template

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """6281234567890 -> 0812-3456-7890 (how Indonesians write a mobile number)."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if not digits:
        return ""
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return "-".join(filter(None, [digits[:4], digits[4:8], digits[8:]]))


@register.filter
def error_count(forms) -> int:
    """Number of fields (and non-field errors) with a problem across several forms."""
    return sum(len(form.errors) for form in forms)
