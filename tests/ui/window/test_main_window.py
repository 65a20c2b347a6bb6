"""The main window: tabs, week navigation, lazy computing, exports, the report, its own process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton, QStyle, QStyleOptionButton, QWidget

from posture_app.core import exchange
from posture_app.core.content import SAFETY_NOTE
from posture_app.core.insights import insights_for
from posture_app.core.model import (
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    StiffnessRating,
    WaterLog,
)
from posture_app.core.settings import Settings
from posture_app.core.stats import IsoWeek, week_summary, weekly_series
from posture_app.core.store import Records, Store
from posture_app.ui.window import main_window
from posture_app.ui.window.main_window import (
    WATCH_INTERVAL_MS,
    MainWindow,
    Tab,
    date_range_text,
    week_title,
    week_title_spoken,
)
from posture_app.ui.window.trends_view import trend_charts
from posture_app.ui.window.week_view import headline_values, week_charts
from tests.fakes import BERLIN, FakeClock, local, plain, uid

ROOT = Path(__file__).resolve().parents[3]
NOW = "2026-11-25T12:00"  # a Wednesday
THIS_WEEK = IsoWeek(2026, 48)  # 23 to 29 November 2026
#: Data from Monday of week 36 up to today.
FIRST_DAY = date(2026, 8, 31)
#: The water log deleted in the History test: Monday of this week, 11:00.
MONDAY_WATER = uid(900_001)


def sitting_minutes(i: int) -> int:
    """Day i's one session: between 2 h 30 and 5 h 50, varying from day to day."""
    return 150 + (i * 37) % 200


def fill(store: Store, today: date) -> None:
    """Weekdays from FIRST_DAY up to yesterday: a session, prompts, water, an evening rating.

    Evenings after longer sitting are stiffer, so the insights have something to say. Today has
    a morning rating and a glass of water.
    """
    n = 0
    day, i = FIRST_DAY, 0
    while day < today:
        if day.weekday() < 5:
            start = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN).replace(hour=9)
            minutes = sitting_minutes(i)
            end = start + timedelta(minutes=minutes)
            store.save_session(Session(uid(n := n + 1), start, end, ((start, end),), minutes * 60))
            store.add_natural_break(NaturalBreak(uid(n := n + 1), end, end + timedelta(minutes=30)))
            for k, (kind, outcome) in enumerate(
                ((Kind.BREAK, Outcome.DONE), (Kind.POSTURE, Outcome.SNOOZED if i % 3 else None))
            ):
                shown = start + timedelta(minutes=60 + 20 * k)
                store.save_prompt(
                    Prompt(
                        uid(n := n + 1),
                        kind,
                        shown,
                        outcome,
                        shown + timedelta(minutes=1) if outcome else None,
                    )
                )
            water_id = MONDAY_WATER if day == THIS_WEEK.monday else uid(n := n + 1)
            store.add_water(WaterLog(water_id, start.replace(hour=11), 250 * (1 + i % 4)))
            score = 2 + minutes // 60  # 4 to 7: longer days, stiffer evenings
            store.add_stiffness(StiffnessRating(uid(n := n + 1), start.replace(hour=19), score))
            i += 1
        day += timedelta(days=1)
    store.add_stiffness(StiffnessRating(uid(n := n + 1), local(f"{today}T08:00"), 3))
    store.add_water(WaterLog(uid(n + 1), local(f"{today}T09:30"), 300))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock.at(NOW)


@pytest.fixture
def store(clock: FakeClock) -> Iterator[Store]:
    s = Store.in_memory()
    fill(s, clock.now().date())
    yield s
    s.close()


def open_window(qtbot, store: Store, clock: FakeClock, tmp_path: Path, **kw) -> MainWindow:
    window = MainWindow(store, Settings(), clock, tmp_path, **kw)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, store: Store, clock: FakeClock, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, store, clock, tmp_path)


def headline(window: MainWindow) -> dict[str, str]:
    assert window.week_view is not None
    return {key: h.value.text() for key, h in window.week_view.headline.items()}


def shows_week(window: MainWindow, store: Store, week: IsoWeek) -> None:
    """The window's week tab shows exactly the core's numbers and charts for `week`."""
    summary = week_summary(store, week)
    assert window.week == week
    assert window.title.text() == week_title(week)
    assert headline(window) == headline_values(summary.totals)
    assert window.week_view is not None
    shown = [chart.spec for chart in window.week_view.charts]
    assert shown == list(week_charts(summary, window.goals))


