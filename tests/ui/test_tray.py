"""The tray icon and menu."""

from __future__ import annotations

from datetime import timedelta

import pytest

from posture_app.core.model import Kind, Prompt
from posture_app.core.scheduler import Presence, Snapshot
from posture_app.ui.tray import IconState, Tray, draw_icon, icon_state, status_text
from tests.fakes import local

NOW = local("2026-11-23T10:00")


def snap(**kw) -> Snapshot:
    base = dict(
        at=NOW, presence=Presence.PRESENT, session_start=NOW - timedelta(minutes=45),
        sitting_seconds=45 * 60, next_kind=Kind.POSTURE, next_due=NOW + timedelta(minutes=5),
        open_prompts=(), paused_until=None,
    )  # fmt: skip
    return Snapshot(**(base | kw))


def pixels(state: IconState, minutes: int | None = None) -> bytes:
    image = draw_icon(state, minutes).pixmap(32, 32).toImage()
    return bytes(image.constBits())


def test_each_state_has_its_own_icon(qtbot):
    drawn = {state: pixels(state) for state in IconState}
    assert len(set(drawn.values())) == len(IconState)
    assert pixels(IconState.SITTING, 12) != pixels(IconState.SITTING, 13)


@pytest.mark.parametrize(
    ("kw", "state"),
    [
        ({}, IconState.SITTING),
        ({"presence": Presence.AWAY}, IconState.AWAY),
        ({"paused_until": NOW + timedelta(hours=1)}, IconState.PAUSED),
        ({"open_prompts": (Prompt("p", Kind.BREAK, NOW),)}, IconState.BREAK_DUE),
    ],
)
def test_icon_state(kw, state):
    assert icon_state(snap(**kw)) is state


def test_status_line_says_how_long_and_what_is_next():
    assert status_text(snap(), NOW) == "Sitting for 45 min · posture check in 5 min"
    paused = snap(paused_until=local("2026-11-23T11:30"))
    assert status_text(paused, NOW) == "Paused until 11:30"
    due = snap(open_prompts=(Prompt("p", Kind.BREAK, NOW),))
    assert status_text(due, NOW) == "Sitting for 45 min · movement break now"
    assert status_text(snap(presence=Presence.AWAY, session_start=None), NOW) == "Away"


def test_menu_actions_emit_their_signals(qtbot):
    tray = Tray()
    got: list[object] = []
    for name in (
        "break_now",
        "log_stiffness",
        "log_water",
        "resume",
        "open_window",
        "open_settings",
        "quit",
    ):
        getattr(tray, name).connect(lambda *a, n=name: got.append(n))
    tray.pause.connect(lambda span: got.append(("pause", span)))
    texts = {a.text(): a for a in tray.menu.actions()}
    for text in (
        "Take a break now",
        "Log stiffness…",
        "Log a glass of water",
        "Open posture-app",
        "Settings…",
        "Quit",
    ):
        texts[text].trigger()
    pauses = {a.text(): a for a in tray.pause_menu.actions()}
    pauses["For 1 hour"].trigger()
    pauses["Until tomorrow"].trigger()
    assert got == [
        "break_now", "log_stiffness", "log_water", "open_window", "open_settings", "quit",
        ("pause", timedelta(hours=1)), ("pause", None),
    ]  # fmt: skip


def test_update_swaps_pause_for_resume_and_shows_water(qtbot):
    tray = Tray()
    tray.update(snap(paused_until=NOW + timedelta(hours=1)), NOW, with_minutes=False)
    assert tray.resume_action.isVisible()
    assert not tray.pause_menu.menuAction().isVisible()
    assert tray.status.text() == "Paused until 11:00"
    tray.show_water(750, 2000)
    assert tray.water.text() == "Log a glass of water (750 of 2000 ml today)"


def test_pause_until_tomorrow_says_so():
    midnight = local("2026-11-24T00:00")
    assert status_text(snap(paused_until=midnight), NOW) == "Paused until tomorrow"


@pytest.mark.parametrize(
    ("minutes", "label"), [(0, "0"), (7, "7"), (99, "99"), (100, "1h"), (185, "3h"), (2000, "9h")]
)
def test_the_icon_shows_at_most_two_characters(minutes, label):
    from posture_app.ui.tray import icon_label

    assert icon_label(minutes) == label


def test_a_double_click_opens_one_window_not_two(qtbot):
    from PySide6.QtWidgets import QSystemTrayIcon

    tray = Tray()
    opened: list[bool] = []
    tray.open_window.connect(lambda: opened.append(True))
    for reason in (
        QSystemTrayIcon.ActivationReason.Trigger,
        QSystemTrayIcon.ActivationReason.DoubleClick,
    ):
        tray.icon.activated.emit(reason)  # what Qt sends for a double-click
    assert opened == [True]
