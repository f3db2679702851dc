"""What differs between the update someone else saved and the text in your form: the conflict screen's diff."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..forms.updates import RAG_CHOICES, outcome_initial, update_initial
from ..models import ExpectedOutcome, QuarterlyUpdate

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Difference:
    """One field whose saved value (theirs) differs from the form's (yours)."""

    label: str
    theirs: str
    yours: str

    @property
    def html(self) -> SafeString:
        return word_diff_html(self.theirs, self.yours)


def word_diff_html(theirs: str, yours: str) -> SafeString:
    """Their text with yours laid over it word by word: <del> only in theirs, <ins> only in yours (escaped)."""
    old, new = _WORDS.findall(theirs or ""), _WORDS.findall(yours or "")
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if tag == "replace":
            parts.append(" ")  # so "July." and "August." do not read as one word
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def update_differences(
    current: QuarterlyUpdate | None, data: QueryDict, outcomes: list[ExpectedOutcome]
) -> list[Difference]:
    """The fields where the saved update and the posted form differ, in the order of the form."""
    saved = update_initial(current)
    saved_outcomes = outcome_initial(current)
    labels = dict(RAG_CHOICES)

    def status(value: str) -> str:
        return str(labels.get(value, "Not given"))

    pairs = [
        ("Progress this quarter", saved.get("progress", ""), data.get("progress", "")),
        ("Overall status", status(saved.get("rag_status", "")), status(data.get("rag_status", ""))),
        ("Why the overall status is amber or red", saved.get("rag_note", ""), data.get("rag_note", "")),
        ("Spend to date", saved.get("spend_to_date", ""), data.get("spend_to_date", "")),
    ]
    for outcome in outcomes:
        given = saved_outcomes.get(outcome.pk, {})
        prefix = f"outcome-{outcome.pk}"
        pairs.append(
            (
                f"Status of outcome {outcome.number}",
                status(given.get("rag_status", "")),
                status(data.get(f"{prefix}-rag_status", "")),
            )
        )
        pairs.append((f"Note on outcome {outcome.number}", given.get("note", ""), data.get(f"{prefix}-note", "")))
    return [Difference(label, theirs, yours) for label, theirs, yours in pairs if theirs.strip() != yours.strip()]
