"""Prompt windows: outcomes exactly once, keys, countdowns, accessibility, dark mode, placement."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from posture_app.core.content import (
    HYDRATION_TIP,
    MOVEMENT_BREAK,
    POSTURE_CHECK,
    SAFETY_NOTE,
    STOP_IF_WORSE,
    exercise,
)
from posture_app.core.model import Area, Kind, Outcome, Prompt
from posture_app.ui import look
from posture_app.ui.prompts import (
    ExerciseWindow,
    HydrationToast,
    PostureToast,
    SafetyNoteDialog,
    StiffnessDialog,
    ToastStack,
)

# The offscreen platform cannot raise windows and says so whenever a Qt.Tool window is shown.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
DARK_TEXT = QColor("#e8e8e8")
#: The chin-tuck figure's head: a solid circle at (92, 84), radius 26, in currentColor.
HEAD = (92, 84)


def make_prompt(kind: Kind, uuid: str = "prompt-1") -> Prompt:
    """A prompt as the scheduler would hand it over."""
    return Prompt(uuid, kind, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


def dark_palette() -> QPalette:
    """A dark palette (offscreen ignores setColorScheme, so dark mode is set by palette)."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, DARK_TEXT.name()),
        (roles.Base, "#1f1f1f"),
        (roles.Text, DARK_TEXT.name()),
        (roles.Button, "#3a3a3a"),
        (roles.ButtonText, DARK_TEXT.name()),
        (roles.Highlight, "#3d7fb0"),
        (roles.HighlightedText, "#ffffff"),
        (roles.Link, "#7cb8ff"),
        (roles.Mid, "#555555"),
    ):
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def dark_app(qapp: QApplication) -> Iterator[QApplication]:
    """The application in a dark palette for one test."""
    before = QPalette(qapp.palette())
    qapp.setPalette(dark_palette())
    yield qapp
    qapp.setPalette(before)


class Answers:
    """Collects (uuid, outcome) pairs from a prompt's answered signal."""

    def __init__(self, widget: QWidget) -> None:
        self.items: list[tuple[str, Outcome]] = []
        widget.answered.connect(lambda uuid, outcome: self.items.append((uuid, outcome)))


def show(qtbot, widget: QWidget) -> QWidget:
    """Show a prompt with its real 1-second timer stopped: tests tick by hand."""
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    if hasattr(widget, "timer"):
        widget.timer.stop()
    return widget


CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QProgressBar, QTextBrowser)


def assert_accessible(window: QWidget) -> None:
    """The window and every control have a name and a description; labels have a name."""
    assert window.accessibleName()
    assert window.accessibleDescription()
    controls = [w for w in window.findChildren(QWidget) if isinstance(w, CONTROLS)]
    assert controls
    for control in controls:
        assert control.accessibleName(), control
        assert control.accessibleDescription(), control
    for label in window.findChildren(QLabel):
        if label.text() or not label.pixmap().isNull():
            assert label.accessibleName(), label.text()


def button(window: QWidget, text: str) -> QPushButton:
    """The push button with this text."""
    (found,) = [b for b in window.findChildren(QPushButton) if b.text() == text]
    return found


def texts(window: QWidget) -> list[str]:
    """Every label text in the window."""
    return [label.text() for label in window.findChildren(QLabel)]


def pixel(pixmap, x: int, y: int) -> QColor:
    """The colour of a logical pixel of a pixmap."""
    ratio = pixmap.devicePixelRatio()
    return pixmap.toImage().pixelColor(round(x * ratio), round(y * ratio))


# --- look ---------------------------------------------------------------------------------------


def test_is_dark_follows_the_palette(qapp: QApplication) -> None:
    assert look.is_dark(dark_palette())
    light = QPalette(QColor("#efefef"))
    assert not look.is_dark(light)


def test_is_dark_for_the_app_falls_back_on_the_window_colour(dark_app: QApplication) -> None:
    # Offscreen has no colour scheme, so the palette decides.
    assert QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Unknown
    assert look.is_dark(dark_app)
    assert look.is_dark()


