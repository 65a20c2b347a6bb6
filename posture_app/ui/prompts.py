"""Prompt windows: posture and water toasts, the exercise window, the stiffness and safety dialogs.

Every prompt is non-modal and never blocks. It emits ``answered(prompt uuid, Outcome)`` at most
once, however it ends (a button, a key, its own timeout, the close button or :meth:`end`), and
``finished()`` once when it goes away. Each owns a 1-second QTimer that calls the public
:meth:`_PromptWindow.tick`, so tests (and an owner that pauses time) can tick by hand.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QEnterEvent, QKeyEvent, QPalette, QScreen, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.content import (
    HYDRATION_TIP,
    MOVEMENT_BREAK,
    SAFETY_NOTE,
    Exercise,
    MovementBreak,
    SafetyNote,
    Source,
    Tip,
)
from posture_app.core.model import STIFFNESS_MAX, STIFFNESS_MIN, Area, Kind, Outcome, Prompt
from posture_app.ui import look

log = logging.getLogger(__name__)

#: A toast closes by itself after this long and counts as ignored.
TOAST_TIMEOUT_S = 60
#: A prompted stiffness dialog left alone this long counts as ignored.
STIFFNESS_TIMEOUT_S = 10 * 60
#: Default snooze length shown on the buttons.
SNOOZE_MINUTES = 5
#: The countdown's tick.
TICK_MS = 1000
TOAST_WIDTH_PX = 380
CARD_RADIUS_PX = 12
ILLUSTRATION_PX = 200
#: The exercise text column is at least this wide, so wrapped steps stay readable.
TEXT_COLUMN_PX = 340
NOTE_MAX_CHARS = 2000
SCORE_BUTTON_PX = 36
SAFETY_SIZE_PX = (540, 600)

AREA_LABELS: dict[Area, str] = {
    Area.NECK: "Neck",
    Area.SHOULDERS: "Shoulders",
    Area.UPPER_BACK: "Upper back",
    Area.LOWER_BACK: "Lower back",
    Area.HIPS: "Hips",
    Area.LEGS: "Legs",
    Area.OTHER: "Other",
}
NO_AREA_LABEL = "No particular area"

_KIND_LABELS: dict[Kind, str] = {
    Kind.STRETCH: "Stretch break",
    Kind.BREAK: "Movement break",
    Kind.EYES: "Eye rest",
}

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}
#: Modifiers that do not change what a shortcut key means.
_PLAIN_MODIFIERS = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier


def _plain(event: QKeyEvent) -> bool:
    """The key was pressed without Ctrl, Alt or Meta."""
    return not (event.modifiers() & ~_PLAIN_MODIFIERS)


def _describe(widget: QWidget, name: str, description: str) -> None:
    """Give a widget the name and description that screen readers announce."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)


def _minutes_seconds(seconds: int) -> str:
    """Seconds as m:ss."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def _source_label(source: Source) -> QLabel:
    """A "Source: name" line whose name opens the source's page in the web browser."""
    label = QLabel(f'Source: <a href="{html.escape(source.url)}">{html.escape(source.name)}</a>')
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(True)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.LinksAccessibleByMouse
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    )
    _describe(label, f"Source: {source.name}", f"Opens {source.url} in your web browser")
    return label


def _button(text: str, description: str, on_click: Callable[[], None]) -> QPushButton:
    """A push button that answers Enter when focused, like a dialog's buttons."""
    button = QPushButton(text)
    button.setAutoDefault(True)
    _describe(button, text, description)
    button.setToolTip(description)
    button.clicked.connect(on_click)
    return button


