"""Turns prompts into something on screen, as insistent as the user chose, and notifications.

Notifications go through one fallback chain: the tray's own message where the tray supports it,
then plyer, then a small in-app toast. A backend that fails is logged once and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from posture_app.core.clock import seconds_between
from posture_app.core.model import Kind, Outcome, Prompt, Slot
from posture_app.core.scheduler import PromptEnded, PromptShown
from posture_app.core.settings import Insistence, Settings
from posture_app.platform.sound import Chime, NullChime
from posture_app.ui import forget_module_sources
from posture_app.ui.controller import Controller
from posture_app.ui.tray import Tray

# The prompt widgets, the look helpers (QtSvg) and the exercise texts are loaded at the first
# prompt, not at start: most of the day the app is only an icon, and they cost megabytes.
if TYPE_CHECKING:
    from posture_app.core.content import Exercise, MovementBreak
    from posture_app.ui.prompts import (
        ExerciseWindow,
        HydrationToast,
        PostureToast,
        StiffnessDialog,
        ToastStack,
    )

    PromptWidget = PostureToast | HydrationToast | ExerciseWindow | StiffnessDialog

log = logging.getLogger(__name__)

#: How long an in-app notification toast stays.
NOTE_MS = 8000
#: The in-app notice's widest line and its inner margin.
NOTE_WIDTH_PX = 360
NOTE_MARGIN_PX = 14

_QUESTIONS = {
    Slot.MORNING: "Good morning. How stiff is your back right now?",
    Slot.EVENING: "End of the day: how stiff is your back now?",
    None: "How stiff is your back right now?",
}
#: Seconds within which a second prompt plays no second chime (prompts often fall due together).
CHIME_GAP_S = 30.0

_GENTLE_TEXT = {
    Kind.STRETCH: ("Time to stretch", "A minute of stretching helps a stiff back."),
    Kind.BREAK: ("Time for a movement break", "Stand up and walk for a few minutes."),
    Kind.EYES: ("Rest your eyes", "Look at something about 6 m away for 20 seconds."),
    Kind.HYDRATION: ("Time for some water", "A glass of water now keeps you going."),
}


class Notifier:
    """Shows a short message by the first way that works; owns the in-app notices on screen.

    In-app notices join the toast stack the presenter's prompt toasts use, so the two never
    overlap.
    """

    def __init__(self, tray: Tray, toast_stack: Callable[[], ToastStack] | None = None) -> None:
        """`toast_stack` gives the stack to put in-app notices on (by default one of its own)."""
        self._tray = tray
        self._broken: set[str] = set()
        self._toast_stack = toast_stack or self._own_stack
        self._stack: ToastStack | None = None
        self._notices: list[QLabel] = []

    @property
    def notices(self) -> tuple[QLabel, ...]:
        """The in-app notices on screen (for tests)."""
        return tuple(self._notices)

    def notify(self, title: str, text: str) -> str:
        """Show a message; return which way was used ("tray", "plyer" or "toast")."""
        for name, way in (("tray", self._by_tray), ("plyer", self._by_plyer)):
            if name in self._broken:
                continue
            try:
                if way(title, text):
                    return name
            except Exception as exc:  # a backend must never break the app
                log.warning("notifications through %s failed (%s); not trying it again", name, exc)
                self._broken.add(name)
        self._by_toast(title, text)
        return "toast"

    def tray_can_show(self) -> bool:
        """Whether the next message goes through the tray (where a click reaches the app)."""
        icon = self._tray.icon
        return (
            "tray" not in self._broken
            and icon.isVisible()
            and icon.supportsMessages()
            and icon.isSystemTrayAvailable()
        )

    def _by_tray(self, title: str, text: str) -> bool:
        if not self.tray_can_show():
            return False
        icon = self._tray.icon
        icon.showMessage(title, text, icon.icon(), NOTE_MS)
        return True

    def _by_plyer(self, title: str, text: str) -> bool:
        from plyer import notification  # imported late: it costs start-up time

        notification.notify(title=title, message=text, app_name="posture-app", timeout=8)
        return True

    def _by_toast(self, title: str, text: str) -> None:
        """A small notice on the toast stack, gone after NOTE_MS."""
        import html  # only for this fallback: it loads a large table of entities

        from posture_app.ui import look

        body = html.escape(text).replace("\n", "<br>")
        notice = QLabel(f"<b>{html.escape(title)}</b><br>{body}")
        notice.setTextFormat(Qt.TextFormat.RichText)
        notice.setWordWrap(True)
        notice.setMaximumWidth(NOTE_WIDTH_PX)
        notice.setMargin(NOTE_MARGIN_PX)
        notice.setAccessibleName(title)
        notice.setAccessibleDescription(text)
        look.make_toast(notice)
        self._notices.append(notice)
        # The notice is the timer's context: a notice already gone takes its timer with it.
        QTimer.singleShot(NOTE_MS, notice, lambda: self._drop(notice))
        self._toast_stack().add(notice)

    def _drop(self, notice: QLabel) -> None:
        """Take a notice down (its stack lets the toasts above it move down) and free it."""
        if notice in self._notices:
            self._notices.remove(notice)
        notice.close()
        notice.deleteLater()

    def _own_stack(self) -> ToastStack:
        """A stack of its own, for a notifier used without a presenter."""
        if self._stack is None:
            from posture_app.ui.prompts import ToastStack

            self._stack = ToastStack()
        return self._stack


class Presenter(QObject):
    """Owns the prompt widgets on screen; answers go to the controller."""

    rated = Signal(int, object, str)  # score, Area | None, note
    safety_requested = Signal()

    def __init__(
        self,
        controller: Controller,
        tray: Tray,
        settings: Settings,
        resources: Path,
        parent: QObject | None = None,
        chime: Chime | None = None,
    ) -> None:
        super().__init__(parent)
        self._chime = chime or NullChime()
        self._controller = controller
        self.settings = settings
        self._resources = resources
        self._toasts: ToastStack | None = None
        self._notifier = Notifier(tray, self._toast_stack)
        self._open: dict[str, QWidget] = {}
        self._last_chime: datetime | None = None
        #: The last exercise offered (so the next one differs, across restarts too).
        self.last_exercise: str | None = None
        self._clickable: str | None = None  # the gentle prompt whose message the tray shows
        controller.prompt_shown.connect(self.show_prompt)
        controller.prompt_ended.connect(self._ended)
        tray.icon.messageClicked.connect(self._gentle_clicked)

    def notify(self, title: str, text: str) -> str:
        """Tell the user something, by the first way that works."""
        self._clickable = None  # a click on this message answers no prompt
        return self._notifier.notify(title, text)

    @property
    def open_widgets(self) -> dict[str, QWidget]:
        """Prompt widgets on screen, by prompt id (for tests)."""
        return dict(self._open)

    def show_prompt(self, event: PromptShown) -> None:
        """Show a prompt the scheduler asked for."""
        prompt = event.prompt
        kind = prompt.kind
        insist = self.settings.insistence
        if self.settings.sound:
            self._play_chime()
        if kind is Kind.STIFFNESS:
            self.ask_stiffness(prompt, event.slot)
            return
        if insist is Insistence.GENTLE:
            title, text = _gentle_text(kind)
            clickable = self._notifier.tray_can_show()
            self.notify(title, text + ("\n(Click to mark it done.)" if clickable else ""))
            self._clickable = prompt.uuid if clickable else None
            return
        from posture_app.core.content import POSTURE_CHECK
        from posture_app.ui.prompts import (
            TOAST_TIMEOUT_S,
            ExerciseWindow,
            HydrationToast,
            PostureToast,
        )

        firm = insist is Insistence.FIRM
        widget: PromptWidget
        if kind is Kind.POSTURE:
            widget = PostureToast(
                prompt, POSTURE_CHECK, timeout_s=TOAST_TIMEOUT_S,
                snooze_minutes=self.settings.snooze_minutes, firm=firm,
            )  # fmt: skip
        elif kind is Kind.HYDRATION:
            widget = HydrationToast(
                prompt,
                today_ml=self._controller.water_logged_today(),
                goal_ml=self.settings.water_goal_ml,
                glass_ml=self.settings.glass_ml,
                timeout_s=TOAST_TIMEOUT_S,
                firm=firm,
            )
        else:
            widget = ExerciseWindow(
                prompt,
                self._exercise_for(kind),
                seconds=self._seconds_for(kind),
                kind=kind,
                snooze_minutes=self.settings.snooze_minutes,
                firm=firm,
                resources=self._resources,
            )
        self._open_widget(prompt, widget)
        forget_module_sources()  # the prompt modules were just loaded (at the first prompt)

    def ask_stiffness(self, prompt: Prompt | None, slot: Slot | None = None) -> None:
        """The 0-10 rating: for a morning/evening prompt, or from the menu at any time."""
        if prompt is None and "rating" in self._open:
            self._open["rating"].raise_()
            return
        from posture_app.ui.prompts import StiffnessDialog

        # No countdown of its own (a timer waking every second for ten minutes while nobody is
        # there): the scheduler's prompt expiry takes the dialog down.
        dialog = StiffnessDialog(prompt, question=_QUESTIONS[slot], timeout_s=0)
        dialog.rated.connect(self.rated.emit)
        dialog.safety_requested.connect(self.safety_requested.emit)
        if prompt is None:
            self._open["rating"] = dialog
            dialog.finished.connect(lambda: self._open.pop("rating", None))
            dialog.show()
            return
        self._open_widget(prompt, dialog)

    def _open_widget(self, prompt: Prompt, widget: PromptWidget) -> None:
        from posture_app.ui import look
        from posture_app.ui.prompts import HydrationToast, PostureToast

        widget.answered.connect(self._answered)
        widget.finished.connect(lambda: self._open.pop(prompt.uuid, None))
        self._open[prompt.uuid] = widget
        # Toasts stack so prompts due together do not overlap; firm ones are ordinary windows.
        if (
            isinstance(widget, PostureToast | HydrationToast)
            and widget.windowType() == look.TOAST_WINDOW_TYPE
        ):
            self._toast_stack().add(widget)
        else:
            widget.show()

    def _toast_stack(self) -> ToastStack:
        """The one stack of prompt toasts and in-app notices (made at the first toast)."""
        if self._toasts is None:
            from posture_app.ui.prompts import ToastStack

            self._toasts = ToastStack(self)
        return self._toasts

    def _answered(self, prompt_id: str, outcome: object) -> None:
        assert isinstance(outcome, Outcome)
        self._controller.respond(prompt_id, outcome)

    def _ended(self, event: PromptEnded) -> None:
        """A prompt ended elsewhere (expired, or water logged from the menu): take it down."""
        if self._clickable == event.prompt.uuid:
            self._clickable = None
        widget = self._open.pop(event.prompt.uuid, None)
        if widget is not None:
            widget.withdraw()  # type: ignore[attr-defined]  # no second outcome

    def _gentle_clicked(self) -> None:
        """The user clicked the tray message of a gentle prompt: done."""
        if self._clickable is not None:
            prompt_id, self._clickable = self._clickable, None
            self._controller.respond(prompt_id, Outcome.DONE)

    def _play_chime(self) -> None:
        """One chime for prompts that fall due together."""
        now = self._controller.clock.now()
        last = self._last_chime
        if last is None or not 0 <= seconds_between(last, now) < CHIME_GAP_S:
            self._chime.play()
            self._last_chime = now

    def _exercise_for(self, kind: Kind) -> Exercise | MovementBreak:
        from posture_app.core.content import MOVEMENT_BREAK, exercise, next_exercise

        if kind is Kind.EYES:
            return exercise("look-far-away")
        if kind is Kind.BREAK:
            return MOVEMENT_BREAK
        chosen = next_exercise(self.last_exercise)
        self.last_exercise = chosen.id
        return chosen

    def _seconds_for(self, kind: Kind) -> int:
        s = self.settings
        if kind is Kind.BREAK:
            return s.break_duration_minutes * 60
        if kind is Kind.EYES:
            return s.eyes_seconds
        return s.stretch_seconds


def _gentle_text(kind: Kind) -> tuple[str, str]:
    """Title and text of a gentle prompt (a tray message rather than a window)."""
    if kind is Kind.POSTURE:
        from posture_app.core.content import POSTURE_CHECK

        return "Posture check", " · ".join(POSTURE_CHECK)
    return _GENTLE_TEXT[kind]