def test_reduced_motion_asks_qt_first(qapp: QApplication) -> None:
    class Preference:
        """Stands in for Qt.MotionPreference, which only exists from Qt 6.12 on."""

        def __init__(self, name: str) -> None:
            self.name = name

    class Hints:
        def __init__(self, name: str) -> None:
            self.preference = Preference(name)

        def motionPreference(self) -> Preference:
            return self.preference

    def gnome_must_not_be_asked() -> bool:
        raise AssertionError("Qt answered; GNOME must not be asked")

    assert look._motion_reduced(Hints("ReducedMotion"), gnome_must_not_be_asked)
    assert not look._motion_reduced(Hints("NoPreference"), gnome_must_not_be_asked)
    # A Qt without motionPreference (before 6.12, or before 6.10 with no hints at all): GNOME.
    assert look._motion_reduced(object(), lambda: True)
    assert not look._motion_reduced(None, lambda: False)
    assert isinstance(look.reduced_motion(), bool)


def test_svg_bytes_replace_current_color() -> None:
    path = RESOURCES / "exercises" / "chin-tuck.svg"
    data = look.svg_icon_bytes(path, QColor("#e8e8e8"))
    assert b"currentColor" not in data
    assert data.count(b"#e8e8e8") == path.read_bytes().count(b"currentColor")


def test_render_svg_draws_the_figure_in_the_given_colour(qapp: QApplication) -> None:
    path = RESOURCES / "exercises" / "chin-tuck.svg"
    for color in (DARK_TEXT, QColor("#aa3300")):
        pixmap = look.render_svg(path, color, 200)
        assert pixmap.width() == 200
        assert pixel(pixmap, *HEAD).name() == color.name()
    assert pixel(pixmap, 2, 2).alpha() == 0  # background stays transparent


def test_place_puts_windows_in_the_corner_or_centre(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(200, 100)
    screen = look.screen_for_user()
    area = screen.availableGeometry()
    look.place(widget, "bottom-right", screen=screen)
    assert widget.pos().x() + 200 == area.right() + 1 - look.MARGIN_PX
    assert widget.pos().y() + 100 == area.bottom() + 1 - look.MARGIN_PX
    look.place(widget, "center", screen=screen)
    assert abs(QRect(widget.pos(), widget.size()).center().x() - area.center().x()) <= 1


def test_stack_places_toasts_upward_without_overlap(qtbot) -> None:
    toasts = []
    for height in (120, 80, 100):
        toast = QWidget()
        qtbot.addWidget(toast)
        toast.resize(300, height)
        toasts.append(toast)
    look.stack(toasts)
    area = look.screen_for_user().availableGeometry()
    rects = [QRect(t.pos(), t.size()) for t in toasts]
    assert rects[0].bottom() == area.bottom() - look.MARGIN_PX
    assert all(r.right() == area.right() - look.MARGIN_PX for r in rects)
    for lower, upper in itertools.pairwise(rects):
        assert upper.bottom() + look.SPACING_PX < lower.top() + 1
        assert not upper.intersects(lower)


# --- posture toast ------------------------------------------------------------------------------


def test_posture_toast_shows_the_checklist_accessibly(qtbot) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK, snooze_minutes=7))
    assert toast.isVisible()
    assert "Posture check" in texts(toast)
    for item in POSTURE_CHECK:
        assert item in texts(toast)
    assert button(toast, "Snooze 7 min")
    assert button(toast, "Done").isDefault()
    assert_accessible(toast)