class _PromptWindow(QWidget):
    """A prompt on screen: owns its countdown and guarantees one answer at most."""

    answered = Signal(str, object)
    finished = Signal()

    def __init__(
        self,
        prompt: Prompt | None,
        *,
        timeout_s: int | None,
        flags: Qt.WindowType,
        parent: QWidget | None = None,
    ) -> None:
        """Set up the countdown; `timeout_s` None means the prompt waits for an answer."""
        super().__init__(parent, flags)
        if timeout_s is not None and timeout_s < 0:
            raise ValueError(f"timeout_s must be 0 (no timeout) or more (got {timeout_s})")
        self._prompt = prompt
        self._remaining = timeout_s or None
        self._settled = False
        self._outcome: Outcome | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._built = False

    @property
    def prompt(self) -> Prompt | None:
        """The prompt this window answers (None for a rating opened from the tray)."""
        return self._prompt

    @property
    def outcome(self) -> Outcome | None:
        """How the prompt ended, once it has (None while open, or if it ended without one)."""
        return self._outcome

    @property
    def remaining_s(self) -> int | None:
        """Seconds left on the countdown (None when there is none)."""
        return self._remaining

    @property
    def timer(self) -> QTimer:
        """The 1-second timer that calls tick(); the owner may stop it, e.g. while locked."""
        return self._timer

    def tick(self) -> None:
        """One second passed: count down, and act when the countdown reaches zero."""
        if self._settled or self._remaining is None or self._remaining <= 0:
            return
        self._remaining -= 1
        self._show_remaining(self._remaining)
        if self._remaining == 0:
            self._timer.stop()
            self._time_up()

    def end(self, outcome: Outcome) -> None:
        """End the prompt from outside (e.g. the user left) with this outcome, emitted once."""
        self._finish(outcome)

    def withdraw(self) -> None:
        """Close without emitting an outcome (the owner records one itself)."""
        self._finish(None)

    def _show_remaining(self, remaining: int) -> None:
        """Show the seconds left; subclasses with a visible countdown override this."""

    def _time_up(self) -> None:
        """The countdown reached zero: by default the prompt was ignored."""
        self._finish(Outcome.IGNORED)

    def _stop_countdown(self) -> None:
        """The user is engaged: the prompt now waits for them."""
        self._remaining = None
        self._timer.stop()
        self._show_remaining(-1)

    def _settle(self, outcome: Outcome | None) -> bool:
        """Record the end once; emit `answered` for a prompt and `finished`. False if ended."""
        if self._settled:
            return False
        self._settled = True
        self._outcome = outcome
        self._timer.stop()
        if outcome is not None and self._prompt is not None:
            log.debug("prompt %s (%s) answered %s", self._prompt.uuid, self._prompt.kind, outcome)
            self.answered.emit(self._prompt.uuid, outcome)
        self.finished.emit()
        return True

    def _finish(self, outcome: Outcome | None) -> None:
        """End the prompt with this outcome, close the window and free it."""
        if self._settle(outcome):
            self.close()
            self.deleteLater()  # a tray app shows hundreds of these a week

    def _place(self) -> None:
        """Put the window where it first appears; subclasses choose."""
        look.place(self, "center")

    def _restyle(self) -> None:
        """Recompute colours that derive from the palette (after a light/dark switch)."""

    def _built_now(self) -> None:
        """The subclass has built its widgets: apply the palette-derived look from now on."""
        self._built = True
        self._restyle()
        # Size before the first show: a layout that settles after the native window exists has to
        # push its size limits to it, which some platforms (offscreen) only warn about.
        self.adjustSize()
        if self.hasHeightForWidth():
            # Wrapped text: adjustSize measures at the preferred width, not the one we got.
            self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))

    def showEvent(self, event: QShowEvent) -> None:
        """Place the window on first show (unless moved already) and start the countdown."""
        if not event.spontaneous() and not self.testAttribute(Qt.WidgetAttribute.WA_Moved):
            self._place()
        super().showEvent(event)
        if not self._settled and self._remaining:
            self._timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing from outside (title-bar X, Alt+F4) counts as skipped."""
        self._settle(Outcome.SKIPPED)
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """Follow palette changes, e.g. the desktop switching to dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._built:
            self._restyle()


# --- toasts -----------------------------------------------------------------------------------


