"""The Qt layer: tray, prompts and windows. PySide6 is imported only in this package."""

from __future__ import annotations

import os
import sys

#: Whether the window's process can tell that the tray app which started it has gone (its
#: standard input, a pipe from the tray, watched by a QSocketNotifier: POSIX only), so that a
#: hidden one does not outlive a tray that crashed.
WINDOW_WATCHES_TRAY = os.name == "posix"
#: Whether window processes can be forked from a process that has imported Qt
#: (posture_app/ui/forkserver.py): Linux and the BSDs. Not macOS, where a child forked after
#: its GUI frameworks have loaded may not use them; not Windows, which has no fork().
FORKS_WINDOWS = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def quiet_pyside_imports() -> bool:
    """Stop PySide6 from parsing the source of every module imported after it; True if done.

    WORKAROUND (PYSIDE-2029, PySide6 6.4 and later): PySide6 replaces `__import__` and, after
    each import, asks whether the new module mentions "PySide6" (for its opt-in `__feature__`
    switches) by calling `inspect.getsource` on it. That fills `linecache` with every module's
    text and `inspect`'s module-by-file tables: about 2.3 MB in the tray app, kept all day, and
    time at every start (see https://github.com/pyzo/pyzo/pull/851 and napari/napari#8584).
    The same question is answered here by reading the file's bytes once, keeping nothing. Where
    PySide6 no longer has that hook (or renames it), this does nothing and returns False.
    """
    import sys

    import PySide6  # noqa: F401 - loads shibokensupport, which holds the hook

    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None or not callable(upstream):
        return False
    if getattr(upstream, "reads_bytes", False):
        return True  # already done

    def mod_uses_pyside(module: object) -> bool:
        """Does the module's source mention PySide6? (as upstream, without caching the text)"""
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str) or not filename.endswith((".py", ".pyw")):
            return False  # built in, compiled or without source: upstream finds none either
        try:
            with open(filename, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False  # as upstream, when the source cannot be read

    mod_uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[union-attr]
    return True


def freeze_startup_objects() -> None:
    """Collect garbage once, then keep everything alive now out of later collections.

    A window that has just opened holds some hundred thousand objects that live as long as it
    does (modules, Qt's wrappers and enums, the charts). The collector's full passes kept
    walking all of them, and a week switch that met such a pass took about a third longer
    (bench/window.py's worst switch). `gc.freeze` leaves them out; new objects are collected
    as before. The collector is switched on again here if the start switched it off.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.enable()


def forget_module_sources() -> None:
    """Drop module source text cached by line; call after a batch of imports.

    Without `quiet_pyside_imports` (a PySide6 it cannot patch), PySide6 caches the source of
    each module imported after it in `linecache`: about 4 MB in a process that runs all day.
    Tracebacks simply read the files again when they need a line.
    """
    import linecache

    linecache.clearcache()