def test_posture_toast_never_takes_the_focus(qtbot) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK))
    flags = toast.windowFlags()
    for flag in (
        Qt.WindowType.Tool,
        Qt.WindowType.FramelessWindowHint,
        Qt.WindowType.WindowStaysOnTopHint,
        Qt.WindowType.WindowDoesNotAcceptFocus,
    ):
        assert flags & flag == flag
    assert toast.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    # The offscreen platform activates every window it shows (QOffscreenWindow::setVisible), so
    # only the flags above can be checked here; xcb and Windows honour them.


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        (Qt.Key.Key_Return, Outcome.DONE),
        (Qt.Key.Key_Enter, Outcome.DONE),
        (Qt.Key.Key_S, Outcome.SNOOZED),
        (Qt.Key.Key_Escape, Outcome.SKIPPED),
    ],
)
def test_posture_toast_keys(qtbot, key: Qt.Key, outcome: Outcome) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK))
    answers = Answers(toast)
    qtbot.keyClick(toast, key)
    assert answers.items == [("prompt-1", outcome)]
    assert not toast.isVisible()
    qtbot.keyClick(toast, Qt.Key.Key_Return)
    assert answers.items == [("prompt-1", outcome)]


def test_posture_toast_buttons(qtbot) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK))
    answers = Answers(toast)
    qtbot.mouseClick(button(toast, "Snooze 5 min"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(toast, "Done"), Qt.MouseButton.LeftButton)
    assert answers.items == [("prompt-1", Outcome.SNOOZED)]
    assert toast.outcome is Outcome.SNOOZED


def test_posture_toast_times_out_as_ignored_once(qtbot) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK, timeout_s=5))
    answers = Answers(toast)
    for _ in range(4):
        toast.tick()
    assert answers.items == []
    assert "Closes in 0:01" in texts(toast)
    with qtbot.waitSignal(toast.finished, timeout=1000):
        toast.tick()
    assert answers.items == [("prompt-1", Outcome.IGNORED)]
    assert not toast.isVisible()
    toast.tick()
    qtbot.mouseClick(button(toast, "Done"), Qt.MouseButton.LeftButton)
    toast.close()
    toast.end(Outcome.DONE)
    assert answers.items == [("prompt-1", Outcome.IGNORED)]


def test_firm_posture_toast_is_a_window_that_waits(qtbot) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK, firm=True))
    answers = Answers(toast)
    assert toast.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert not toast.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert toast.remaining_s is None
    for _ in range(200):
        toast.tick()
    assert answers.items == []
    toast.close()  # the title-bar X
    assert answers.items == [("prompt-1", Outcome.SKIPPED)]


def test_a_zero_timeout_means_the_toast_waits(qtbot) -> None:
    toast = show(
        qtbot,
        HydrationToast(
            make_prompt(Kind.HYDRATION), today_ml=0, goal_ml=2000, glass_ml=250, timeout_s=0
        ),
    )
    answers = Answers(toast)
    assert toast.remaining_s is None
    assert "Closes in" not in " ".join(texts(toast))
    for _ in range(100):
        toast.tick()
    assert answers.items == []
    assert toast.isVisible()


def test_make_toast_sets_the_toast_flags(qtbot) -> None:
    note = QLabel("A message")
    qtbot.addWidget(note)
    look.make_toast(note)
    assert note.windowType() == look.TOAST_WINDOW_TYPE
    assert note.windowFlags() & look.TOAST_FLAGS == look.TOAST_FLAGS
    assert note.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)


def test_toast_dismiss_button_skips(qtbot) -> None:
    toast = show(qtbot, PostureToast(make_prompt(Kind.POSTURE), POSTURE_CHECK))
    answers = Answers(toast)
    (dismiss,) = [b for b in toast.findChildren(QAbstractButton) if b.accessibleName() == "Dismiss"]
    qtbot.mouseClick(dismiss, Qt.MouseButton.LeftButton)
    assert answers.items == [("prompt-1", Outcome.SKIPPED)]


# --- hydration toast ----------------------------------------------------------------------------