def press(qtbot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window, key, modifier)


def activate(qtbot, window: QWidget) -> None:
    with qtbot.waitActive(window):  # a context manager: it waits on leaving the block
        window.activateWindow()


# --- opening ----------------------------------------------------------------------------------


def test_it_opens_on_this_week_with_its_numbers(window: MainWindow, store: Store) -> None:
    assert window.tab is Tab.WEEK
    assert window.tab_bar.currentIndex() == 0
    shows_week(window, store, THIS_WEEK)
    assert headline(window)["breaks_done"] == "2"  # Monday and Tuesday
    assert window.title.text() == "Week 48 · 23–29 November 2026"
    assert not window.next_button.isEnabled()
    assert not window.today_button.isEnabled()
    assert window.prev_button.isEnabled()
    # The other tabs are neither built nor computed until shown.
    assert (window.trends_view, window.insights_view, window.history_view) == (None, None, None)


def test_it_is_a_sensible_size_with_margins(window: MainWindow) -> None:
    assert (window.width(), window.height()) == main_window.DEFAULT_SIZE
    left = window.tab_bar.mapTo(window, window.tab_bar.rect().topLeft()).x()
    assert left == main_window.look.MARGIN_PX


def test_it_can_open_on_another_week_and_tab(qtbot, store, clock, tmp_path) -> None:
    window = open_window(qtbot, store, clock, tmp_path, week=IsoWeek(2026, 40), tab=Tab.TRENDS)
    assert window.tab is Tab.TRENDS
    assert window.week == IsoWeek(2026, 40)
    assert window.week_view is None  # not shown, not built
    assert window.trends_view is not None
    assert window.trends_view.charts


def test_a_week_after_this_one_is_never_shown(qtbot, store, clock, tmp_path) -> None:
    window = open_window(qtbot, store, clock, tmp_path, week=IsoWeek(2027, 2))
    assert window.week == THIS_WEEK
    window.set_week(IsoWeek(2026, 50))
    assert window.week == THIS_WEEK


# --- navigation -------------------------------------------------------------------------------


def test_a_new_users_first_look_gets_the_empty_note_not_empty_charts(qtbot, tmp_path) -> None:
    # Seconds after the very first start, the store holds the session the tray just began.
    clock = FakeClock.at("2026-11-25T09:00:20")
    store = Store.in_memory()
    begun = clock.now() - timedelta(seconds=20)
    store.save_session(Session(uid(1), begun, None, ((begun, clock.now()),), 20.0))
    window = open_window(qtbot, store, clock, tmp_path)
    assert window.week_view is not None
    assert window.week_view.pages.showing_empty()
    assert "Nothing recorded in week 48 yet." in window.week_view.pages.empty.text()


def test_on_an_empty_monday_last_weeks_charts_are_ready(qtbot, tmp_path) -> None:
    clock = FakeClock.at("2026-11-30T08:00")  # Monday of week 49: nothing recorded yet
    store = Store.in_memory()
    fill(store, date(2026, 11, 29))  # up to Sunday
    window = open_window(qtbot, store, clock, tmp_path)
    assert window.week_view is not None
    assert window.week_view.pages.showing_empty()
    qtbot.waitUntil(lambda: len(window.week_view.charts) == 4)
    ready = [chart.plotted() for chart in window.week_view.charts]
    built = list(window.week_view.charts)
    window.previous_week()
    assert window.week_view.charts == built
    assert [chart.plotted() for chart in window.week_view.charts] == ready
    shows_week(window, store, IsoWeek(2026, 48))
    store.close()


def test_buttons_move_between_weeks(qtbot, window: MainWindow, store: Store) -> None:
    qtbot.mouseClick(window.prev_button, Qt.MouseButton.LeftButton)
    shows_week(window, store, IsoWeek(2026, 47))
    assert window.next_button.isEnabled()
    assert window.today_button.isEnabled()
    qtbot.mouseClick(window.prev_button, Qt.MouseButton.LeftButton)
    shows_week(window, store, IsoWeek(2026, 46))
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    shows_week(window, store, IsoWeek(2026, 47))
    qtbot.mouseClick(window.today_button, Qt.MouseButton.LeftButton)
    shows_week(window, store, THIS_WEEK)
    assert not window.next_button.isEnabled()


