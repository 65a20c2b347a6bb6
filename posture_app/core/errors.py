"""The one base for problems the user can act on, kept apart from bugs (which get a traceback)."""

from __future__ import annotations


class KnownError(Exception):
    """A problem with the user's input or files; its message is one line for them."""
