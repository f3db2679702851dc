"""Shortening text for tables and headings: at a word boundary, with an ellipsis, never mid-word."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its words up to the limit followed by an ellipsis.

    A single word longer than the limit is the only thing ever cut inside a word.
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 1)
    cut = text[: room + 1]
    boundary = cut.rfind(" ")
    head = cut[:boundary] if boundary > 0 else text[:room]
    return head.rstrip(" ,;:.-–") + ELLIPSIS
