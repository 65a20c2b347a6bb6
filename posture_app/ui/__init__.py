"""The Qt layer: tray, prompts and windows. PySide6 is imported only in this package."""

from __future__ import annotations


def forget_module_sources() -> None:
    """Drop the source text PySide6 caused to be cached; call after a batch of imports.

    WORKAROUND: PySide6 replaces `__import__` and, for every module imported after it, reads the
    module's whole source (shibokensupport.feature._mod_uses_pyside calls inspect.getsource,
    see https://github.com/pyzo/pyzo/pull/851). linecache keeps it all: about 4 MB in a process
    that runs all day. Tracebacks simply read the files again when they need a line.
    """
    import linecache

    linecache.clearcache()
