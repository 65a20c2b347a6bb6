"""The first-run welcome."""

from __future__ import annotations

from PySide6.QtCore import Qt

from posture_app.platform.base import NullAutostart
from posture_app.ui.welcome import WelcomeWindow


class RecordingAutostart:
    name = "test"

    def __init__(self) -> None:
        self.on = False
        self.calls: list[bool] = []

    def is_enabled(self) -> bool:
        return self.on

    def set_enabled(self, enabled: bool) -> None:
        self.calls.append(enabled)
        self.on = enabled


def test_it_says_where_the_data_is_and_offers_start_at_login(qtbot):
    autostart = RecordingAutostart()
    window = WelcomeWindow(data_dir="/home/me/.local/share/posture-app", autostart=autostart)
    qtbot.addWidget(window)
    window.show()
    texts = " ".join(label.text() for label in window.findChildren(type(window.error)))
    assert "/home/me/.local/share/posture-app" in texts
    assert "Stop if anything hurts more" in texts
    window.start_at_login.click()
    assert autostart.calls == [True]
    assert window.start_at_login.isChecked()
    with qtbot.waitSignal(window.done):
        qtbot.keyClick(window, Qt.Key.Key_Return)


def test_start_at_login_failure_is_shown_and_undone(qtbot):
    window = WelcomeWindow(data_dir="/x", autostart=NullAutostart("no session manager"))
    qtbot.addWidget(window)
    window.show()
    window.start_at_login.click()
    assert not window.start_at_login.isChecked()
    assert "no session manager" in window.error.text()
    assert window.error.isVisible()


def test_closing_counts_as_seen_once(qtbot):
    window = WelcomeWindow(data_dir="/x", autostart=RecordingAutostart())
    qtbot.addWidget(window)
    seen: list[bool] = []
    window.done.connect(lambda: seen.append(True))
    window.show()
    window.close()
    window.close()
    assert seen == [True]
    assert all(w.accessibleName() for w in (window, window.start_at_login))
