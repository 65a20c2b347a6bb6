"""Start at login is written from two windows; both always show the real state.

The adapter is the real XDG one, writing into the test's own XDG_CONFIG_HOME.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QListWidget, QWidget

from posture_app.core.settings import Settings
from posture_app.platform.autostart import XdgAutostart
from posture_app.ui.settings_window import SettingsWindow
from posture_app.ui.start_at_login import StartAtLoginBox
from posture_app.ui.welcome import WelcomeWindow

COMMAND = ["/usr/bin/posture-app"]


@pytest.fixture
def autostart() -> XdgAutostart:
    return XdgAutostart(COMMAND)


def _welcome(qtbot, autostart: XdgAutostart) -> WelcomeWindow:
    window = WelcomeWindow(data_dir="/x", autostart=autostart)
    qtbot.addWidget(window)
    return window


def _settings(qtbot, autostart: XdgAutostart) -> SettingsWindow:
    window = SettingsWindow(Settings(), data_location="here", notes=(), autostart=autostart)
    qtbot.addWidget(window)
    return window


def _settings_box(window: SettingsWindow) -> QCheckBox:
    box = window.findChild(QCheckBox, "autostart")
    assert box is not None
    return box


def _show_page(window: SettingsWindow, title: str) -> None:
    sections = window.findChild(QListWidget, "sections")
    assert sections is not None
    (item,) = sections.findItems(title, Qt.MatchFlag.MatchExactly)
    sections.setCurrentItem(item)


def _show(qtbot, window: QWidget) -> None:
    window.show()
    qtbot.waitExposed(window)


def _activate(qtbot, window: QWidget) -> None:
    """Bring the window to the front, as a click on it would."""
    with qtbot.waitActive(window):
        window.activateWindow()


def test_a_tick_in_the_welcome_shows_in_the_open_settings_window(qtbot, autostart):
    settings = _settings(qtbot, autostart)
    _show(qtbot, settings)
    _show_page(settings, "Behaviour")
    welcome = _welcome(qtbot, autostart)
    _show(qtbot, welcome)
    _activate(qtbot, welcome)
    assert not _settings_box(settings).isChecked()

    welcome.start_at_login.click()
    assert autostart.is_enabled()
    _activate(qtbot, settings)
    assert _settings_box(settings).isChecked()

    _settings_box(settings).click()
    assert not autostart.is_enabled()
    _activate(qtbot, welcome)
    assert not welcome.start_at_login.isChecked()


def test_the_settings_window_shows_the_state_again_when_reopened(qtbot, autostart):
    settings = _settings(qtbot, autostart)
    _show(qtbot, settings)
    _show_page(settings, "Behaviour")
    settings.close()
    welcome = _welcome(qtbot, autostart)
    _show(qtbot, welcome)
    welcome.start_at_login.click()
    _show(qtbot, settings)
    assert _settings_box(settings).isChecked()


def test_the_box_reads_again_when_its_settings_page_is_chosen(qtbot, autostart):
    settings = _settings(qtbot, autostart)
    _show(qtbot, settings)
    _show_page(settings, "Reminders")
    autostart.set_enabled(True)  # e.g. from the welcome, while another page is shown
    _show_page(settings, "Behaviour")
    assert _settings_box(settings).isChecked()


def test_a_change_made_outside_the_app_shows_when_the_window_is_activated(qtbot, autostart):
    autostart.set_enabled(True)
    welcome = _welcome(qtbot, autostart)
    _show(qtbot, welcome)
    assert welcome.start_at_login.isChecked()
    other = QWidget()
    qtbot.addWidget(other)
    _show(qtbot, other)
    _activate(qtbot, other)
    autostart.path.unlink()  # the user removed the entry in the desktop's own settings
    _activate(qtbot, welcome)
    assert not welcome.start_at_login.isChecked()


class UnreadableAutostart:
    """An adapter whose state cannot be read (e.g. a folder without read permission)."""

    name = "unreadable"

    def is_enabled(self) -> bool:
        raise PermissionError("permission denied: ~/.config/autostart")

    def set_enabled(self, enabled: bool) -> None:
        raise PermissionError("permission denied: ~/.config/autostart")


def test_an_unreadable_state_shows_as_off_and_is_logged_once(qtbot, caplog):
    box = StartAtLoginBox("Start at login", UnreadableAutostart())
    qtbot.addWidget(box)
    _show(qtbot, box)
    box.refresh()
    assert not box.isChecked()
    assert caplog.text.count("cannot tell whether posture-app starts at login") == 1
    failures: list[str] = []
    box.failed.connect(failures.append)
    box.click()
    assert not box.isChecked()
    assert failures == ["permission denied: ~/.config/autostart"]
