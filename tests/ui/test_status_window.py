"""The status window: today's numbers from the store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from posture_app.core.scheduler import Scheduler
from posture_app.core.settings import Settings
from posture_app.core.store import Store
from posture_app.ui.controller import Controller
from posture_app.ui.status_window import StatusWindow
from tests.fakes import FakeClock, FakeIdle, FakePresenting, FakeSession


def test_it_shows_today_from_the_store(qtbot):
    clock = FakeClock.at("2026-11-23T09:00")
    store = Store.in_memory()
    settings = Settings(stiffness_morning=False)
    controller = Controller(
        clock, Scheduler(clock, settings), store, FakeIdle(0), FakeSession(), FakePresenting()
    )
    window = StatusWindow(controller, settings)
    qtbot.addWidget(window)
    window.show()
    controller.start()
    clock.advance(75 * 60)
    controller.tick()
    controller.log_water(300)
    controller.log_stiffness(4, None, "")
    window.update_status(controller.snapshot())
    assert window.fields["water"].text() == "300 of 2000 ml"
    assert window.fields["stiffness"].text() == "4 / -"
    assert window.now.text().startswith("Sitting for 75 min")
    controller.shutdown()
    window.update_status(controller.snapshot())
    assert window.fields["sitting"].text() == "1 h 15 min"
    assert window.fields["sessions"].text() == "1"
    assert all(w.accessibleName() for w in window.fields.values())


def test_when_to_see_a_doctor_is_a_real_button_the_keyboard_reaches(qtbot):
    clock = FakeClock.at("2026-11-23T09:00")
    settings = Settings(stiffness_morning=False)
    controller = Controller(
        clock,
        Scheduler(clock, settings),
        Store.in_memory(),
        FakeIdle(0),
        FakeSession(),
        FakePresenting(),
    )
    window = StatusWindow(controller, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    safety = window.safety
    assert not safety.isFlat()  # drawn as a button, not as plain text
    assert safety.text().startswith("When to see a doctor")
    assert safety.accessibleDescription()
    assert safety.focusPolicy() & Qt.FocusPolicy.TabFocus
    # Tab from the last action button lands on it, and Space presses it.
    settings_button = next(
        b for b in window.findChildren(QPushButton) if b.accessibleName() == "Open settings"
    )
    assert settings_button.nextInFocusChain() is safety
    with qtbot.waitActive(window):
        window.activateWindow()
    safety.setFocus(Qt.FocusReason.TabFocusReason)
    asked: list[bool] = []
    window.safety_requested.connect(lambda: asked.append(True))
    qtbot.keyClick(safety, Qt.Key.Key_Space)
    assert asked == [True]