def test_hydration_toast_shows_todays_water(qtbot) -> None:
    toast = show(
        qtbot,
        HydrationToast(make_prompt(Kind.HYDRATION), today_ml=750, goal_ml=2000, glass_ml=250),
    )
    assert "Time for some water" in texts(toast)
    assert "750 of 2000 ml today" in texts(toast)
    assert HYDRATION_TIP.text in texts(toast)
    assert any(HYDRATION_TIP.source.url in text for text in texts(toast))
    (bar,) = toast.findChildren(QProgressBar)
    assert (bar.value(), bar.maximum()) == (750, 2000)
    assert button(toast, "I drank a glass (250 ml)").isDefault()
    assert_accessible(toast)


def test_hydration_toast_outcomes(qtbot) -> None:
    prompt = make_prompt(Kind.HYDRATION, "water-1")
    toast = show(qtbot, HydrationToast(prompt, today_ml=0, goal_ml=2000, glass_ml=300))
    answers = Answers(toast)
    qtbot.keyClick(toast, Qt.Key.Key_Return)
    assert answers.items == [("water-1", Outcome.DONE)]

    later = show(qtbot, HydrationToast(prompt, today_ml=0, goal_ml=2000, glass_ml=300))
    answers = Answers(later)
    qtbot.mouseClick(button(later, "Later"), Qt.MouseButton.LeftButton)
    assert answers.items == [("water-1", Outcome.SNOOZED)]


def test_hydration_toast_times_out_as_ignored(qtbot) -> None:
    toast = show(
        qtbot,
        HydrationToast(
            make_prompt(Kind.HYDRATION), today_ml=2250, goal_ml=2000, glass_ml=250, timeout_s=3
        ),
    )
    answers = Answers(toast)
    assert any(text.startswith("2250 of 2000 ml today") for text in texts(toast))
    for _ in range(3):
        toast.tick()
    qtbot.mouseClick(button(toast, "I drank a glass (250 ml)"), Qt.MouseButton.LeftButton)
    assert answers.items == [("prompt-1", Outcome.IGNORED)]


def test_toast_stack_moves_the_rest_down_when_one_goes(qtbot) -> None:
    stack = ToastStack()
    posture = PostureToast(make_prompt(Kind.POSTURE, "p"), POSTURE_CHECK)
    water = HydrationToast(make_prompt(Kind.HYDRATION, "w"), today_ml=0, goal_ml=2000, glass_ml=250)
    for toast in (posture, water):
        qtbot.addWidget(toast)
        stack.add(toast)
        toast.timer.stop()
    assert posture.isVisible()
    assert water.isVisible()
    low, high = (QRect(t.pos(), t.size()) for t in (posture, water))
    assert not low.intersects(high)
    assert high.bottom() < low.top()
    posture.end(Outcome.DONE)
    assert stack.toasts == (water,)
    assert QRect(water.pos(), water.size()).bottom() == low.bottom()


def test_toast_stack_takes_any_widget_and_drops_one_that_is_hidden(qtbot) -> None:
    stack = ToastStack()
    notice = QLabel("A notice")
    look.make_toast(notice)
    qtbot.addWidget(notice)
    stack.add(notice)
    posture = PostureToast(make_prompt(Kind.POSTURE, "p"), POSTURE_CHECK)
    qtbot.addWidget(posture)
    stack.add(posture)
    posture.timer.stop()
    assert stack.toasts == (notice, posture)
    notice_bottom = notice.frameGeometry().bottom()
    assert posture.frameGeometry().bottom() < notice.frameGeometry().top()
    notice.hide()
    assert stack.toasts == (posture,)
    assert posture.frameGeometry().bottom() == notice_bottom
    posture.withdraw()
    assert stack.toasts == ()


# --- exercise window ----------------------------------------------------------------------------


def exercise_window(qtbot, **changes) -> ExerciseWindow:
    """A shown stretch window (chin tuck, 60 s) with its timer stopped."""
    arguments = {
        "seconds": 60,
        "kind": Kind.STRETCH,
        "snooze_minutes": 5,
        "resources": RESOURCES,
        "reduced_motion": False,
    }
    arguments.update(changes)
    content = arguments.pop("exercise", exercise("chin-tuck"))
    prompt = make_prompt(arguments["kind"])
    return show(qtbot, ExerciseWindow(prompt, content, **arguments))


