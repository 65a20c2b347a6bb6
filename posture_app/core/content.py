"""Health content as pure data: desk exercises, posture check, tips and the safety note.

Every text is written for this app in plain words and names the public guidance it rests on
(see ``docs/content.md``). The app gives no advice about medicines and names none; every
exercise ends with :data:`STOP_IF_WORSE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum, auto

from posture_app.core.model import Area

_KEBAB_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Focus(StrEnum):
    """What an exercise is mainly for; the stretch prompt can rotate within one focus."""

    LOW_BACK = auto()
    NECK_SHOULDERS = auto()
    HIPS_LEGS = auto()
    EYES = auto()
    BREATHING = auto()

    @property
    def label(self) -> str:
        """A short heading for this focus, e.g. "Neck and shoulders"."""
        return _FOCUS_LABELS[self]


_FOCUS_LABELS: dict[Focus, str] = {
    Focus.LOW_BACK: "Low back",
    Focus.NECK_SHOULDERS: "Neck and shoulders",
    Focus.HIPS_LEGS: "Hips and legs",
    Focus.EYES: "Eyes",
    Focus.BREATHING: "Breathing",
}


class Position(StrEnum):
    """How the exercise is done; every exercise fits at a desk in office clothes."""

    SEATED = auto()
    STANDING = auto()


@dataclass(frozen=True)
class Source:
    """The public guidance a text rests on: a short citation and its web address."""

    name: str
    url: str


@dataclass(frozen=True)
class Tip:
    """One short piece of advice with its source."""

    text: str
    source: Source


@dataclass(frozen=True)
class Exercise:
    """One guided micro-exercise: what to do, for how long, and where it comes from."""

    id: str
    title: str
    steps: tuple[str, ...]
    duration_seconds: int
    focus: Focus
    areas: tuple[Area, ...]
    source: Source
    illustration: str
    position: Position

    def __post_init__(self) -> None:
        """Reject malformed entries early, when the module is imported."""
        if not _KEBAB_ID.fullmatch(self.id):
            raise ValueError(f"exercise id {self.id!r} is not kebab-case")
        if self.illustration != f"{self.id}.svg":
            raise ValueError(f"exercise {self.id!r}: illustration must be {self.id}.svg")
        if not self.steps or self.duration_seconds <= 0:
            raise ValueError(f"exercise {self.id!r} needs steps and a positive duration")


@dataclass(frozen=True)
class MovementBreak:
    """The longer "stand up and walk" break."""

    title: str
    steps: tuple[str, ...]
    duration_seconds: int
    source: Source


@dataclass(frozen=True)
class SafetyNote:
    """Symptoms that need a doctor, urgently or soon; shown calmly, with no medicine advice."""

    intro: str
    urgent_heading: str
    urgent: tuple[str, ...]
    urgent_reason: str
    soon_heading: str
    soon: tuple[str, ...]
    closing: str
    source: Source


# Sources. Names are short citations; the addresses are the bodies' public pages.

NHS_INFORM_BACK = Source(
    "NHS inform, exercises for back pain",
    "https://www.nhsinform.scot/illnesses-and-conditions/muscle-bone-and-joints/"
    "neck-and-back-problems-and-conditions/exercises-for-back-pain/",
)
NHS_SITTING = Source(
    "NHS, sitting exercises",
    "https://www.nhs.uk/live-well/exercise/sitting-exercises/",
)
NHS_FLEXIBILITY = Source(
    "NHS, flexibility exercises",
    "https://www.nhs.uk/live-well/exercise/flexibility-exercises/",
)
NHS_STRENGTH = Source(
    "NHS, strength exercises",
    "https://www.nhs.uk/live-well/exercise/strength-exercises/",
)
NHS_STRETCH = Source(
    "NHS, how to stretch after exercising",
    "https://www.nhs.uk/live-well/exercise/how-to-stretch-after-exercising/",
)
NHS_BREATHING = Source(
    "NHS, breathing exercises for stress",
    "https://www.nhs.uk/mental-health/self-help/guides-tools-and-activities/"
    "breathing-exercises-for-stress/",
)
NHS_WATER = Source(
    "NHS Eatwell Guide, water, drinks and hydration",
    "https://www.nhs.uk/live-well/eat-well/food-guidelines-and-food-labels/water-drinks-nutrition/",
)
NHS_BACK_PAIN = Source("NHS, back pain", "https://www.nhs.uk/conditions/back-pain/")
NHS_NEWCASTLE_BODY_CHECK = Source(
    "Newcastle Hospitals NHS occupational health, 1-minute body check",
    "https://newcastle-hospitals.nhs.uk/services/newcastle-occupational-health-service/"
    "physiotherapy/1-minute-body-check",
)
MAYO_OFFICE_STRETCHES = Source(
    "Mayo Clinic, office stretches",
    "https://www.mayoclinic.org/healthy-lifestyle/adult-health/multimedia/stretching/sls-20076525",
)
MAYO_ERGONOMICS = Source(
    "Mayo Clinic, office ergonomics",
    "https://www.mayoclinic.org/healthy-lifestyle/adult-health/in-depth/office-ergonomics/"
    "art-20046169",
)
NICE_NG59 = Source(
    "NICE NG59, low back pain and sciatica (2016)",
    "https://www.nice.org.uk/guidance/ng59",
)
AAO_COMPUTER = Source(
    "American Academy of Ophthalmology, computers and your eyes",
    "https://www.aao.org/eye-health/tips-prevention/computer-usage",
)
WHO_2020 = Source(
    "WHO guidelines on physical activity and sedentary behaviour (2020)",
    "https://www.who.int/publications/i/item/9789240015128",
)
BUCKLEY_2015 = Source(
    "Buckley et al., Br J Sports Med 2015 (the sedentary office)",
    "https://doi.org/10.1136/bjsports-2015-094618",
)
DUNSTAN_2012 = Source(
    "Dunstan et al., Diabetes Care 2012 (breaking up sitting)",
    "https://doi.org/10.2337/dc11-1931",
)
WAONGENNGARM_2018 = Source(
    "Waongenngarm et al., Applied Ergonomics 2018 (breaks at work)",
    "https://doi.org/10.1016/j.apergo.2017.12.003",
)
EFSA_WATER = Source(
    "EFSA, dietary reference values for water (2010)",
    "https://www.efsa.europa.eu/en/efsajournal/pub/1459",
)
HSE_LIFTING = Source(
    "HSE, good handling technique",
    "https://www.hse.gov.uk/msd/manual-handling/good-handling-technique.htm",
)


#: Shown as the last step of every exercise (and so with every stretch).
STOP_IF_WORSE = "Stop if anything hurts more or feels wrong."


def _exercise(
    id: str,
    title: str,
    steps: tuple[str, ...],
    seconds: int,
    focus: Focus,
    areas: tuple[Area, ...],
    source: Source,
    position: Position,
) -> Exercise:
    """Build an exercise whose illustration is ``<id>.svg`` and whose last step is the stop line."""
    return Exercise(
        id=id,
        title=title,
        steps=(*steps, STOP_IF_WORSE),
        duration_seconds=seconds,
        focus=focus,
        areas=areas,
        source=source,
        illustration=f"{id}.svg",
        position=position,
    )


_SEATED = Position.SEATED
_STANDING = Position.STANDING

#: The exercise library, ordered so that rotating through it changes body area each time.
EXERCISES: tuple[Exercise, ...] = (
    _exercise(
        "seated-posture-hold",
        "Sit tall",
        (
            "Sit near the front of your chair with your feet flat.",
            "Lift your chest and let your lower back curve gently in.",
            "Hold for a few easy breaths, then relax.",
            "Do this 5 times.",
        ),
        60,
        Focus.LOW_BACK,
        (Area.LOWER_BACK, Area.UPPER_BACK),
        NHS_INFORM_BACK,
        _SEATED,
    ),
    _exercise(
        "chin-tuck",
        "Chin tuck",
        (
            "Sit tall and look straight ahead.",
            "Slide your chin straight back, as if making a double chin.",
            "Hold for 5 seconds, then relax.",
            "Do this 5 times.",
        ),
        45,
        Focus.NECK_SHOULDERS,
        (Area.NECK,),
        MAYO_OFFICE_STRETCHES,
        _SEATED,
    ),
    _exercise(
        "standing-hip-flexor-stretch",
        "Hip flexor stretch",
        (
            "Stand with one hand on your desk and step one foot back.",
            "Tuck your hips under and bend your front knee a little.",
            "Feel a gentle stretch at the front of the back hip and hold for 20 seconds.",
            "Swap legs and repeat.",
        ),
        60,
        Focus.HIPS_LEGS,
        (Area.HIPS, Area.LOWER_BACK),
        NICE_NG59,
        _STANDING,
    ),
    _exercise(
        "look-far-away",
        "Look far away",
        (
            "Look away from your screen at something about 6 metres away.",
            "Keep looking for 20 seconds.",
            "Blink slowly a few times.",
        ),
        20,
        Focus.EYES,
        (),
        AAO_COMPUTER,
        _SEATED,
    ),
    _exercise(
        "seated-twist",
        "Seated twist",
        (
            "Sit tall with both feet flat on the floor.",
            "Turn your upper body slowly to the right and look over your shoulder.",
            "Hold for 10 seconds, then turn back to the middle.",
            "Repeat to the left.",
        ),
        45,
        Focus.LOW_BACK,
        (Area.LOWER_BACK, Area.UPPER_BACK),
        NHS_SITTING,
        _SEATED,
    ),
    _exercise(
        "shoulder-rolls",
        "Shoulder rolls",
        (
            "Sit tall with your arms relaxed.",
            "Roll your shoulders slowly forwards 5 times.",
            "Then roll them backwards 5 times.",
        ),
        30,
        Focus.NECK_SHOULDERS,
        (Area.SHOULDERS, Area.NECK),
        NHS_NEWCASTLE_BODY_CHECK,
        _SEATED,
    ),
    _exercise(
        "calf-raises",
        "Calf raises",
        (
            "Stand behind your chair and rest your hands on it.",
            "Rise slowly onto your toes.",
            "Lower your heels slowly back down.",
            "Do this 10 times.",
        ),
        45,
        Focus.HIPS_LEGS,
        (Area.LEGS,),
        NHS_STRENGTH,
        _STANDING,
    ),
    _exercise(
        "standing-back-extension",
        "Standing back bend",
        (
            "Stand with your feet apart and your hands on your hips.",
            "Lean back gently from your waist, looking ahead.",
            "Hold for a breath, then stand straight again.",
            "Do this 5 times.",
        ),
        45,
        Focus.LOW_BACK,
        (Area.LOWER_BACK,),
        NHS_INFORM_BACK,
        _STANDING,
    ),
    _exercise(
        "neck-side-stretch",
        "Neck side stretch",
        (
            "Sit tall and let your shoulders drop.",
            "Tilt your head slowly so your right ear moves towards your right shoulder.",
            "Hold for 10 seconds, then come back to the middle.",
            "Repeat to the left.",
        ),
        45,
        Focus.NECK_SHOULDERS,
        (Area.NECK, Area.SHOULDERS),
        NHS_SITTING,
        _SEATED,
    ),
    _exercise(
        "slow-breathing",
        "Slow breathing",
        (
            "Sit comfortably with your feet flat and a hand on your belly.",
            "Breathe in gently through your nose for a count of 5.",
            "Breathe out slowly through your mouth for a count of 5.",
            "Keep going for a minute, without forcing it.",
        ),
        60,
        Focus.BREATHING,
        (),
        NHS_BREATHING,
        _SEATED,
    ),
    _exercise(
        "seated-knee-to-chest",
        "Knee to chest",
        (
            "Sit tall with both feet on the floor.",
            "Hold one knee with both hands and draw it gently towards your chest.",
            "Hold for about 30 seconds, then lower your foot.",
            "Swap legs and repeat.",
        ),
        75,
        Focus.LOW_BACK,
        (Area.LOWER_BACK, Area.HIPS),
        MAYO_OFFICE_STRETCHES,
        _SEATED,
    ),
    _exercise(
        "shoulder-blade-squeeze",
        "Shoulder blade squeeze",
        (
            "Sit tall, away from the back of your chair.",
            "Draw your shoulders back and down and squeeze your shoulder blades together.",
            "Hold for 5 seconds, then relax.",
            "Do this 5 times.",
        ),
        45,
        Focus.NECK_SHOULDERS,
        (Area.SHOULDERS, Area.UPPER_BACK),
        NHS_SITTING,
        _SEATED,
    ),
    _exercise(
        "seated-hamstring-stretch",
        "Seated hamstring stretch",
        (
            "Sit near the front of your chair.",
            "Stretch one leg out with the heel on the floor and toes up.",
            "Keep your back straight and lean forward from your hips for 20 seconds.",
            "Swap legs and repeat.",
        ),
        60,
        Focus.HIPS_LEGS,
        (Area.LEGS, Area.HIPS),
        NHS_STRETCH,
        _SEATED,
    ),
    _exercise(
        "seated-pelvic-tilt",
        "Seated pelvic tilt",
        (
            "Sit tall with your feet flat and hands on your thighs.",
            "Roll your hips back so your lower back rounds a little.",
            "Then roll them forward so your lower back arches a little.",
            "Rock slowly like this 5 times.",
        ),
        45,
        Focus.LOW_BACK,
        (Area.LOWER_BACK, Area.HIPS),
        NHS_NEWCASTLE_BODY_CHECK,
        _SEATED,
    ),
    _exercise(
        "neck-turn",
        "Neck turn",
        (
            "Sit tall and look straight ahead.",
            "Turn your head slowly to look over your right shoulder.",
            "Hold for 5 seconds, then turn slowly to the left.",
            "Do this 3 times each way.",
        ),
        45,
        Focus.NECK_SHOULDERS,
        (Area.NECK,),
        NHS_FLEXIBILITY,
        _SEATED,
    ),
    _exercise(
        "seated-forward-bend",
        "Seated forward bend",
        (
            "Sit near the front of your chair with your feet apart.",
            "Breathe out and slowly lean forward, letting your arms hang down.",
            "Hold for a few breaths, then roll slowly back up.",
        ),
        30,
        Focus.LOW_BACK,
        (Area.LOWER_BACK, Area.UPPER_BACK),
        NICE_NG59,
        _SEATED,
    ),
    _exercise(
        "seated-marching",
        "Seated marching",
        (
            "Sit tall and hold the sides of your chair.",
            "Lift one knee as high as is comfortable, then put the foot down.",
            "Swap legs and keep a steady march for 30 seconds.",
        ),
        30,
        Focus.HIPS_LEGS,
        (Area.HIPS, Area.LEGS),
        NHS_SITTING,
        _SEATED,
    ),
)


#: The posture check: quick items to run through while sitting.
POSTURE_CHECK: tuple[str, ...] = (
    "Feet flat on the floor or on a footrest.",
    "Back against the chair, with your lower back supported.",
    "Shoulders relaxed and elbows close to your sides.",
    "Top of the screen at or just below eye level, about an arm's length away.",
)
POSTURE_CHECK_SOURCE = MAYO_ERGONOMICS

#: The longer break: stand up and walk for a few minutes.
MOVEMENT_BREAK = MovementBreak(
    title="Time to stand up and move",
    steps=(
        "Stand up and stretch tall.",
        "Walk for a few minutes: fetch some water, take the stairs or step outside.",
        "Let your shoulders and arms swing loosely as you go.",
        "Come back when you are ready; your work will wait.",
    ),
    duration_seconds=5 * 60,
    source=BUCKLEY_2015,
)

#: The hydration prompt.
HYDRATION_TIP = Tip(
    "Time for a glass of water. Water, milk, tea and coffee all count.",
    NHS_WATER,
)

#: Short tips on the common causes of back stiffness at a desk.
TIPS: tuple[Tip, ...] = (
    Tip(
        "Sitting less and moving more is good for you, at any pace. Every bit counts.",
        WHO_2020,
    ),
    Tip(
        "Over time, aim for about 2 hours a day of standing and light movement at work.",
        BUCKLEY_2015,
    ),
    Tip(
        "Short walks add up: in one study, 2 minutes of easy walking every 20 minutes"
        " lowered blood sugar after meals.",
        DUNSTAN_2012,
    ),
    Tip(
        "Short active breaks ease aches without getting in the way of your work.",
        WAONGENNGARM_2018,
    ),
    Tip(
        "Regular exercise of any kind, like walking, yoga or strength work, helps keep"
        " your back strong.",
        NICE_NG59,
    ),
    Tip(
        "When you lift, keep the load close, bend your knees and avoid twisting.",
        HSE_LIFTING,
    ),
    Tip(
        "Stress keeps muscles tense. A minute of slow breathing can help you let go.",
        NHS_BREATHING,
    ),
    Tip(
        "Drink regularly through the day: about 6 to 8 glasses of fluid, more when it is hot.",
        NHS_WATER,
    ),
    Tip(
        "Most adults need about 2 to 2.5 litres of water a day, and food gives some of it.",
        EFSA_WATER,
    ),
    Tip(
        "Stiff in the morning? It often eases once you get moving, so start the day gently.",
        NHS_BACK_PAIN,
    ),
)

#: When to see a doctor: the red flags for back pain.
SAFETY_NOTE = SafetyNote(
    intro=(
        "Most back pain and stiffness is not serious and gets better with gentle movement."
        " A few signs mean you should see a doctor."
    ),
    urgent_heading="Get urgent medical help now if you have back pain with any of these:",
    urgent=(
        "New trouble passing urine, or you cannot control your bladder or bowel.",
        "Numbness around your genitals, bottom or inner thighs.",
        "Weakness or numbness in both legs, or in a leg that is getting worse.",
    ),
    urgent_reason=(
        "These can be signs of pressure on the nerves at the base of the spine"
        " (cauda equina syndrome), which needs treatment quickly."
    ),
    soon_heading="See a doctor soon if your back pain comes with any of these:",
    soon=(
        "A fever, or you feel generally unwell.",
        "You have had cancer in the past.",
        "You are losing weight without trying.",
        "It started after a bad fall or an injury.",
        "You have weak bones (osteoporosis), or a condition or treatment that weakens them.",
        "The pain is constant and does not ease at night.",
        "It is new and you are under 20 or over 55.",
        "The pain is in your upper back.",
        "It is no better after a few weeks.",
    ),
    closing=(
        "If you are not sure, it is always fine to ask a doctor, nurse or physiotherapist."
        " This app cannot check your health."
    ),
    source=NICE_NG59,
)


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id; KeyError if there is none."""
    for item in EXERCISES:
        if item.id == exercise_id:
            return item
    known = ", ".join(item.id for item in EXERCISES)
    raise KeyError(f"unknown exercise id {exercise_id!r}; known ids: {known}")


def exercises_for(focus: Focus) -> tuple[Exercise, ...]:
    """The exercises with this focus, in library order."""
    return tuple(item for item in EXERCISES if item.focus is focus)


def next_exercise(previous_id: str | None, focus: Focus | None = None) -> Exercise:
    """The exercise after ``previous_id`` in library order, optionally within one focus.

    Starts from the first matching exercise when ``previous_id`` is None or unknown (an id
    stored by an older version), so a stored id never breaks the prompt. Going round the
    library this way shows every matching exercise once before any repeats.
    """
    ids = [item.id for item in EXERCISES]
    start = ids.index(previous_id) + 1 if previous_id in ids else 0
    for offset in range(len(EXERCISES)):
        candidate = EXERCISES[(start + offset) % len(EXERCISES)]
        if focus is None or candidate.focus is focus:
            return candidate
    raise LookupError(f"no exercise has focus {focus}")