class _QuickPrompt(_PromptWindow):
    """A prompt answered done, snoozed or skipped: Enter, S and Esc (Esc = seen and declined)."""

    def _done(self) -> None:
        """Done."""
        self._finish(Outcome.DONE)

    def _snooze(self) -> None:
        """Ask again later."""
        self._finish(Outcome.SNOOZED)

    def _skip(self) -> None:
        """Not this time."""
        self._finish(Outcome.SKIPPED)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter = Done (or the focused button), S = Snooze, Esc = Skip."""
        key = event.key()
        if _plain(event) and key in _ENTER_KEYS:
            self._done()
        elif _plain(event) and key == Qt.Key.Key_S:
            self._snooze()
        elif _plain(event) and key == Qt.Key.Key_Escape:
            self._skip()
        else:
            super().keyPressEvent(event)


class _Toast(_QuickPrompt):
    """A small card in the screen corner that never takes the keyboard focus.

    With `firm` it is a framed window instead, kept on top with no timeout (Insistence.FIRM).
    """

    def __init__(
        self,
        prompt: Prompt,
        title: str,
        *,
        timeout_s: int,
        firm: bool,
        parent: QWidget | None,
    ) -> None:
        """Build the card with its header; subclasses fill in the body and buttons."""
        flags = Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint
        super().__init__(prompt, timeout_s=None if firm else timeout_s, flags=flags, parent=parent)
        self._firm = firm
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        if not firm:
            look.make_toast(self)
            self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setWindowTitle(title)
        self.setFixedWidth(TOAST_WIDTH_PX)

        self._card = QFrame(self)
        self._card.setObjectName("toastCard")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._card)
        self._layout = QVBoxLayout(self._card)
        self._layout.setContentsMargins(16, 14, 16, 16)
        self._layout.setSpacing(look.SPACING_PX)

        header = QHBoxLayout()
        header.setSpacing(8)
        self._title = QLabel(title)
        self._title.setFont(look.title_font(self.font()))
        _describe(self._title, title, "Title")
        header.addWidget(self._title, 1)
        self._countdown = QLabel()
        header.addWidget(self._countdown, 0, Qt.AlignmentFlag.AlignVCenter)
        self._close_button = QToolButton()
        self._close_button.setText("\N{MULTIPLICATION SIGN}")
        self._close_button.setAutoRaise(True)
        self._close_button.setToolTip("Dismiss (Esc)")
        _describe(self._close_button, "Dismiss", "Close this reminder without doing it (Esc)")
        self._close_button.clicked.connect(self._skip)
        header.addWidget(self._close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._close_button.setVisible(not firm)
        self._layout.addLayout(header)
        self._show_remaining(self._remaining if self._remaining is not None else -1)

    def _add_buttons(self, *buttons: QPushButton) -> None:
        """A right-aligned row of buttons; the last one is the default."""
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        buttons[-1].setDefault(True)
        self._layout.addLayout(row)

    def _show_remaining(self, remaining: int) -> None:
        """Show "Closes in m:ss" while a countdown runs."""
        counting = self._remaining is not None and remaining >= 0
        self._countdown.setVisible(counting)
        if counting:
            self._countdown.setText(f"Closes in {_minutes_seconds(remaining)}")
        _describe(
            self._countdown,
            "Time left",
            "Closes by itself if you do nothing" if counting else "Waits for your answer",
        )

    def _restyle(self) -> None:
        """The rounded card in the window colour, and a muted countdown."""
        if self._firm:
            self._card.setStyleSheet("QFrame#toastCard { border: none; }")
        else:
            self._card.setStyleSheet(
                "QFrame#toastCard { background-color: palette(window);"
                " border: 1px solid palette(mid);"
                f" border-radius: {CARD_RADIUS_PX}px; }}"
            )
        palette = self._countdown.palette()
        palette.setColor(QPalette.ColorRole.WindowText, look.muted_color(self.palette()))
        self._countdown.setPalette(palette)

    def _place(self) -> None:
        """A toast appears in the bottom-right corner of the user's screen."""
        look.place(self, "bottom-right")

    def enterEvent(self, event: QEnterEvent) -> None:
        """Hold the countdown while the pointer rests on the toast (someone is reading)."""
        self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        """Resume the countdown when the pointer leaves."""
        if not self._settled and self._remaining:
            self._timer.start()
        super().leaveEvent(event)