def test_exercise_window_shows_steps_source_and_illustration(qtbot) -> None:
    window = exercise_window(qtbot)
    chin = exercise("chin-tuck")
    assert not window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert chin.title in texts(window)
    for step in chin.steps:
        assert step in texts(window)
    assert texts(window).count(STOP_IF_WORSE) == 1
    assert any("Source:" in t and chin.source.url in t for t in texts(window))
    assert window.countdown_text == "1:00 left"
    illustrations = [label for label in window.findChildren(QLabel) if not label.pixmap().isNull()]
    assert len(illustrations) == 1
    assert button(window, "Done").isDefault()
    assert_accessible(window)


def test_exercise_window_counts_down_and_does_not_answer_at_zero(qtbot) -> None:
    window = exercise_window(qtbot)
    answers = Answers(window)
    (bar,) = window.findChildren(QProgressBar)
    for _ in range(15):
        window.tick()
    assert window.countdown_text == "0:45 left"
    assert bar.value() == 15
    for _ in range(45):
        window.tick()
    assert window.countdown_text == "Well done"
    assert bar.value() == bar.maximum()
    assert window.isVisible()
    assert window.focusWidget() is button(window, "Done")
    for _ in range(10):
        window.tick()
    assert answers.items == []
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert answers.items == [("prompt-1", Outcome.DONE)]


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        (Qt.Key.Key_Return, Outcome.DONE),
        (Qt.Key.Key_S, Outcome.SNOOZED),
        (Qt.Key.Key_Escape, Outcome.SKIPPED),
    ],
)
def test_exercise_window_keys(qtbot, key: Qt.Key, outcome: Outcome) -> None:
    window = exercise_window(qtbot)
    answers = Answers(window)
    qtbot.keyClick(window, key)
    window.close()
    assert answers.items == [("prompt-1", outcome)]


def test_closing_the_exercise_window_skips(qtbot) -> None:
    window = exercise_window(qtbot)
    answers = Answers(window)
    window.close()
    qtbot.mouseClick(button(window, "Done"), Qt.MouseButton.LeftButton)
    assert answers.items == [("prompt-1", Outcome.SKIPPED)]


def test_movement_break_window(qtbot) -> None:
    window = exercise_window(
        qtbot,
        exercise=MOVEMENT_BREAK,
        kind=Kind.BREAK,
        seconds=5 * 60,
        snooze_minutes=10,
        firm=True,
    )
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.countdown_text == "5:00 left"
    assert MOVEMENT_BREAK.title in texts(window)
    for step in MOVEMENT_BREAK.steps:
        assert step in texts(window)
    assert all(label.pixmap().isNull() for label in window.findChildren(QLabel))
    assert button(window, "Snooze 10 min")
    assert_accessible(window)


def test_eye_rest_window_uses_look_far_away(qtbot) -> None:
    window = exercise_window(qtbot, exercise=exercise("look-far-away"), kind=Kind.EYES, seconds=20)
    assert window.windowTitle() == "Eye rest: Look far away"
    assert window.countdown_text == "0:20 left"


def test_a_break_always_shows_the_movement_break(qtbot) -> None:
    window = exercise_window(qtbot, exercise=exercise("chin-tuck"), kind=Kind.BREAK, seconds=120)
    assert window.windowTitle() == MOVEMENT_BREAK.title
    assert MOVEMENT_BREAK.steps[0] in texts(window)
    assert exercise("chin-tuck").steps[0] not in texts(window)