def test_keys_move_between_weeks(qtbot, window: MainWindow, store: Store) -> None:
    activate(qtbot, window)
    alt = Qt.KeyboardModifier.AltModifier
    press(qtbot, window, Qt.Key.Key_Left, alt)
    press(qtbot, window, Qt.Key.Key_Left, alt)
    press(qtbot, window, Qt.Key.Key_Left, alt)
    shows_week(window, store, IsoWeek(2026, 45))
    press(qtbot, window, Qt.Key.Key_Right, alt)
    shows_week(window, store, IsoWeek(2026, 46))
    press(qtbot, window, Qt.Key.Key_Home)
    shows_week(window, store, THIS_WEEK)
    press(qtbot, window, Qt.Key.Key_Right, alt)  # Next is off at this week
    shows_week(window, store, THIS_WEEK)
    press(qtbot, window, Qt.Key.Key_Left, alt)
    press(qtbot, window, Qt.Key.Key_Home, alt)
    shows_week(window, store, THIS_WEEK)


def test_keys_move_between_tabs(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    ctrl = Qt.KeyboardModifier.ControlModifier
    press(qtbot, window, Qt.Key.Key_PageDown, ctrl)
    assert window.tab is Tab.TRENDS
    press(qtbot, window, Qt.Key.Key_Tab, ctrl)
    assert window.tab is Tab.INSIGHTS
    press(qtbot, window, Qt.Key.Key_PageUp, ctrl)
    press(qtbot, window, Qt.Key.Key_PageUp, ctrl)
    press(qtbot, window, Qt.Key.Key_PageUp, ctrl)  # round to the last
    assert window.tab is Tab.HISTORY


def test_the_week_keys_are_off_on_history(qtbot, window: MainWindow) -> None:
    window.show_tab(Tab.HISTORY)
    activate(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.week == THIS_WEEK
    assert window.nav.isHidden()
    window.show_tab(Tab.WEEK)
    assert window.nav.isVisible()


def test_the_week_moves_on_with_the_clock(qtbot, window, store, clock) -> None:
    clock.advance(timedelta(days=7))  # the window stayed open into next week
    assert window.current_week() == THIS_WEEK.shifted(1)
    window.this_week()
    assert window.week == THIS_WEEK.shifted(1)
    assert not window.next_button.isEnabled()


# --- what the tray app records while the window is open -----------------------------------------


@pytest.fixture
def shared(clock: FakeClock, tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """A database file the window reads, and its path for the tray app's own connection."""
    path = tmp_path / "data" / "posture.sqlite3"
    s = Store.open(path, now=clock.now())
    fill(s, clock.now().date())
    yield s, path
    s.close()


def tray_logs_water(path: Path, clock: FakeClock, ml: int) -> None:
    """The tray app, another process, logs a glass."""
    tray = Store.open(path, now=clock.now())
    try:
        tray.add_water(WaterLog(uid(900 + ml), clock.now() - timedelta(minutes=1), ml))
    finally:
        tray.close()


def test_it_shows_what_the_tray_app_recorded_meanwhile(qtbot, shared, clock, tmp_path) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)
    assert not window.check_for_changes()  # nothing new yet
    before = headline(window)
    tray_logs_water(path, clock, 400)
    assert window.check_for_changes()
    shows_week(window, store, window.week)
    assert headline(window) != before
    assert not window.check_for_changes()  # seen


def test_it_looks_every_half_minute_while_shown_only(qtbot, shared, clock, tmp_path) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)
    assert window.watch_timer.isActive()
    assert window.watch_timer.interval() == WATCH_INTERVAL_MS == 30_000
    before = headline(window)
    tray_logs_water(path, clock, 350)
    window.watch_timer.timeout.emit()  # the half minute is up
    assert headline(window) != before
    shows_week(window, store, window.week)
    window.hide()
    assert not window.watch_timer.isActive()
    window.show()
    assert window.watch_timer.isActive()


def test_f5_counts_as_a_look(qtbot, shared, clock, tmp_path) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)
    tray_logs_water(path, clock, 200)
    window.refresh()
    assert not window.check_for_changes()  # already read


def test_coming_back_to_the_window_shows_the_changes(qtbot, shared, clock, tmp_path) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)
    other = QWidget()  # the user goes elsewhere (the tray's menu, say)
    qtbot.addWidget(other)
    other.show()
    activate(qtbot, other)
    before = headline(window)
    tray_logs_water(path, clock, 300)
    activate(qtbot, window)
    assert headline(window) != before
    shows_week(window, store, window.week)


