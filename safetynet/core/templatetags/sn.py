from django import template

register = template.Library()


@register.filter
def max_n(rows) -> int:
    """Largest count in a list of {"n": ...} rows, for scaling bar charts."""
    return max((row.get("n") or 0 for row in rows or []), default=0)