def test_exercise_window_refuses_the_wrong_content(qapp: QApplication) -> None:
    with pytest.raises(ValueError, match="needs an Exercise"):
        ExerciseWindow(
            make_prompt(Kind.STRETCH),
            MOVEMENT_BREAK,
            seconds=60,
            kind=Kind.STRETCH,
            snooze_minutes=5,
            resources=RESOURCES,
        )
    with pytest.raises(ValueError, match="not posture"):
        ExerciseWindow(
            make_prompt(Kind.POSTURE),
            exercise("chin-tuck"),
            seconds=60,
            kind=Kind.POSTURE,
            snooze_minutes=5,
            resources=RESOURCES,
        )


def test_reduced_motion_hides_the_moving_bar(qtbot) -> None:
    window = exercise_window(qtbot, reduced_motion=True)
    (bar,) = window.findChildren(QProgressBar)
    assert not bar.isVisible()
    window.tick()
    assert window.countdown_text == "0:59 left"


def test_illustration_is_drawn_in_the_dark_text_colour(qtbot, dark_app: QApplication) -> None:
    window = exercise_window(qtbot)
    (figure,) = [label for label in window.findChildren(QLabel) if not label.pixmap().isNull()]
    head = pixel(figure.pixmap(), *HEAD)
    assert head.name() == DARK_TEXT.name()
    assert head.name() == window.palette().color(QPalette.ColorRole.WindowText).name()


def test_illustration_follows_a_switch_to_dark(qtbot, qapp: QApplication) -> None:
    window = exercise_window(qtbot)
    (figure,) = [label for label in window.findChildren(QLabel) if not label.pixmap().isNull()]
    light_head = pixel(figure.pixmap(), *HEAD).name()
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        # The palette change reaches the window through the event loop.
        qtbot.waitUntil(
            lambda: pixel(figure.pixmap(), *HEAD).name() == DARK_TEXT.name(), timeout=2000
        )
        assert light_head != DARK_TEXT.name()
    finally:
        qapp.setPalette(before)


# --- stiffness ----------------------------------------------------------------------------------


class Ratings:
    """Collects rated(score, area, note)."""

    def __init__(self, dialog: StiffnessDialog) -> None:
        self.items: list[tuple[int, Area | None, str]] = []
        dialog.rated.connect(lambda score, area, note: self.items.append((score, area, note)))


def stiffness(qtbot, prompt: Prompt | None = None, **changes) -> StiffnessDialog:
    """A shown stiffness dialog with its timer stopped."""
    if prompt is None and "tray" not in changes:
        prompt = make_prompt(Kind.STIFFNESS)
    changes.pop("tray", None)
    return show(qtbot, StiffnessDialog(prompt, question="How stiff is your back?", **changes))


def test_stiffness_dialog_shows_the_scale_accessibly(qtbot) -> None:
    dialog = stiffness(qtbot)
    scores = [b for b in dialog.findChildren(QPushButton) if b.isCheckable()]
    assert [b.text() for b in scores] == [str(n) for n in range(11)]
    assert "0 none" in texts(dialog)
    assert "10 worst imaginable" in texts(dialog)
    (area,) = dialog.findChildren(QComboBox)
    labels = [area.itemText(i) for i in range(area.count())]
    assert labels == [
        "No particular area",
        "Neck",
        "Shoulders",
        "Upper back",
        "Lower back",
        "Hips",
        "Legs",
        "Other",
    ]
    (note,) = dialog.findChildren(QLineEdit)
    assert note.maxLength() == 2000
    assert_accessible(dialog)


def test_save_waits_for_a_score_then_rates_with_area_and_note(qtbot) -> None:
    dialog = stiffness(qtbot)
    answers, ratings = Answers(dialog), Ratings(dialog)
    save = button(dialog, "Save")
    assert not save.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # nothing to save yet
    assert ratings.items == []
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_7)
    assert dialog.score == 7
    assert save.isEnabled()
    (area,) = dialog.findChildren(QComboBox)
    area.setCurrentIndex(area.findText("Lower back"))
    (note,) = dialog.findChildren(QLineEdit)
    qtbot.keyClicks(note, "after the drive")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert ratings.items == [(7, Area.LOWER_BACK, "after the drive")]
    assert answers.items == []  # the owner marks the prompt done when it logs the rating
    assert not dialog.isVisible()
    dialog.close()
    assert answers.items == []