def test_no_reading_again_under_an_open_dialog(qtbot, shared, clock, tmp_path) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)
    before = headline(window)
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    tray_logs_water(path, clock, 500)
    assert not window.check_for_changes()
    assert headline(window) == before
    dialog.close()
    assert window.check_for_changes()
    shows_week(window, store, window.week)


def test_no_reading_again_while_a_history_record_is_being_edited(
    qtbot, shared, clock, tmp_path
) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path, tab=Tab.HISTORY)
    assert window.history_view is not None
    window.history_view.add_rating()  # the edit dialog (window-modal)
    assert window.history_view.dialog is not None
    tray_logs_water(path, clock, 450)
    assert not window.check_for_changes()
    window.history_view.dialog.reject()
    assert window.check_for_changes()


def test_week_titles() -> None:
    assert week_title(IsoWeek(2026, 48)) == "Week 48 · 23–29 November 2026"
    assert week_title(IsoWeek(2026, 49)) == "Week 49 · 30 November – 6 December 2026"
    assert week_title(IsoWeek(2026, 53)) == "Week 53 · 28 December 2026 – 3 January 2027"
    assert week_title_spoken(IsoWeek(2026, 48)) == "Week 48, 23 to 29 November 2026"
    assert week_title_spoken(IsoWeek(2026, 49)) == "Week 49, 30 November to 6 December 2026"
    assert date_range_text(date(2026, 1, 1), date(2026, 1, 1)) == "1–1 January 2026"


