"""Pick the best adapter of each kind that works here, with a plain line per kind for the user.

`detect()` never raises: every adapter that cannot be built is logged once and replaced by the
next candidate, and in the end by the null fallback with the reason. Call it after the
QApplication exists (D-Bus signals are delivered on its thread).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from posture_app.platform.autostart import MacAutostart, WindowsAutostart, XdgAutostart
from posture_app.platform.base import (
    Autostart,
    Detected,
    IdleSource,
    NullAutostart,
    NullIdle,
    NullPresenting,
    NullSession,
    PlatformUnavailable,
    PresentingSource,
    SessionWatcher,
)

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

T = TypeVar("T")

WAYLAND_REASON = (
    "Wayland without GNOME or KDE: idle detection needs the compositor's help; "
    "lock and sleep are still seen"
)
KDE_WAYLAND_REASON = (
    "KDE on Wayland does not report idle time over D-Bus; lock and sleep are still seen"
)
NO_DISPLAY_REASON = "no X display and no GNOME or KDE session"
SLEEP_STILL_SEEN = "sleep is still seen from the clock"


class AnyPresenting:
    """Presenting when any of several sources says so (X11 full screen, GNOME do-not-disturb)."""

    def __init__(self, sources: Sequence[PresentingSource]) -> None:
        self.sources = tuple(sources)
        self.name = ", ".join(source.name for source in self.sources)

    def presenting(self) -> bool:
        """True while any source is presenting."""
        return any(source.presenting() for source in self.sources)


def _build(what: str, make: Callable[[], T]) -> tuple[T | None, str]:
    """Build one adapter: (adapter, "") or (None, why not), logging the failure once."""
    try:
        return make(), ""
    except PlatformUnavailable as exc:
        log.info("%s: not available: %s", what, exc)
        return None, str(exc)
    except Exception as exc:
        log.warning("%s: failed", what, exc_info=True)
        return None, f"{what} failed: {exc}"


def _desktops(environ: Mapping[str, str]) -> set[str]:
    """The tokens of $XDG_CURRENT_DESKTOP, upper-cased (e.g. {"UBUNTU", "GNOME"})."""
    return {token.upper() for token in environ.get("XDG_CURRENT_DESKTOP", "").split(":") if token}


def _is_wayland(environ: Mapping[str, str]) -> bool:
    """Whether this is a Wayland session (X11 programs then see only XWayland's own input)."""
    return bool(environ.get("WAYLAND_DISPLAY")) or environ.get("XDG_SESSION_TYPE") == "wayland"


def detect(
    argv_for_autostart: list[str],
    *,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> Detected:
    """The adapters for this machine; `environ` and `platform` default to the real ones."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    try:
        if plat == "win32":
            return _detect_windows(argv_for_autostart)
        if plat == "darwin":
            return _detect_macos(argv_for_autostart)
        return _detect_xdg(argv_for_autostart, env)
    except Exception as exc:  # a bug above must not stop the app from starting
        log.exception("platform detection failed")
        return _nothing(f"detection failed: {exc}", argv_for_autostart)


def _nothing(reason: str, argv: list[str]) -> Detected:
    """Null adapters everywhere."""
    return Detected(
        idle=NullIdle(reason),
        session=NullSession(reason),
        presenting=NullPresenting(reason),
        autostart=NullAutostart(reason),
        notes=(
            f"idle detection unavailable: {reason}",
            f"lock and sleep signals unavailable: {reason}; {SLEEP_STILL_SEEN}",
            f"full-screen and do-not-disturb detection unavailable: {reason}",
            f"start at login unavailable: {reason}",
        ),
    )


def _assemble(
    idle: IdleSource, session: SessionWatcher, presenting: PresentingSource, autostart: Autostart
) -> Detected:
    """Detected with its notes written from what was chosen."""
    notes = (
        _note("idle detection", idle, ""),
        _note("lock and sleep", session, f"; {SLEEP_STILL_SEEN}"),
        _note("full screen and do-not-disturb", presenting, ""),
        _note("start at login", autostart, ""),
    )
    for note in notes:
        log.info("%s", note)
    return Detected(idle, session, presenting, autostart, notes)


def _note(kind: str, adapter: object, unavailable_suffix: str) -> str:
    """One plain line: "<kind>: <name>" or "<kind> unavailable: <reason>"."""
    reason = getattr(adapter, "reason", None)
    if isinstance(adapter, NullIdle | NullSession | NullPresenting | NullAutostart):
        return f"{kind} unavailable: {reason}{unavailable_suffix}"
    return f"{kind}: {getattr(adapter, 'name', type(adapter).__name__)}"


def _autostart(make: Callable[[], Autostart]) -> Autostart:
    """The autostart adapter, or the null one with the reason."""
    adapter, why = _build("start at login", make)
    return adapter if adapter is not None else NullAutostart(why)


def _detect_windows(argv: list[str]) -> Detected:
    """Windows: GetLastInputInfo, lock and power messages, the notification state, the Run key."""
    from posture_app.platform.windows import (
        WindowsIdle,
        WindowsPresenting,
        WindowsSessionWatcher,
    )

    idle, idle_why = _build("idle detection", WindowsIdle)
    session, session_why = _build("lock and sleep messages", WindowsSessionWatcher)
    presenting, presenting_why = _build("full-screen detection", WindowsPresenting)
    return _assemble(
        idle if idle is not None else NullIdle(idle_why),
        session if session is not None else NullSession(session_why),
        presenting if presenting is not None else NullPresenting(presenting_why),
        _autostart(lambda: WindowsAutostart(argv)),
    )


def _detect_macos(argv: list[str]) -> Detected:
    """macOS: CoreGraphics idle time, lock state and front window, and a LaunchAgent."""
    from posture_app.platform.macos import MacIdle, MacPresenting, MacSessionWatcher

    idle, idle_why = _build("idle detection", MacIdle)
    session, session_why = _build("screen lock", MacSessionWatcher)
    presenting, presenting_why = _build("full-screen detection", MacPresenting)
    return _assemble(
        idle if idle is not None else NullIdle(idle_why),
        session if session is not None else NullSession(session_why),
        presenting if presenting is not None else NullPresenting(presenting_why),
        _autostart(lambda: MacAutostart(argv)),
    )


def _buses(env: Mapping[str, str]) -> tuple[QDBusConnection | None, QDBusConnection | None, str]:
    """(system, session, why a bus is missing) without ever raising."""
    try:
        from posture_app.platform import dbus
    except ImportError as exc:
        log.info("QtDBus is not available: %s", exc)
        return None, None, f"QtDBus is not available ({exc})"
    system, system_why = _build("D-Bus system bus", lambda: dbus.connect_bus(dbus.Bus.SYSTEM, env))
    session, session_why = _build(
        "D-Bus session bus", lambda: dbus.connect_bus(dbus.Bus.SESSION, env)
    )
    return system, session, "; ".join(why for why in (system_why, session_why) if why)


def _detect_xdg(argv: list[str], env: Mapping[str, str]) -> Detected:
    """Linux and the BSDs: GNOME or KDE over D-Bus, else X11; logind; XDG autostart."""
    system, session, bus_why = _buses(env)
    display = env.get("DISPLAY", "")
    wayland = _is_wayland(env)
    return _assemble(
        _xdg_idle(session, display, wayland, _desktops(env)),
        _xdg_session(system, session, bus_why),
        _xdg_presenting(session, display, _desktops(env)),
        _autostart(lambda: XdgAutostart(argv, environ=env)),
    )


def _xdg_idle(
    session: QDBusConnection | None, display: str, wayland: bool, desktops: set[str]
) -> IdleSource:
    """Mutter, then KDE's screen locker, then XScreenSaver (not on Wayland), then none."""
    if session is not None:
        from posture_app.platform.dbus import KdeIdle, MutterIdle

        candidates: list[tuple[str, Callable[[], IdleSource]]] = [
            ("GNOME idle monitor", lambda: MutterIdle(session))
        ]
        # Only KDE's org.freedesktop.ScreenSaver counts from the last input; the screen savers
        # of MATE, Cinnamon and Xfce (gnome-screensaver's heirs) answer 0 until their own idle
        # delay has passed, so there XScreenSaver is the better source.
        if "KDE" in desktops:
            candidates.append(("KDE idle time", lambda: KdeIdle(session)))
        for what, make in candidates:
            adapter, _why = _build(what, make)
            if adapter is not None:
                return adapter
    if wayland:
        return NullIdle(KDE_WAYLAND_REASON if "KDE" in desktops else WAYLAND_REASON)
    if not display:
        return NullIdle(NO_DISPLAY_REASON)
    from posture_app.platform.x11 import X11Idle

    x11, why = _build("X11 idle time", lambda: X11Idle(display))
    return x11 if x11 is not None else NullIdle(f"no GNOME or KDE session, and X11: {why}")


def _xdg_session(
    system: QDBusConnection | None, session: QDBusConnection | None, bus_why: str
) -> SessionWatcher:
    """logind and the screen savers over D-Bus, or none."""
    if system is None and session is None:
        return NullSession(bus_why or "no D-Bus system or session bus")
    from posture_app.platform.dbus import LogindSessionWatcher

    watcher, why = _build("lock and sleep signals", lambda: LogindSessionWatcher(system, session))
    return watcher if watcher is not None else NullSession(why)


def _xdg_presenting(
    session: QDBusConnection | None, display: str, desktops: set[str]
) -> PresentingSource:
    """X11 full screen (XWayland windows only on Wayland) and GNOME do-not-disturb, or none."""
    sources: list[PresentingSource] = []
    reasons: list[str] = []
    if display:
        from posture_app.platform.x11 import X11Presenting

        x11, why = _build("X11 full-screen detection", lambda: X11Presenting(display))
        if x11 is not None:
            sources.append(x11)
        else:
            reasons.append(why)
    else:
        reasons.append("no X display")
    if "GNOME" in desktops:
        from posture_app.platform.dbus import GnomeDoNotDisturb

        dnd, why = _build("GNOME do-not-disturb", lambda: GnomeDoNotDisturb(session))
        if dnd is not None:
            sources.append(dnd)
        else:
            reasons.append(why)
    else:
        reasons.append("not a GNOME session")
    if not sources:
        return NullPresenting(" and ".join(reasons))
    return sources[0] if len(sources) == 1 else AnyPresenting(sources)