def test_no_particular_area_rates_none(qtbot) -> None:
    dialog = stiffness(qtbot, tray=True)
    ratings = Ratings(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_0)
    qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)
    assert ratings.items == [(0, None, "")]


def test_arrows_reach_ten_and_stop_there(qtbot) -> None:
    dialog = stiffness(qtbot)
    scores = [b for b in dialog.findChildren(QPushButton) if b.isCheckable()]
    qtbot.keyClick(scores[0], Qt.Key.Key_Right)  # from nothing: 0
    assert dialog.score == 0
    for _ in range(12):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Right)
    assert dialog.score == 10
    assert dialog.focusWidget() is scores[10]
    qtbot.keyClick(scores[10], Qt.Key.Key_Left)
    qtbot.keyClick(dialog, Qt.Key.Key_Down)
    assert dialog.score == 8
    qtbot.keyClick(scores[8], Qt.Key.Key_3)
    assert dialog.score == 3
    qtbot.keyClick(dialog, Qt.Key.Key_End)
    assert dialog.score == 10


def test_number_keys_type_into_the_note_not_the_scale(qtbot) -> None:
    dialog = stiffness(qtbot)
    (note,) = dialog.findChildren(QLineEdit)
    qtbot.keyClicks(note, "5 km walk")
    assert dialog.score is None
    assert note.text() == "5 km walk"


@pytest.mark.parametrize("how", ["not now", "escape", "close"])
def test_not_now_skips_a_prompt(qtbot, how: str) -> None:
    dialog = stiffness(qtbot)
    answers, ratings = Answers(dialog), Ratings(dialog)
    if how == "not now":
        qtbot.mouseClick(button(dialog, "Not now"), Qt.MouseButton.LeftButton)
    elif how == "escape":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert answers.items == [("prompt-1", Outcome.SKIPPED)]
    assert ratings.items == []


def test_from_the_tray_not_now_emits_nothing(qtbot) -> None:
    dialog = stiffness(qtbot, tray=True)
    answers = Answers(dialog)
    assert dialog.remaining_s is None
    assert not dialog.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers.items == []
    assert not dialog.isVisible()


def test_an_untouched_prompted_dialog_times_out_but_not_once_used(qtbot) -> None:
    dialog = stiffness(qtbot, timeout_s=3)
    answers = Answers(dialog)
    for _ in range(3):
        dialog.tick()
    assert answers.items == [("prompt-1", Outcome.IGNORED)]

    used = stiffness(qtbot, timeout_s=3)
    answers = Answers(used)
    qtbot.keyClick(used, Qt.Key.Key_4)
    for _ in range(10):
        used.tick()
    assert answers.items == []
    assert used.isVisible()


def test_safety_link_asks_for_the_safety_note(qtbot) -> None:
    dialog = stiffness(qtbot)
    (link,) = [
        b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "When to get help"
    ]
    with qtbot.waitSignal(dialog.safety_requested, timeout=1000):
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()


# --- safety note --------------------------------------------------------------------------------


def test_safety_note_dialog_shows_every_item_selectable(qtbot) -> None:
    dialog = show(qtbot, SafetyNoteDialog())
    assert not dialog.isModal()
    text = dialog.text
    for line in (SAFETY_NOTE.intro, SAFETY_NOTE.closing, *SAFETY_NOTE.urgent, *SAFETY_NOTE.soon):
        assert line in text
    assert SAFETY_NOTE.source.name in text
    (browser,) = dialog.findChildren(QTextBrowser)
    assert browser.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert browser.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert_accessible(dialog)
    assert dialog.focusWidget() is button(dialog, "Close")
    qtbot.mouseClick(button(dialog, "Close"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
