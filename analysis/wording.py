"""Swedish wording shared by the texts the analyses and the PDFs print."""

from __future__ import annotations


def plural(count: float, singular: str, plural_form: str) -> str:
    """The count with the noun in the right number: "1 rapport", "2 rapporter", "1 200 rapporter".

    Examples
    --------
    >>> plural(1, "rapport", "rapporter"), plural(0, "rapport", "rapporter")
    ('1 rapport', '0 rapporter')
    >>> plural(12345, "vecka", "veckor"), plural(2.5, "rapport", "rapporter")
    ('12 345 veckor', '2,5 rapporter')
    """
    value = float(count)
    if value.is_integer():
        text = f"{int(value):,}".replace(",", " ")
    else:
        text = f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return f"{text.replace('-', '−')} {singular if value == 1 else plural_form}"
