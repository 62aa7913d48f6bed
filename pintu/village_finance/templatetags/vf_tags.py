from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    if value in (None, ""):
        return "—"
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    return f"{sign}Rp{abs(int(value)):,}".replace(",", ".")


@register.filter
def num(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{int(Decimal(value)):,}".replace(",", ".")


@register.filter
def pct(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.1f} %".replace(".", ",")


@register.filter
def vol(value) -> str:
    value = Decimal(value)
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"
    return text.replace(".", ",")
