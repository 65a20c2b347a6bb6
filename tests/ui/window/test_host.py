"""The window's process between opens: ready before it is asked, kept a while after it closes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from posture_app.core.model import WaterLog
from posture_app.core.settings import Settings
from posture_app.core.stats import IsoWeek
from posture_app.core.store import Store
from posture_app.ui.instance import SingleInstance
from posture_app.ui.window.host import WindowHost
from posture_app.ui.window.main_window import MainWindow, Tab
from tests.fakes import FakeClock, uid

ROOT = Path(__file__).resolve().parents[3]
NOW = "2026-11-25T12:00"  # a Wednesday of week 48


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock.at(NOW)


@pytest.fixture
def db(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Store, Path]]:
    """The window's connection to a database file, and the file (for the tray app's own)."""
    path = tmp_path / "data" / "posture.sqlite3"
    store = Store.open(path, now=clock.now())
    yield store, path
    store.close()


class Made:
    """A window, its host and what the host did."""

    def __init__(
        self, qtbot, store: Store, clock: FakeClock, tmp_path: Path, window_kw=None, **kw
    ) -> None:
        self.quits = 0
        self.settings = Settings()
        self.window = MainWindow(store, self.settings, clock, tmp_path, **(window_kw or {}))
        qtbot.addWidget(self.window)
        self.host = WindowHost(
            self.window, settings=lambda: self.settings, quit_app=self._quit, **kw
        )

    def _quit(self) -> None:
        self.quits += 1


@pytest.fixture
def made(qtbot, db, clock, tmp_path) -> Made:
    return Made(qtbot, db[0], clock, tmp_path, linger_s=300)


def water_chart(window: MainWindow) -> dict[str, tuple[float | None, ...]]:
    assert window.week_view is not None
    return window.week_view.charts[2].plotted()


def test_getting_ready_leaves_the_window_hidden_and_waiting(made: Made) -> None:
    made.host.wait_hidden()
    assert not made.window.isVisible()
    assert made.host.linger_timer.isActive()  # unasked, it goes in the end
    assert made.host.linger_timer.interval() == 300_000
    assert made.window.grab().width() > 0


def test_asked_it_shows_the_window_and_stops_waiting(qtbot, made: Made) -> None:
    made.host.wait_hidden()
    with qtbot.waitSignal(made.host.showing):
        made.host.show_window()
    assert made.window.isVisible()
    handle = made.window.windowHandle()
    assert handle is not None
    assert handle.isVisible()  # on the screen, not only shown off it as when it got ready
    assert not made.host.linger_timer.isActive()
    assert made.quits == 0


def test_closed_it_lingers_then_quits(qtbot, made: Made) -> None:
    made.host.show_window()
    qtbot.waitExposed(made.window)
    made.window.close_action.trigger()  # Ctrl+W
    assert not made.window.isVisible()
    assert made.host.linger_timer.isActive()
    assert made.quits == 0
    made.host.linger_timer.timeout.emit()  # the five minutes are up
    assert made.quits == 1


def test_with_no_linger_closing_quits_at_once(qtbot, db, clock, tmp_path) -> None:
    made = Made(qtbot, db[0], clock, tmp_path, linger_s=0)
    made.host.show_window()
    made.window.close()
    assert made.quits == 1
    assert not made.host.linger_timer.isActive()


def test_when_the_tray_goes_a_hidden_window_goes_at_once(made: Made) -> None:
    made.host.wait_hidden()
    made.host.tray_gone()
    assert made.quits == 1
    assert not made.host.linger_timer.isActive()


def test_when_the_tray_goes_a_closed_window_stops_lingering(qtbot, made: Made) -> None:
    made.host.show_window()
    made.window.close()
    assert made.host.linger_timer.isActive()
    made.host.tray_gone()
    assert made.quits == 1
    assert not made.host.linger_timer.isActive()  # so it cannot quit a second time


def test_when_the_tray_goes_a_shown_window_stays_until_it_closes(qtbot, made: Made) -> None:
    made.host.show_window()
    qtbot.waitExposed(made.window)
    made.host.tray_gone()
    assert made.window.isVisible()  # the reader is not cut off
    assert made.quits == 0
    made.window.close_action.trigger()
    assert made.quits == 1  # no lingering: nobody would ask for it again
    assert not made.host.linger_timer.isActive()


def test_shown_again_it_is_a_new_window_with_todays_data_and_settings(
    qtbot, made: Made, db, clock
) -> None:
    _store, path = db
    made.host.show_window()
    made.window.show_tab(Tab.HISTORY)
    made.window.set_week(IsoWeek(2026, 40))
    made.window.close()
    # Meanwhile the tray app records a glass and the user sets a new water goal.
    tray = Store.open(path, now=clock.now())
    tray.add_water(WaterLog(uid(1), clock.now() - timedelta(minutes=5), 300))
    tray.close()
    made.settings = Settings(water_goal_ml=3000)
    made.host.show_window()
    assert made.window.isVisible()
    assert made.window.tab is Tab.WEEK
    assert made.window.week == IsoWeek(2026, 48)
    water = water_chart(made.window)
    assert water["Water"] == (0, 0, 300, 0, 0, 0, 0)
    assert set(water["Daily goal"]) == {3000}


def test_first_shown_it_keeps_the_week_and_tab_it_was_opened_with(qtbot, db, clock, tmp_path):
    opened_with = {"week": IsoWeek(2026, 40), "tab": Tab.TRENDS}  # --week 2026-W40 --tab trends
    made = Made(qtbot, db[0], clock, tmp_path, window_kw=opened_with, linger_s=300)
    made.host.show_window()
    assert (made.window.week, made.window.tab) == (IsoWeek(2026, 40), Tab.TRENDS)
    made.window.close()
    made.host.show_window()
    assert (made.window.week, made.window.tab) == (IsoWeek(2026, 48), Tab.WEEK)  # a new window


def test_ready_on_sunday_night_it_shows_mondays_week(qtbot, db, tmp_path) -> None:
    sunday = FakeClock.at("2026-11-29T23:58")
    made = Made(qtbot, db[0], sunday, tmp_path, linger_s=300)
    other = Made(qtbot, db[0], sunday, tmp_path, window_kw={"week": IsoWeek(2026, 40)}, linger_s=1)
    made.host.wait_hidden()
    assert made.window.week == IsoWeek(2026, 48)
    sunday.advance(timedelta(minutes=5))  # the menu opened before midnight, Open came after
    made.host.show_window()
    other.host.show_window()
    assert made.window.week == IsoWeek(2026, 49)
    assert other.window.week == IsoWeek(2026, 40)  # a week chosen stays chosen


def test_settings_that_cannot_be_read_keep_the_ones_before(qtbot, db, clock, tmp_path) -> None:
    db[0].add_water(WaterLog(uid(1), clock.now() - timedelta(minutes=5), 300))
    made = Made(qtbot, db[0], clock, tmp_path, linger_s=300)
    made.host = WindowHost(made.window, linger_s=300, settings=lambda: None, quit_app=made._quit)
    made.host.show_window()
    made.window.close()
    made.host.show_window()
    assert set(water_chart(made.window)["Daily goal"]) == {Settings().water_goal_ml}


def test_asked_while_open_it_only_comes_forward(qtbot, made: Made) -> None:
    made.host.show_window()
    made.window.show_tab(Tab.HISTORY)
    with qtbot.assertNotEmitted(made.host.showing):
        made.host.show_window()
    assert made.window.tab is Tab.HISTORY  # what the user was looking at stays


def test_closing_closes_the_safety_note_too(qtbot, made: Made) -> None:
    made.host.show_window()
    made.window.show_safety_note()
    assert made.window.safety_dialog is not None
    assert made.window.safety_dialog.isVisible()
    made.window.close()
    assert not made.window.safety_dialog.isVisible()


def test_a_request_waiting_when_time_is_up_shows_the_window(qtbot, db, clock, tmp_path) -> None:
    single = SingleInstance(tmp_path / "data" / "window")
    assert single.listen()
    made = Made(qtbot, db[0], clock, tmp_path, linger_s=300, single=single)
    made.host.wait_hidden()
    assert SingleInstance(tmp_path / "data" / "window").ask_running()  # waits in the socket
    made.host.linger_over()
    assert made.window.isVisible()
    assert made.quits == 0
    assert SingleInstance(tmp_path / "data" / "window").is_running()  # still listening
    single.close()


def test_when_time_is_up_the_socket_closes_before_it_quits(qtbot, db, clock, tmp_path) -> None:
    single = SingleInstance(tmp_path / "data" / "window")
    assert single.listen()
    made = Made(qtbot, db[0], clock, tmp_path, linger_s=300, single=single)
    made.host.wait_hidden()
    made.host.linger_over()
    assert made.quits == 1
    assert not SingleInstance(tmp_path / "data" / "window").is_running()  # a launch starts anew


def test_asking_whether_one_runs_does_not_show_it(qtbot, tmp_path) -> None:
    running = SingleInstance(tmp_path / "window")
    assert running.listen()
    with qtbot.assertNotEmitted(running.show_requested, wait=100):
        assert SingleInstance(tmp_path / "window").is_running()
        assert not SingleInstance(tmp_path / "window").listen(show_running=False)
        running.accept_pending()
    with qtbot.waitSignal(running.show_requested):
        assert SingleInstance(tmp_path / "window").ask_running()
        running.accept_pending()
    running.close()
    assert not SingleInstance(tmp_path / "window").is_running()


# --- the process ------------------------------------------------------------------------------


def start_window(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("POSTURE_APP_QUIT_AFTER_SHOW", None)
    return subprocess.Popen(
        [sys.executable, "-m", "posture_app.ui.window", "--basedir", str(tmp_path), *args],
        stdin=subprocess.PIPE,  # the tray app holds the other end
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def test_a_hidden_window_process_shows_when_asked(tmp_path) -> None:
    process = start_window(tmp_path, "--hidden", "--print-paints")
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().split()
        assert ready[0] == "ready", process.stderr.read() if process.stderr else ""
        # Another hidden start finds it and leaves without showing it.
        again = start_window(tmp_path, "--hidden", "--print-paints")
        out, err = again.communicate(timeout=60)
        assert (again.returncode, out, err) == (0, "", "")
        assert SingleInstance(tmp_path / "data" / "window").ask_running()  # as the tray does
        shown = process.stdout.readline().split()
        assert shown[0] == "shown"
        assert float(shown[1]) > float(ready[1])
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def waiting_with_a_tray(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A window process as the tray gets one ready (--hidden --with-tray), once ready."""
    process = start_window(tmp_path, "--hidden", "--with-tray", "--print-paints")
    try:
        assert process.stdout is not None
        assert process.stdin is not None
        ready = process.stdout.readline().split()
        assert ready[0] == "ready", process.stderr.read() if process.stderr else ""
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)


@pytest.mark.skipif(os.name != "posix", reason="--with-tray watches a pipe: POSIX only")
def test_a_window_process_made_ready_goes_when_its_tray_does(tmp_path) -> None:
    with waiting_with_a_tray(tmp_path) as process:
        assert SingleInstance(tmp_path / "data" / "window").is_running()
        process.stdin.close()  # as when the tray app ends, even killed
        assert process.wait(timeout=60) == 0
        assert not SingleInstance(tmp_path / "data" / "window").is_running()


@pytest.mark.skipif(os.name != "posix", reason="--with-tray watches a pipe: POSIX only")
def test_a_shown_window_stays_when_its_tray_goes(tmp_path) -> None:
    with waiting_with_a_tray(tmp_path) as process:
        assert SingleInstance(tmp_path / "data" / "window").ask_running()
        assert process.stdout.readline().split()[0] == "shown"
        process.stdin.close()
        assert process.stdout.readline().split()[0] == "tray-gone"
        assert process.poll() is None  # the reader is not cut off
