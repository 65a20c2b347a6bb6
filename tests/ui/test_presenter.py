"""The presenter: prompts become widgets, answers go back, notifications find a way."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from posture_app.core.model import Kind, Outcome
from posture_app.core.scheduler import Scheduler
from posture_app.core.settings import Insistence, Settings
from posture_app.core.store import Store
from posture_app.ui.controller import Controller
from posture_app.ui.presenter import Notifier, Presenter
from posture_app.ui.prompts import ExerciseWindow, PostureToast, StiffnessDialog
from posture_app.ui.tray import Tray
from tests.fakes import FakeClock, FakeIdle, FakePresenting, FakeSession

ROOT_RESOURCES = __import__("pathlib").Path(__file__).resolve().parents[2] / "resources"
ONLY = dict(stiffness_morning=False, stiffness_evening=False)


@pytest.fixture
def rig(qtbot):
    class Rig:
        def __init__(self, settings: Settings) -> None:
            self.clock = FakeClock.at("2026-11-23T09:00")
            self.store = Store.in_memory()
            self.scheduler = Scheduler(self.clock, settings, self.store.has_rating)
            self.controller = Controller(
                self.clock, self.scheduler, self.store, FakeIdle(0), FakeSession(), FakePresenting()
            )
            self.tray = Tray()
            self.presenter = Presenter(self.controller, self.tray, settings, ROOT_RESOURCES)
            self.controller.start()

        def minutes(self, n: float) -> None:
            self.clock.advance(n * 60)
            self.controller.tick()

        def widgets(self):
            return list(self.presenter.open_widgets.values())

    made: list[Rig] = []

    def make(**kw) -> Rig:
        made.append(Rig(Settings(**(ONLY | kw))))
        return made[-1]

    yield make
    for r in made:
        for w in r.widgets():
            w.withdraw()
        r.controller.shutdown()


def test_each_kind_gets_its_widget(rig):
    r = rig(eyes_enabled=True, hydration_minutes=20)
    r.minutes(20)  # posture, eye rest and water fall due together at 09:20
    assert sorted(type(w).__name__ for w in r.widgets()) == [
        "ExerciseWindow",
        "HydrationToast",
        "PostureToast",
    ]
    r.minutes(10)  # unanswered for 10 minutes: taken down; the stretch is due now
    assert [type(w).__name__ for w in r.widgets()] == ["ExerciseWindow"]


def test_toasts_due_together_do_not_overlap(rig):
    r = rig(hydration_minutes=20, stretch_enabled=False, break_enabled=False)
    r.minutes(20)
    a, b = r.widgets()
    assert not a.frameGeometry().intersects(b.frameGeometry())


def test_an_answer_in_a_widget_reaches_the_store_once(rig, qtbot):
    r = rig(stretch_enabled=False, break_enabled=False, hydration_enabled=False)
    r.minutes(20)
    (toast,) = r.widgets()
    assert isinstance(toast, PostureToast)
    qtbot.keyClick(toast, Qt.Key.Key_Return)
    (stored,) = r.store.records().prompts
    assert stored.outcome is Outcome.DONE
    assert r.widgets() == []


def test_a_prompt_that_expires_is_taken_down_without_a_second_outcome(rig):
    r = rig(posture_enabled=False, break_enabled=False, hydration_enabled=False)
    r.minutes(30)
    (window,) = r.widgets()
    assert isinstance(window, ExerciseWindow)
    r.minutes(11)  # nobody answered: the core records it as ignored
    assert r.widgets() == []
    assert [p.outcome for p in r.store.records().prompts] == [Outcome.IGNORED]


def test_firm_posture_checks_stay_until_answered(rig):
    r = rig(
        insistence=Insistence.FIRM,
        stretch_enabled=False,
        break_enabled=False,
        hydration_enabled=False,
    )
    r.minutes(20)
    (toast,) = r.widgets()
    assert toast.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    for _ in range(600):
        toast.tick()
    assert toast.isVisible()


@pytest.mark.parametrize("tray", [True, False])
def test_gentle_prompts_are_notifications_and_a_tray_click_marks_them_done(rig, monkeypatch, tray):
    r = rig(
        insistence=Insistence.GENTLE,
        stretch_enabled=False,
        break_enabled=False,
        hydration_enabled=False,
    )
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(r.presenter._notifier, "tray_can_show", lambda: tray)
    monkeypatch.setattr(r.presenter._notifier, "notify", lambda t, x: said.append((t, x)) or "tray")
    r.minutes(20)
    assert r.widgets() == []
    assert said[0][0] == "Posture check"
    assert ("Click to mark it done" in said[0][1]) is tray
    r.presenter.notify("Settings", "something else")  # a click on this answers nothing...
    r.tray.icon.messageClicked.emit()
    assert [p.outcome for p in r.store.records().prompts] == [None]
    r.minutes(30)  # ...the next gentle prompt (09:50) does, when the tray shows its message
    r.tray.icon.messageClicked.emit()
    outcomes = [p.outcome for p in r.store.records().prompts]
    assert (Outcome.DONE in outcomes) is tray


def test_the_rating_from_the_menu_is_one_dialog_that_logs_a_rating(rig, qtbot):
    r = rig()
    rated: list[tuple] = []
    r.presenter.rated.connect(lambda *a: rated.append(a))
    r.presenter.ask_stiffness(None)
    r.presenter.ask_stiffness(None)  # a second pick raises the same dialog
    (dialog,) = r.widgets()
    assert isinstance(dialog, StiffnessDialog)
    qtbot.keyClick(dialog, Qt.Key.Key_3)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert [a[0] for a in rated] == [3]
    assert r.widgets() == []


def test_the_morning_prompt_is_done_by_the_rating(rig, qtbot):
    clock_settings = dict(stiffness_morning=True)
    r = rig(
        posture_enabled=False,
        stretch_enabled=False,
        break_enabled=False,
        hydration_enabled=False,
        **clock_settings,
    )
    r.presenter.rated.connect(
        lambda score, area, note: r.controller.log_stiffness(score, area, note)
    )
    (dialog,) = r.widgets()
    qtbot.keyClick(dialog, Qt.Key.Key_2)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    records = r.store.records()
    assert [s.score for s in records.stiffness] == [2]
    assert [(p.kind, p.outcome) for p in records.prompts] == [(Kind.STIFFNESS, Outcome.DONE)]


def test_notifier_falls_back_and_logs_a_broken_way_once(qtbot, monkeypatch, caplog):
    tray = Tray()  # not shown: no tray message
    notifier = Notifier(tray)

    def broken(*_a):
        raise NotImplementedError("no notification backend")

    monkeypatch.setattr(notifier, "_by_plyer", broken)
    with caplog.at_level(logging.WARNING):
        assert notifier.notify("Hello", "one") == "toast"
        assert notifier.notify("Hello", "two") == "toast"
    assert sum("plyer failed" in r.message for r in caplog.records) == 1
    one, two = notifier.notices
    assert not one.frameGeometry().intersects(two.frameGeometry())  # stacked, not on top
    for notice in notifier.notices:
        notice.close()


def _no_plyer(notifier: Notifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """No desktop notification service here: the notifier falls back to its in-app notice."""
    monkeypatch.setattr(notifier, "_by_plyer", lambda _title, _text: False)


def test_a_notice_and_prompt_toasts_stack_without_overlap(rig, monkeypatch):
    r = rig(hydration_minutes=20, stretch_enabled=False, break_enabled=False)
    _no_plyer(r.presenter._notifier, monkeypatch)
    r.minutes(20)  # a posture check and water: two toasts
    assert r.presenter.notify("Settings not saved", "The file is from a newer version.") == "toast"
    (notice,) = r.presenter._notifier.notices
    toasts = r.widgets()
    assert len(toasts) == 2
    assert notice.isVisible()
    rects = [w.frameGeometry() for w in [*toasts, notice]]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b)
    # The notice came last: it sits on top; when it goes, nothing moves below it.
    assert notice.frameGeometry().bottom() < min(t.frameGeometry().top() for t in toasts)
    lower = [t.frameGeometry() for t in toasts]
    notice.close()
    assert [t.frameGeometry() for t in toasts] == lower


def test_a_prompt_toast_after_a_notice_goes_above_it_and_moves_down_when_it_goes(rig, monkeypatch):
    r = rig(stretch_enabled=False, break_enabled=False)
    _no_plyer(r.presenter._notifier, monkeypatch)
    r.presenter.notify("Hello", "A notice first.")
    (notice,) = r.presenter._notifier.notices
    r.minutes(20)  # a posture check
    (toast,) = r.widgets()
    assert not toast.frameGeometry().intersects(notice.frameGeometry())
    assert toast.frameGeometry().bottom() < notice.frameGeometry().top()
    notice_bottom = notice.frameGeometry().bottom()
    r.presenter._notifier._drop(notice)  # its time is up
    assert r.presenter._notifier.notices == ()
    assert toast.frameGeometry().bottom() == notice_bottom


class CountingChime:
    name = "test"

    def __init__(self) -> None:
        self.plays = 0

    def play(self) -> None:
        self.plays += 1


@pytest.mark.parametrize(("sound", "plays"), [(True, 1), (False, 0)])
def test_a_prompt_chimes_only_when_sound_is_on(qtbot, sound, plays):
    clock = FakeClock.at("2026-11-23T09:00")
    store = Store.in_memory()
    settings = Settings(
        sound=sound, stretch_enabled=False, break_enabled=False, hydration_enabled=False, **ONLY
    )
    controller = Controller(
        clock, Scheduler(clock, settings), store, FakeIdle(0), FakeSession(), FakePresenting()
    )
    chime = CountingChime()
    presenter = Presenter(controller, Tray(), settings, ROOT_RESOURCES, chime=chime)
    controller.start()
    clock.advance(20 * 60)
    controller.tick()
    assert chime.plays == plays
    for widget in presenter.open_widgets.values():
        widget.withdraw()
    controller.shutdown()


def test_answered_prompts_are_freed(rig, qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    r = rig(hydration_minutes=20, stretch_enabled=False, break_enabled=False)
    before = len(QApplication.topLevelWidgets())
    for _ in range(3):
        r.minutes(20)
        for widget in r.widgets():
            qtbot.keyClick(widget, Qt.Key.Key_Return)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(QApplication.topLevelWidgets()) <= before


def test_the_stiffness_prompt_has_no_second_by_second_timer(rig):
    r = rig(
        posture_enabled=False,
        stretch_enabled=False,
        break_enabled=False,
        hydration_enabled=False,
        stiffness_morning=True,
    )
    (dialog,) = r.widgets()
    assert not dialog.timer.isActive()
    r.minutes(11)  # the scheduler's expiry takes it down
    assert r.widgets() == []


def test_prompts_due_together_chime_once_and_a_later_one_chimes_again(qtbot):
    clock = FakeClock.at("2026-11-23T09:00")
    settings = Settings(sound=True, eyes_enabled=True, hydration_minutes=20, **ONLY)
    controller = Controller(
        clock, Scheduler(clock, settings), Store.in_memory(), FakeIdle(0), FakeSession(),
        FakePresenting(),
    )  # fmt: skip
    chime = CountingChime()
    presenter = Presenter(controller, Tray(), settings, ROOT_RESOURCES, chime=chime)
    controller.start()
    clock.advance(20 * 60)
    controller.tick()
    assert len(presenter.open_widgets) >= 3  # posture, eye rest and water at 09:20
    assert chime.plays == 1
    for prompt_id in presenter.open_widgets:
        controller.respond(prompt_id, Outcome.DONE)
    clock.advance(20 * 60)  # the next posture check, long after the first chime
    controller.tick()
    assert presenter.open_widgets
    assert chime.plays == 2
    for widget in presenter.open_widgets.values():
        widget.withdraw()
    controller.shutdown()


def test_the_presenter_loads_no_prompt_widgets_until_a_prompt():
    import subprocess
    import sys

    code = (
        "import sys; import posture_app.ui.presenter, posture_app.ui.app; "
        "print(sorted(m for m in ('posture_app.ui.prompts', 'posture_app.ui.look', "
        "'posture_app.core.content', 'PySide6.QtSvg', 'PySide6.QtNetwork', 'hashlib', "
        "'logging.handlers', 'plistlib', 'posture_app.cli', 'subprocess', 'html', 'uuid', "
        "'platform', 'getpass') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