class PostureToast(_Toast):
    """The posture check: a short checklist with Done and Snooze."""

    def __init__(
        self,
        prompt: Prompt,
        items: Sequence[str],
        *,
        timeout_s: int = TOAST_TIMEOUT_S,
        snooze_minutes: int = SNOOZE_MINUTES,
        firm: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """A toast listing `items`; it closes as ignored after `timeout_s` unless `firm`."""
        super().__init__(prompt, "Posture check", timeout_s=timeout_s, firm=firm, parent=parent)
        checklist = QGridLayout()
        checklist.setHorizontalSpacing(8)
        checklist.setVerticalSpacing(6)
        checklist.setColumnStretch(1, 1)
        for row, item in enumerate(items):
            bullet = QLabel("\N{BULLET}")
            bullet.setAlignment(Qt.AlignmentFlag.AlignTop)
            _describe(bullet, "Item", f"Check {row + 1} of {len(items)}")
            text = QLabel(item)
            text.setWordWrap(True)
            _describe(text, item, f"Check {row + 1} of {len(items)}")
            checklist.addWidget(bullet, row, 0)
            checklist.addWidget(text, row, 1)
        self._layout.addLayout(checklist)
        snooze = _button(
            f"Snooze {snooze_minutes} min",
            f"Remind me again in {snooze_minutes} minutes (S)",
            self._snooze,
        )
        done = _button("Done", "I have checked my posture (Enter)", self._done)
        self._add_buttons(snooze, done)
        _describe(self, "Posture check", "A quick posture check: " + " ".join(items))
        self._built_now()


class HydrationToast(_Toast):
    """The water reminder: today's total towards the goal, a tip, and "I drank a glass"."""

    def __init__(
        self,
        prompt: Prompt,
        *,
        today_ml: int,
        goal_ml: int,
        glass_ml: int,
        timeout_s: int = TOAST_TIMEOUT_S,
        tip: Tip = HYDRATION_TIP,
        firm: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """A toast showing `today_ml` of `goal_ml`; Done means one glass of `glass_ml` was drunk."""
        super().__init__(
            prompt, "Time for some water", timeout_s=timeout_s, firm=firm, parent=parent
        )
        total = f"{today_ml} of {goal_ml} ml today"
        if goal_ml > 0 and today_ml >= goal_ml:
            total += ". Goal reached, well done!"
        self._total = QLabel(total)
        _describe(self._total, total, "Water you have logged today")
        self._layout.addWidget(self._total)
        bar = QProgressBar()
        bar.setRange(0, max(goal_ml, 1))
        bar.setValue(max(0, min(today_ml, goal_ml)))
        bar.setTextVisible(False)
        bar.setFixedHeight(8)
        _describe(bar, "Water today", total)
        self._layout.addWidget(bar)
        text = QLabel(tip.text)
        text.setWordWrap(True)
        _describe(text, "Tip", tip.text)
        self._layout.addWidget(text)
        self._layout.addWidget(_source_label(tip.source))
        later = _button("Later", "Remind me again later (S)", self._snooze)
        drank = _button(
            f"I drank a glass ({glass_ml} ml)", f"Log {glass_ml} ml of water (Enter)", self._done
        )
        self._add_buttons(later, drank)
        _describe(self, "Time for some water", f"{total}. {tip.text}")
        self._built_now()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """L also means Later."""
        if _plain(event) and event.key() == Qt.Key.Key_L:
            self._snooze()
        else:
            super().keyPressEvent(event)


class ToastStack(QObject):
    """The toasts on screen, stacked upward from the bottom-right corner so none overlap.

    Any top-level widget can join: prompt toasts and the presenter's notices share one stack.
    A toast leaves it when it is hidden or closed, however that happens.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        screen_for_user: Callable[[], QScreen] = look.screen_for_user,
    ) -> None:
        """An empty stack; `screen_for_user` picks the screen (the one under the pointer)."""
        super().__init__(parent)
        self._toasts: list[QWidget] = []
        self._screen_for_user = screen_for_user

    @property
    def toasts(self) -> tuple[QWidget, ...]:
        """The toasts still on screen, lowest first."""
        return tuple(self._toasts)

    def add(self, toast: QWidget) -> None:
        """Show a toast above the others; it leaves the stack when it is hidden or closed."""
        self._toasts.append(toast)
        toast.installEventFilter(self)
        self.restack()
        toast.show()

    def restack(self) -> None:
        """Move the toasts into place again (after one went away)."""
        screen = self._screen_for_user()
        look.stack(self._toasts, screen=screen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A toast was hidden or closed by the app: let the ones above it move down."""
        if (
            event.type() == QEvent.Type.Hide
            and not event.spontaneous()
            and isinstance(watched, QWidget)
            and watched in self._toasts
        ):
            self._toasts.remove(watched)
            watched.removeEventFilter(self)
            self.restack()
        return super().eventFilter(watched, event)


# --- exercise window --------------------------------------------------------------------------


class ExerciseWindow(_QuickPrompt):
    """A guided stretch, movement break or eye rest: steps, illustration and a countdown.

    The countdown shows how long to keep going; reaching zero says "Well done" and moves the
    focus to Done, but only the user answers. Closing the window counts as skipped.
    """

    def __init__(
        self,
        prompt: Prompt,
        exercise: Exercise | MovementBreak,
        *,
        seconds: int,
        kind: Kind,
        snooze_minutes: int,
        resources: Path,
        firm: bool = False,
        reduced_motion: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Show `exercise` for `seconds`; Kind.BREAK always shows a MovementBreak.

        For a break, pass MOVEMENT_BREAK (an Exercise given with Kind.BREAK is replaced by it).

        `resources` is the app's resources folder (holding ``exercises/``). `firm` keeps the
        window on top. `reduced_motion` None asks the system (look.reduced_motion()).
        """
        if kind not in _KIND_LABELS:
            raise ValueError(f"ExerciseWindow shows stretches, breaks and eye rests, not {kind}")
        if kind is Kind.BREAK and not isinstance(exercise, MovementBreak):
            exercise = MOVEMENT_BREAK  # a break is always "stand up and walk"
        if kind is not Kind.BREAK and not isinstance(exercise, Exercise):
            raise ValueError(f"{kind} needs an Exercise, not {type(exercise).__name__}")
        if seconds <= 0:
            raise ValueError(f"seconds must be positive (got {seconds})")
        flags = Qt.WindowType.Window
        if firm:
            flags |= Qt.WindowType.WindowStaysOnTopHint
        super().__init__(prompt, timeout_s=seconds, flags=flags, parent=parent)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self._exercise = exercise
        self._seconds = seconds
        self._kind = kind
        self._reduced_motion = look.reduced_motion() if reduced_motion is None else reduced_motion
        self._svg = _illustration_path(resources, exercise)
        heading = exercise.title
        if kind is not Kind.BREAK:
            heading = f"{_KIND_LABELS[kind]}: {exercise.title}"
        self.setWindowTitle(heading)
        _describe(
            self,
            heading,
            f"{exercise.title}. {len(exercise.steps)} steps, about {_minutes_seconds(seconds)}.",
        )

        root = QVBoxLayout(self)
        root.setContentsMargins(20, 20, 20, 16)
        root.setSpacing(16)
        top = QHBoxLayout()
        top.setSpacing(20)
        root.addLayout(top)

        self._illustration = QLabel()
        self._illustration.setFixedSize(ILLUSTRATION_PX, ILLUSTRATION_PX)
        self._illustration.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _describe(
            self._illustration, f"Illustration: {exercise.title}", "A figure doing the exercise"
        )
        self._illustration.setVisible(self._svg is not None)
        top.addWidget(self._illustration, 0, Qt.AlignmentFlag.AlignTop)

        column = QVBoxLayout()
        column.setSpacing(look.SPACING_PX)
        top.addLayout(column, 1)
        self._title = QLabel(exercise.title)
        self._title.setFont(look.title_font(self.font()))
        self._title.setWordWrap(True)
        _describe(self._title, exercise.title, "Title")
        column.addWidget(self._title)

        steps = QGridLayout()
        steps.setHorizontalSpacing(10)
        steps.setVerticalSpacing(8)
        steps.setColumnStretch(1, 1)
        self._step_numbers: list[QLabel] = []
        for row, step in enumerate(exercise.steps):
            number = QLabel(f"{row + 1}.")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            _describe(number, f"Step {row + 1}", f"Step {row + 1} of {len(exercise.steps)}")
            text = QLabel(step)
            text.setWordWrap(True)
            text.setMinimumWidth(TEXT_COLUMN_PX)
            text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            _describe(text, f"Step {row + 1}: {step}", f"Step {row + 1} of {len(exercise.steps)}")
            steps.addWidget(number, row, 0)
            steps.addWidget(text, row, 1)
            self._step_numbers.append(number)
        column.addLayout(steps)
        column.addWidget(_source_label(exercise.source))
        column.addStretch(1)

        timing = QHBoxLayout()
        timing.setSpacing(look.SPACING_PX)
        self._countdown = QLabel()
        self._countdown.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:00 left") + 8)
        timing.addWidget(self._countdown)
        self._progress = QProgressBar()
        self._progress.setRange(0, seconds)
        self._progress.setValue(0)
        self._progress.setTextVisible(False)
        self._progress.setFixedHeight(self.fontMetrics().height())
        _describe(
            self._progress, "Progress", f"How much of the {_minutes_seconds(seconds)} has passed"
        )
        # Reduced motion: no moving bar, the countdown text alone tells the time.
        self._progress.setVisible(not self._reduced_motion)
        timing.addWidget(self._progress, 1)
        root.addLayout(timing)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        self._skip_button = _button("Skip", "Skip this one (Esc)", self._skip)
        self._snooze_button = _button(
            f"Snooze {snooze_minutes} min",
            f"Remind me again in {snooze_minutes} minutes (S)",
            self._snooze,
        )
        self._done_button = _button("Done", "I have done it (Enter)", self._done)
        self._done_button.setDefault(True)
        for button in (self._skip_button, self._snooze_button, self._done_button):
            buttons.addWidget(button)
        root.addLayout(buttons)

        self._show_remaining(seconds)
        self._built_now()

    @property
    def countdown_text(self) -> str:
        """What the countdown line says now, e.g. "0:45 left" or "Well done"."""
        return self._countdown.text()

    def _show_remaining(self, remaining: int) -> None:
        """Update the countdown text and the bar."""
        if remaining < 0:
            return
        text = f"{_minutes_seconds(remaining)} left" if remaining > 0 else "Well done"
        self._countdown.setText(text)
        _describe(self._countdown, "Time left", text)
        self._progress.setValue(self._seconds - remaining)

    def _time_up(self) -> None:
        """Time is up: say well done and offer Done; the user still answers."""
        self._done_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _restyle(self) -> None:
        """Redraw the illustration in the text colour and mute the step numbers."""
        muted = look.muted_color(self.palette())
        for number in self._step_numbers:
            palette = number.palette()
            palette.setColor(QPalette.ColorRole.WindowText, muted)
            number.setPalette(palette)
        if self._svg is None:
            return
        color = self.palette().color(QPalette.ColorRole.WindowText)
        try:
            pixmap = look.render_svg(
                self._svg, color, ILLUSTRATION_PX, device_pixel_ratio=self.devicePixelRatioF()
            )
        except (OSError, ValueError) as error:
            log.warning("cannot draw %s: %s", self._svg, error)
            self._illustration.hide()
            return
        self._illustration.setPixmap(pixmap)


def _illustration_path(resources: Path, exercise: Exercise | MovementBreak) -> Path | None:
    """The exercise's SVG under `resources` (or `resources/exercises`), None if it has none."""
    if not isinstance(exercise, Exercise):
        return None
    for folder in (resources / "exercises", resources):
        path = folder / exercise.illustration
        if path.is_file():
            return path
    log.warning("no illustration %s under %s", exercise.illustration, resources)
    return None


# --- stiffness rating ---------------------------------------------------------------------------


class StiffnessDialog(_PromptWindow):
    """Rate back stiffness 0-10, with an optional body area and note.

    Save emits ``rated(score, Area | None, note)`` and no ``answered``: the owner marks the prompt
    done when it logs the rating. Not now, Esc and closing emit ``answered(uuid, SKIPPED)`` for a
    prompt, nothing when opened from the tray (prompt None).
    """

    rated = Signal(int, object, str)
    safety_requested = Signal()

    def __init__(
        self,
        prompt: Prompt | None,
        *,
        question: str,
        timeout_s: int = STIFFNESS_TIMEOUT_S,
        parent: QWidget | None = None,
    ) -> None:
        """Ask `question`; a prompted dialog left untouched for `timeout_s` counts as ignored.

        Opened from the tray (prompt None) it waits as long as it takes and takes the focus;
        for a prompt it appears without stealing the focus.
        """
        super().__init__(
            prompt,
            timeout_s=timeout_s if prompt is not None else None,
            flags=Qt.WindowType.Dialog,
            parent=parent,
        )
        if prompt is not None:
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWindowTitle("Back stiffness")
        _describe(
            self,
            "Back stiffness",
            f"{question} Choose 0 (none) to 10 (worst imaginable) with the number keys or arrows.",
        )
        root = QVBoxLayout(self)
        root.setContentsMargins(20, 20, 20, 16)
        root.setSpacing(look.SPACING_PX)

        title = QLabel(question)
        title.setFont(look.title_font(self.font()))
        title.setWordWrap(True)
        _describe(title, question, "Question")
        root.addWidget(title)

        scale = QHBoxLayout()
        scale.setSpacing(6)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._scores: list[QPushButton] = []
        side = max(SCORE_BUTTON_PX, self.fontMetrics().horizontalAdvance("10") + 18)
        for score in range(STIFFNESS_MIN, STIFFNESS_MAX + 1):
            button = QPushButton(str(score))
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFixedSize(side, side)
            _describe(button, f"Score {score}", _score_meaning(score))
            button.setToolTip(_score_meaning(score))
            button.installEventFilter(self)
            self._group.addButton(button, score)
            self._scores.append(button)
            scale.addWidget(button)
        self._group.idToggled.connect(self._score_toggled)
        root.addLayout(scale)

        ends = QHBoxLayout()
        self._low_end = QLabel("0 none")
        _describe(self._low_end, "0 none", "The lowest score")
        self._high_end = QLabel("10 worst imaginable")
        self._high_end.setAlignment(Qt.AlignmentFlag.AlignRight)
        _describe(self._high_end, "10 worst imaginable", "The highest score")
        ends.addWidget(self._low_end)
        ends.addStretch(1)
        ends.addWidget(self._high_end)
        root.addLayout(ends)
        root.addSpacing(4)

        form = QGridLayout()
        form.setHorizontalSpacing(look.SPACING_PX)
        form.setVerticalSpacing(10)
        form.setColumnStretch(1, 1)
        area_label = QLabel("&Where")
        _describe(area_label, "Where", "Label of the body area list")
        self._area = QComboBox()
        # Item data holds the plain value: PySide hands a StrEnum back as a bare str anyway.
        self._area.addItem(NO_AREA_LABEL, "")
        for area, label in AREA_LABELS.items():
            self._area.addItem(label, area.value)
        _describe(self._area, "Body area", "Where you feel it most (optional)")
        area_label.setBuddy(self._area)
        self._area.currentIndexChanged.connect(self._stop_countdown)
        form.addWidget(area_label, 0, 0)
        form.addWidget(self._area, 0, 1)
        note_label = QLabel("N&ote")
        _describe(note_label, "Note", "Label of the note field")
        self._note = QLineEdit()
        self._note.setMaxLength(NOTE_MAX_CHARS)
        self._note.setPlaceholderText("Optional, e.g. after a long drive")
        _describe(self._note, "Note", "Anything you want to remember about today (optional)")
        note_label.setBuddy(self._note)
        self._note.textEdited.connect(self._stop_countdown)
        form.addWidget(note_label, 1, 0)
        form.addWidget(self._note, 1, 1)
        root.addLayout(form)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self._safety = QPushButton("Numbness, weakness or other worrying signs? When to get help")
        self._safety.setFlat(True)
        self._safety.setAutoDefault(False)
        self._safety.setCursor(Qt.CursorShape.PointingHandCursor)
        _describe(
            self._safety,
            "When to get help",
            "Shows the signs that mean you should see a doctor",
        )
        self._safety.clicked.connect(self.safety_requested)
        root.addSpacing(4)
        buttons.addStretch(1)
        self._not_now = _button("Not now", "Close without rating (Esc)", self._not_now_clicked)
        self._save = _button("Save", "Save this rating (Enter)", self._save_clicked)
        self._save.setDefault(True)
        self._save.setEnabled(False)
        buttons.addWidget(self._not_now)
        buttons.addWidget(self._save)
        root.addLayout(buttons)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        _describe(line, "Separator", "")
        root.addWidget(line)
        root.addWidget(self._safety, 0, Qt.AlignmentFlag.AlignLeft)
        self._built_now()

    @property
    def score(self) -> int | None:
        """The chosen score, None until one is chosen."""
        checked = self._group.checkedId()
        return None if checked < 0 else checked

    @property
    def area(self) -> Area | None:
        """The chosen body area, None for "No particular area"."""
        value = self._area.currentData()
        return Area(value) if value else None

    def select(self, score: int) -> None:
        """Choose a score (clamped to 0-10) and move the focus to it."""
        score = max(STIFFNESS_MIN, min(STIFFNESS_MAX, score))
        button = self._scores[score - STIFFNESS_MIN]
        button.setChecked(True)
        button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _score_toggled(self, score: int, checked: bool) -> None:
        """A score was chosen: Save can be used, and the dialog now waits for the user."""
        self._save.setEnabled(self._group.checkedId() >= 0)
        if checked:
            self._stop_countdown()

    def _save_clicked(self) -> None:
        """Emit the rating and close (no `answered`: logging it marks the prompt done)."""
        score = self.score
        if score is None:
            return
        self.rated.emit(score, self.area, self._note.text().strip())
        self._finish(None)

    def _not_now_clicked(self) -> None:
        """Not now: a prompt counts as skipped."""
        self._finish(Outcome.SKIPPED)

    def _restyle(self) -> None:
        """Mute the end labels; the chosen score and the help link use palette roles."""
        muted = look.muted_color(self.palette())
        for label in (self._low_end, self._high_end):
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, muted)
            label.setPalette(palette)
        for button in self._scores:
            button.setStyleSheet(
                "QPushButton:checked { background-color: palette(highlight);"
                " color: palette(highlighted-text); border: 1px solid palette(highlight);"
                " border-radius: 4px; font-weight: bold; }"
            )
        self._safety.setStyleSheet(
            "QPushButton { color: palette(link); text-decoration: underline; border: none;"
            " padding: 2px 0px; text-align: left; }"
        )

    def _score_key(self, event: QKeyEvent) -> bool:
        """Number keys choose a score; arrows, Home and End move it. True if handled."""
        if not _plain(event):
            return False
        key = event.key()
        current = self.score
        if key in _DIGIT_KEYS:
            self.select(_DIGIT_KEYS[key])
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Up):
            self.select(STIFFNESS_MIN if current is None else current + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Down):
            self.select(STIFFNESS_MIN if current is None else current - 1)
        elif key == Qt.Key.Key_Home:
            self.select(STIFFNESS_MIN)
        elif key == Qt.Key.Key_End:
            self.select(STIFFNESS_MAX)
        else:
            return False
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keys on the score buttons choose and move the score."""
        if (
            isinstance(watched, QAbstractButton)
            and watched in self._scores
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            return self._score_key(event)
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Number keys and arrows rate; Enter saves (once a score is chosen); Esc = Not now."""
        key = event.key()
        if self._score_key(event):
            return
        if _plain(event) and key in _ENTER_KEYS:
            if self._save.isEnabled():
                self._save_clicked()
        elif _plain(event) and key == Qt.Key.Key_Escape:
            self._not_now_clicked()
        else:
            super().keyPressEvent(event)


def _score_meaning(score: int) -> str:
    """What a score means, for screen readers and tooltips."""
    if score == STIFFNESS_MIN:
        return "0: no stiffness"
    if score == STIFFNESS_MAX:
        return "10: worst imaginable"
    return f"{score} out of 10"


# --- safety note --------------------------------------------------------------------------------


class SafetyNoteDialog(QDialog):
    """The red-flag note: when back pain needs a doctor, urgently or soon. Selectable text."""

    def __init__(self, note: SafetyNote = SAFETY_NOTE, parent: QWidget | None = None) -> None:
        """A non-modal window showing `note`, with one Close button."""
        super().__init__(parent)
        self.setModal(False)
        self.setWindowTitle("When to see a doctor")
        _describe(self, "When to see a doctor", note.intro)
        root = QVBoxLayout(self)
        root.setContentsMargins(20, 20, 20, 16)
        root.setSpacing(look.SPACING_PX)
        title = QLabel("When to see a doctor")
        title.setFont(look.title_font(self.font()))
        _describe(title, "When to see a doctor", "Title")
        root.addWidget(title)
        self._text = QTextBrowser()
        self._text.setOpenExternalLinks(True)
        # Keyboard users can move a caret through the text, select it and reach the link.
        self._text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._text.setFrameShape(QFrame.Shape.NoFrame)
        self._text.setHtml(safety_note_html(note))
        self._text.viewport().setAutoFillBackground(False)
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        _describe(self._text, "Safety note", safety_note_text(note))
        root.addWidget(self._text, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self._close = QPushButton("Close")
        self._close.setDefault(True)
        _describe(self._close, "Close", "Close this note (Enter or Esc)")
        self._close.clicked.connect(self.accept)
        row.addWidget(self._close)
        root.addLayout(row)
        self.adjustSize()  # settle the layout before the native window exists (see _built_now)
        self.resize(*SAFETY_SIZE_PX)

    @property
    def text(self) -> str:
        """The note as plain text, as shown."""
        return self._text.toPlainText()

    def showEvent(self, event: QShowEvent) -> None:
        """Appear in the middle of the user's screen, with the focus on Close."""
        if not event.spontaneous() and not self.testAttribute(Qt.WidgetAttribute.WA_Moved):
            look.place(self, "center")
        super().showEvent(event)
        # Enter or Esc closes at once; Tab moves into the text to read or select it.
        self._close.setFocus(Qt.FocusReason.OtherFocusReason)


def safety_note_html(note: SafetyNote, source: str | None = None) -> str:
    """The note as simple HTML: headings in bold, symptoms as lists, the source as a link
    (or `source`, ready-made HTML, where a link cannot be followed: on paper)."""

    def items(lines: Sequence[str]) -> str:
        return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"

    if source is None:
        source = (
            f'<p>Source: <a href="{html.escape(note.source.url)}">'
            f"{html.escape(note.source.name)}</a></p>"
        )
    return (
        f"<p>{html.escape(note.intro)}</p>"
        f"<p><b>{html.escape(note.urgent_heading)}</b></p>"
        f"{items(note.urgent)}"
        f"<p>{html.escape(note.urgent_reason)}</p>"
        f"<p><b>{html.escape(note.soon_heading)}</b></p>"
        f"{items(note.soon)}"
        f"<p>{html.escape(note.closing)}</p>"
        f"{source}"
    )


def safety_note_text(note: SafetyNote) -> str:
    """The note as plain sentences, for the screen-reader description."""
    return " ".join(
        (
            note.intro,
            note.urgent_heading,
            *note.urgent,
            note.urgent_reason,
            note.soon_heading,
            *note.soon,
            note.closing,
            f"Source: {note.source.name}.",
        )
    )