# --- computing only what is shown -------------------------------------------------------------


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The core computations the window asks for, in order ("weekly_series 12": 12 weeks read)."""
    seen: list[str] = []
    for name in ("weekly_series", "insights_for"):
        real = getattr(main_window, name)

        def counted(*args, _real=real, _name=name, **kw):
            seen.append(f"{_name} {args[2]}" if _name == "weekly_series" else _name)
            return _real(*args, **kw)

        monkeypatch.setattr(main_window, name, counted)
    return seen


def test_only_the_shown_tab_is_computed(qtbot, store, clock, tmp_path, calls) -> None:
    window = open_window(qtbot, store, clock, tmp_path)
    assert calls == ["weekly_series 1"]  # this week
    window.previous_week()
    window.previous_week()
    assert calls == ["weekly_series 1"] * 3  # no trends, no insights
    window.show_tab(Tab.INSIGHTS)
    assert calls[3:] == ["insights_for"]
    window.next_week()  # while insights are shown: only they are computed again
    assert calls[4:] == ["insights_for"]
    window.show_tab(Tab.WEEK)  # the week changed since it was computed: read already
    window.show_tab(Tab.INSIGHTS)  # still up to date
    assert calls[5:] == []
    window.refresh()
    assert calls[5:] == ["insights_for"]
    window.show_tab(Tab.WEEK)  # read again after a refresh
    assert calls[6:] == ["weekly_series 1"]


def test_weeks_read_once_are_not_read_again_until_the_data_changes(
    qtbot, shared, clock, tmp_path, calls
) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)  # week 48
    window.show_tab(Tab.TRENDS)
    assert calls == ["weekly_series 1", "weekly_series 11"]  # week 48 is read already
    window.previous_week()
    window.previous_week()
    assert calls[2:] == ["weekly_series 1", "weekly_series 1"]  # one new week a step
    window.next_week()
    window.show_tab(Tab.WEEK)
    assert calls[4:] == []  # all read already
    assert window.trends_view is not None
    assert [c.spec for c in window.trends_view.charts] == list(
        trend_charts(weekly_series(store, IsoWeek(2026, 47), 12), window.goals)
    )
    shows_week(window, store, IsoWeek(2026, 47))
    # The tray app logs a glass this week: what was kept is read again.
    window.next_week()
    tray_logs_water(path, clock, 250)
    assert window.check_for_changes()
    assert calls[4:] == ["weekly_series 1"]
    shows_week(window, store, THIS_WEEK)
    window.show_tab(Tab.TRENDS)
    assert calls[5:] == ["weekly_series 11"]
    assert [c.spec for c in window.trends_view.charts] == list(
        trend_charts(weekly_series(store, THIS_WEEK, 12), window.goals)
    )


def test_a_step_to_a_kept_week_shows_what_the_tray_app_recorded_since(
    qtbot, shared, clock, tmp_path
) -> None:
    store, path = shared
    window = open_window(qtbot, store, clock, tmp_path)
    window.previous_week()
    tray_logs_water(path, clock, 300)  # this week, before the half-minute look
    window.next_week()  # back to this week, which the window had kept
    shows_week(window, store, THIS_WEEK)
    assert not window.check_for_changes()  # seen


def test_an_edit_in_history_drops_the_weeks_kept(qtbot, calls, store, clock, tmp_path) -> None:
    window = open_window(qtbot, store, clock, tmp_path)
    window.show_tab(Tab.HISTORY)
    window.show_tab(Tab.WEEK)
    assert calls == ["weekly_series 1"]  # kept
    window.show_tab(Tab.HISTORY)
    assert window.history_view is not None
    window.history_view.changed.emit()  # what History says after it wrote
    window.show_tab(Tab.WEEK)
    assert calls == ["weekly_series 1"] * 2


def test_the_weeks_kept_are_thinned_out_when_there_are_many(
    qtbot, calls, store, clock, tmp_path
) -> None:
    from posture_app.ui.window.main_window import KEPT_SUMMARIES

    window = open_window(qtbot, store, clock, tmp_path)
    window.show_tab(Tab.TRENDS)
    for _ in range(KEPT_SUMMARIES + 5):
        window.previous_week()
    assert len(window._summaries) <= KEPT_SUMMARIES
    assert calls == ["weekly_series 1", "weekly_series 11"] + ["weekly_series 1"] * (
        KEPT_SUMMARIES + 5
    )
    read = len(calls)
    for _ in range(3):
        window.next_week()  # the weeks just seen are still kept
    assert len(calls) == read


def test_switching_weeks_with_five_years_of_data(qtbot, qapp, clock, tmp_path) -> None:
    store = Store.in_memory()
    store.import_records(five_years(clock.now().date()))
    window = open_window(qtbot, store, clock, tmp_path)
    # How fast is measured in bench/window.py (timed tests fail on busy machines); here: right.
    for i in range(6):
        window.previous_week() if i % 2 == 0 else window.next_week()
        window.repaint()
        qapp.processEvents()
    shows_week(window, store, THIS_WEEK)


def five_years(today: date) -> Records:
    """Five years of workdays, each with three sessions, six prompts, water and two ratings."""
    sessions, breaks, prompts, water, stiffness = [], [], [], [], []
    day = today - timedelta(days=5 * 365)
    n = 0
    while day < today:
        if day.weekday() < 5:
            at = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN).replace(hour=8)
            for _ in range(3):
                end = at + timedelta(minutes=100)
                sessions.append(Session(uid(n := n + 1), at, end, ((at, end),), 6000.0))
                breaks.append(NaturalBreak(uid(n := n + 1), end, end + timedelta(minutes=20)))
                for kind in (Kind.POSTURE, Kind.BREAK):
                    shown = at + timedelta(minutes=40)
                    done = shown + timedelta(minutes=1)
                    prompts.append(Prompt(uid(n := n + 1), kind, shown, Outcome.DONE, done))
                water.append(WaterLog(uid(n := n + 1), at + timedelta(minutes=50), 300))
                at = end + timedelta(minutes=20)
            stiffness.append(StiffnessRating(uid(n := n + 1), at.replace(hour=8), 3))
            stiffness.append(StiffnessRating(uid(n := n + 1), at.replace(hour=19), 5))
        day += timedelta(days=1)
    return Records(sessions, breaks, prompts, water, stiffness)


# --- trends, insights, history ----------------------------------------------------------------


def test_trends_show_the_twelve_weeks_ending_at_the_shown_week(window, store) -> None:
    week = IsoWeek(2026, 46)
    window.set_week(week)
    window.show_tab(Tab.TRENDS)
    assert window.trends_view is not None
    series = weekly_series(store, week, 12)
    assert [series[0].week, series[-1].week] == [IsoWeek(2026, 35), week]
    charts = window.trends_view.charts
    assert charts[0].spec.categories == tuple(f"W{w:02d}" for w in range(35, 47))
    assert [c.spec for c in charts] == list(trend_charts(series, window.goals))
    window.previous_week()  # while shown: they follow the week
    assert charts[0].spec.categories[-1] == "W45"


def test_insights_show_the_cores_findings(window, store) -> None:
    window.show_tab(Tab.INSIGHTS)
    view = window.insights_view
    assert view is not None
    findings = insights_for(store, date(2026, 11, 25))  # this week: up to today
    assert findings.items  # the data must support at least one
    assert [label.accessibleName() for label in view.sentences] == [i.text for i in findings.items]
    assert window.insights_heading is not None
    assert window.insights_heading.text() == "Patterns over 8 weeks: 1 October – 25 November 2026"
    window.set_week(IsoWeek(2026, 44))  # an earlier week: up to its Sunday
    findings = insights_for(store, date(2026, 11, 1))
    assert [label.accessibleName() for label in view.sentences] == [i.text for i in findings.items]
    assert view.missing.isHidden() == (findings.missing is None)


def test_deleting_in_history_refreshes_this_weeks_numbers(qtbot, window, store) -> None:
    before = headline(window)["water_ml_per_day"]
    window.show_tab(Tab.HISTORY)
    history = window.history_view
    assert history is not None
    history.confirm = lambda question: True
    assert history.select(MONDAY_WATER)
    history.delete_selected()
    window.show_tab(Tab.WEEK)
    assert headline(window)["water_ml_per_day"] != before
    shows_week(window, store, THIS_WEEK)


# --- exports ----------------------------------------------------------------------------------


def expected_export(records: Records, suffix: str) -> bytes:
    """What `core.exchange` makes of the records (a BOM first in CSV, for spreadsheets)."""
    if suffix == ".csv":
        return ("\ufeff" + exchange.to_csv(records)).encode()
    return (json.dumps(exchange.to_json(records), ensure_ascii=False, indent=1) + "\n").encode()


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_export_writes_what_the_core_exports(window, store, tmp_path, suffix) -> None:
    asked: list[tuple[str, str]] = []
    target = tmp_path / f"mine{suffix}"

    def choose(title: str, suggested: str) -> Path:
        asked.append((title, suggested))
        return target

    window.choose_file = choose
    action = window.export_csv_action if suffix == ".csv" else window.export_json_action
    action.trigger()
    assert asked == [(f"Export {suffix[1:].upper()}", f"posture-app-2026-11-25{suffix}")]
    assert target.read_bytes() == expected_export(store.records(), suffix)
    assert target.stat().st_mode & 0o777 == 0o600
    n = sum(store.records().counts().values())
    assert window.statusBar().currentMessage() == f"Exported {n} records to {target}."
    if suffix == ".json":
        back = exchange.from_json(json.loads(target.read_text(encoding="utf-8")))
        assert plain(back) == plain(store.records())


def test_a_cancelled_export_writes_nothing(window, tmp_path) -> None:
    window.choose_file = lambda title, suggested: None
    assert window.export_csv() is None
    assert list(tmp_path.iterdir()) == []
    assert window.statusBar().currentMessage() == ""


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_export_to_a_folder_without_write_access_leaves_nothing(window, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        window.choose_file = lambda title, suggested: locked / "out.csv"
        assert window.export_csv() is None
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)
    message = window.statusBar().currentMessage()
    assert message == f"Could not export to {locked / 'out.csv'}: Permission denied."


def test_an_export_that_fails_midway_leaves_nothing(window, tmp_path, monkeypatch) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # after the data went into a temp file
    target = tmp_path / "out.json"
    window.choose_file = lambda title, suggested: target
    assert window.export_json() is None
    assert list(tmp_path.iterdir()) == []
    message = window.statusBar().currentMessage()
    assert message == f"Could not export to {target}: No space left on device."
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "it is a folder; choose a file name."), ("nowhere/out.csv", "there is no folder")],
)
def test_an_export_to_no_file_says_so(window, tmp_path, name, problem) -> None:
    target = tmp_path / name
    window.choose_file = lambda title, suggested: target
    assert window.export_csv() is None
    assert window.statusBar().currentMessage().startswith(f"Could not export to {target}: ")
    assert problem in window.statusBar().currentMessage()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_broken_database_is_one_line_too(window, tmp_path, monkeypatch) -> None:
    def broken(*args, **kw):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(window._store, "records", broken)
    window.choose_file = lambda title, suggested: tmp_path / "out.csv"
    assert window.export_csv() is None
    assert window.statusBar().currentMessage() == (
        f"Could not export to {tmp_path / 'out.csv'}: database disk image is malformed."
    )
    window.previous_week()  # the week cannot be read either: said, and tried again later
    assert window.statusBar().currentMessage() == (
        f"Could not read your data in {tmp_path}: database disk image is malformed."
    )
    assert list(tmp_path.iterdir()) == []


# --- the doctor report and the safety note ----------------------------------------------------


def test_the_doctor_report_is_a_pdf_of_the_weeks_up_to_the_shown_week(window, tmp_path) -> None:
    asked: list[str] = []
    target = tmp_path / "for the doctor.pdf"

    def choose(title: str, suggested: str) -> Path:
        asked.append(suggested)
        return target

    window.choose_file = choose
    window.previous_week()
    window.report_button.click()
    assert asked == ["posture-app-report-2026-W44-to-2026-W47.pdf"]
    assert target.read_bytes().startswith(b"%PDF")
    assert window.statusBar().currentMessage() == (
        f"Saved the report for weeks 44 to 47 to {target}."
    )


def test_a_failing_report_says_so_and_leaves_nothing(window, tmp_path) -> None:
    target = tmp_path / "missing" / "report.pdf"
    window.choose_file = lambda title, suggested: target
    assert window.doctor_report() is None
    assert window.statusBar().currentMessage().startswith(f"Could not save the report to {target}")
    assert list(tmp_path.iterdir()) == []


def test_the_safety_note_opens_from_the_button_and_from_insights(qtbot, window) -> None:
    window.safety_button.click()
    dialog = window.safety_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert SAFETY_NOTE.intro in dialog.text
    dialog.close()
    window.show_tab(Tab.INSIGHTS)
    assert window.insights_view is not None
    window.insights_view.safety.click()
    assert window.safety_dialog is dialog
    assert dialog.isVisible()
    dialog.close()


# --- accessibility ----------------------------------------------------------------------------


def test_tabs_buttons_and_title_have_accessible_names(window) -> None:
    bar = window.tab_bar
    assert [bar.accessibleTabName(i) for i in range(bar.count())] == [
        "This week",
        "Trends",
        "Insights",
        "History",
    ]
    assert bar.accessibleName() == "Views"
    names = {
        window.prev_button: "Previous week",
        window.next_button: "Next week",
        window.today_button: "Go to this week",
        window.export_button: "Export",
        window.report_button: "Doctor report (PDF)",
        window.safety_button: "When to see a doctor",
    }
    for button, name in names.items():
        assert button.accessibleName() == name
        assert button.accessibleDescription() or button.toolTip()
    assert window.report_button.text() == "Doctor report (PDF)…"  # a dialog follows
    assert window.prev_button.toolTip() == "Show the week before (Alt+Left)"
    assert window.title.accessibleName() == "Week 48, 23 to 29 November 2026, this week"
    window.previous_week()
    assert window.title.accessibleName() == "Week 47, 16 to 22 November 2026"
    assert window.accessibleName() == "posture-app"


# --- how it looks at its default size ----------------------------------------------------------


def test_this_week_fits_the_default_window_without_scrolling(qtbot, window) -> None:
    assert (window.width(), window.height()) == main_window.DEFAULT_SIZE
    view = window.week_view
    assert view is not None
    qtbot.waitUntil(lambda: len({(c.x(), c.y()) for c in view.charts}) == 4, timeout=1000)
    scroller = view.pages.scroller
    assert scroller.widget().height() <= scroller.viewport().height()
    assert not scroller.verticalScrollBar().isVisible()


def test_the_export_buttons_arrow_has_room_beside_its_text(window) -> None:
    button = window.export_button
    assert isinstance(button, QPushButton)  # styles draw a push button's menu arrow apart
    assert button.menu() is window.export_menu
    option = QStyleOptionButton()
    option.initFrom(button)
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    text = button.fontMetrics().horizontalAdvance(button.text())
    assert button.width() >= text + arrow
    assert [a.text() for a in window.export_menu.actions()] == ["Export CSV…", "Export JSON…"]


# --- its own process --------------------------------------------------------------------------


def run_window(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("POSTURE_APP_QUIT_AFTER_SHOW", None)
    return subprocess.run(
        [sys.executable, "-m", "posture_app.ui.window", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env=env,
    )


def test_the_window_process_opens_and_says_how_fast(tmp_path) -> None:
    done = run_window("--basedir", str(tmp_path), "--quit-after-show", "--week", "2026-W48")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert 0 < float(lines[0]) < 60_000
    assert (tmp_path / "data" / "posture.sqlite3").exists()


def test_bad_settings_still_open_the_window(tmp_path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text('{"version": 99}', encoding="utf-8")
    done = run_window("--basedir", str(tmp_path), "--quit-after-show", "--tab", "insights")
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.strip()) > 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--week", "2026-W60"], "argument --week: 2026 has no week 60"),
        (["--week", "next"], "argument --week: week must look like 2026-W48 (got 'next')"),
        (["--tab", "charts"], "argument --tab: invalid choice: 'charts'"),
        (["--linger", "soon"], "argument --linger: not a number of seconds: 'soon'"),
        (["--linger", "-5"], "argument --linger: not between 0 and 86400 seconds: '-5'"),
        (
            ["--hidden", "--quit-after-show"],
            "argument --quit-after-show: not allowed with argument --hidden",
        ),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(tmp_path, args, says) -> None:
    done = run_window("--basedir", str(tmp_path), *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"posture-app window: {says}")
    assert not (tmp_path / "data").exists()  # nothing opened


def test_the_linger_comes_from_the_option_else_the_environment_else_five_minutes(tmp_path) -> None:
    from posture_app.ui.window.__main__ import LINGER_S, UsageError, parse

    assert parse([], {}).linger == LINGER_S == 300
    assert parse([], {"POSTURE_APP_WINDOW_LINGER": "20"}).linger == 20
    assert parse(["--linger", "0"], {"POSTURE_APP_WINDOW_LINGER": "20"}).linger == 0
    with pytest.raises(UsageError, match=r"^\$POSTURE_APP_WINDOW_LINGER: not a number"):
        parse([], {"POSTURE_APP_WINDOW_LINGER": "later"})


def test_a_database_from_a_newer_version_gives_one_line_and_status_2(tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / "posture.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    done = run_window("--basedir", str(tmp_path), "--quit-after-show")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"posture-app window: {data / 'posture.sqlite3'}: ")


def test_the_window_module_stops_collections_only_when_run() -> None:
    code = (
        "import gc, runpy, sys\n"
        "import posture_app.ui.window.__main__\n"
        "print(gc.isenabled())\n"  # imported (tests, the bench): left alone
        "sys.argv = ['x', '--week', 'soon']\n"  # run: a bad argument, before any window
        "try:\n"
        "    runpy.run_module('posture_app.ui.window', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.stdout.split() == ["True", "False"], done.stderr


def test_the_chart_library_loads_only_with_a_tab_that_draws_charts() -> None:
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
        "from pathlib import Path; from posture_app.core.settings import Settings; "
        "from posture_app.core.store import Store; from tests.fakes import FakeClock; "
        "from posture_app.ui.window.main_window import MainWindow, Tab; "
        "w = MainWindow(Store.in_memory(), Settings(), FakeClock.at('2026-11-25T12:00'), "
        "Path('.'), tab=Tab.HISTORY); "
        "print('PySide6.QtCharts' in sys.modules, end=' '); w.show_tab(Tab.WEEK); "
        "print('PySide6.QtCharts' in sys.modules)"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    assert done.stdout.split() == ["False", "True"]


def test_the_basedir_may_come_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("POSTURE_APP_BASEDIR", str(tmp_path))
    done = run_window("--quit-after-show")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "posture.sqlite3").exists()


def test_the_window_leaves_damaged_files_to_the_tray_app(tmp_path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text("{oops", encoding="utf-8")
    done = run_window("--basedir", str(tmp_path), "--quit-after-show")
    assert done.returncode == 0, done.stderr  # default settings, and a word in the status bar
    assert (tmp_path / "config" / "settings.json").read_text(encoding="utf-8") == "{oops"
    assert sorted(p.name for p in (tmp_path / "config").iterdir()) == ["settings.json"]
    other = tmp_path / "other"
    (other / "data").mkdir(parents=True)
    (other / "data" / "posture.sqlite3").write_bytes(b"not a database" * 500)
    done = run_window("--basedir", str(other), "--quit-after-show")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "it was left as it is" in done.stderr
    assert sorted(p.name for p in (other / "data").iterdir()) == ["posture.sqlite3"]
