"""The "start at login" tick box, shared by the welcome and the settings window.

Starting at login is not a setting: the Autostart adapter is the only record of it, so the box
never keeps a copy. It writes the user's tick at once and reads the adapter again whenever it
comes into view or its window is activated, so two windows (or a change made outside the app)
never leave it showing an old state.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCheckBox, QWidget

from posture_app.platform.base import Autostart

log = logging.getLogger(__name__)


class StartAtLoginBox(QCheckBox):
    """A tick box over the Autostart adapter; owns nothing but the adapter reference.

    Signals: `switched(bool)` after the user's tick was written; `failed(str)` with the reason
    when it could not be (the box then shows the adapter's real state again).
    """

    switched = Signal(bool)
    failed = Signal(str)

    def __init__(self, text: str, autostart: Autostart, parent: QWidget | None = None) -> None:
        """A box labelled `text` showing whether `autostart` is on."""
        super().__init__(text, parent)
        self._autostart = autostart
        self._unreadable = ""  # the last reason the state could not be read (logged once)
        # `clicked`, not `toggled`: only the user's tick writes, never refresh().
        self.clicked.connect(self._apply)
        self.refresh()

    def refresh(self) -> None:
        """Show the adapter's current state (unknown counts as off)."""
        self.setChecked(self._read())

    def _read(self) -> bool:
        try:
            enabled = self._autostart.is_enabled()
        except OSError as error:
            if str(error) != self._unreadable:
                self._unreadable = str(error)
                log.warning("cannot tell whether posture-app starts at login: %s", error)
            return False
        self._unreadable = ""
        return enabled

    def _apply(self, enabled: bool) -> None:
        """Write the user's tick; on failure say why and show the real state."""
        try:
            self._autostart.set_enabled(enabled)
        except OSError as error:
            log.warning("could not turn starting at login %s: %s", _on_off(enabled), error)
            self.refresh()
            self.failed.emit(str(error))
            return
        log.info("starting at login turned %s", _on_off(enabled))
        self.switched.emit(enabled)

    def showEvent(self, event: QShowEvent) -> None:
        """Coming into view (its window opens, or its settings page is chosen): read again."""
        if not event.spontaneous():
            self.refresh()
        super().showEvent(event)

    def event(self, event: QEvent) -> bool:
        """Its window was activated (the user came back to it): read again."""
        if event.type() == QEvent.Type.WindowActivate:
            self.refresh()
        return super().event(event)


def _on_off(enabled: bool) -> str:
    return "on" if enabled else "off"
