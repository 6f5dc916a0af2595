from django import template

register = template.Library()


@register.filter
def max_n(rows) -> int:
    """Largest count in a list of {"n": ...} rows, for scaling bar charts."""
    return max((row.get("n") or 0 for row in rows or []), default=0)


@register.filter
def change_lines(changes, names_only=False) -> list[str]:
    """An audit event's changes as short readable lines: "title: old → new".

    ``names_only`` lists just what changed ("title", "summary"): for readers who may not see
    the records themselves, since free text such as a case title can hold a name.
    """
    if names_only:
        return [str(key) for key in (changes or {})]
    lines = []
    for key, value in (changes or {}).items():
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            lines.append(f"{key}: {value['before']} → {value['after']}")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k}={v}" for k, v in value.items())
            lines.append(f"{key}: {inner}")
        elif isinstance(value, list):
            lines.append(f"{key}: {', '.join(map(str, value))}")
        else:
            lines.append(f"{key}: {value}")
    return lines
