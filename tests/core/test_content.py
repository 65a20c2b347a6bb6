"""The health content library: complete, sourced, safe, illustrated and rotating."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import pytest

from posture_app.core import content
from posture_app.core.content import (
    EXERCISES,
    HYDRATION_TIP,
    MOVEMENT_BREAK,
    POSTURE_CHECK,
    SAFETY_NOTE,
    STOP_IF_WORSE,
    TIPS,
    Exercise,
    Focus,
    Position,
    Source,
    exercise,
    exercises_for,
    next_exercise,
)

REPO = Path(__file__).resolve().parents[2]
ILLUSTRATIONS = REPO / "resources" / "exercises"
SVG_NS = "{http://www.w3.org/2000/svg}"

# Matched as whole words (plurals included), case-insensitive.
FORBIDDEN_WORDS = (
    "ibuprofen",
    "paracetamol",
    "acetaminophen",
    "aspirin",
    "naproxen",
    "diclofenac",
    "codeine",
    "tramadol",
    "morphine",
    "opioid",
    "nsaid",
    "anti-inflammatory",
    "painkiller",
    "pain killer",
    "pain relief",
    "medication",
    "medicine",
    "drug",
    "pill",
    "tablet",
    "capsule",
    "dose",
    "dosage",
    "prescription",
    "pharmacy",
    "pharmacist",
    "steroid",
    "muscle relaxant",
    "supplement",
    "electrolyte",
    "cream",
    "ointment",
)
_FORBIDDEN = re.compile(
    r"\b(?:" + "|".join(re.escape(word) for word in FORBIDDEN_WORDS) + r")(?:s|es)?\b",
    re.IGNORECASE,
)


def _strings(value: object) -> Iterator[str]:
    """Every string inside a value: dataclass fields, tuples, lists, dicts and enums."""
    if isinstance(value, Enum):
        yield str(value.value)
    elif isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _module_texts() -> list[str]:
    """All strings held by the module's data, public and private (what the UI can show)."""
    texts: list[str] = []
    for name, value in vars(content).items():
        if name.startswith("__") or (callable(value) and not isinstance(value, Enum)):
            continue
        texts.extend(_strings(value))
    texts.extend(focus.label for focus in Focus)
    return texts


def _forbidden_hits(texts: list[str]) -> list[str]:
    return [text for text in texts if _FORBIDDEN.search(text)]


def test_library_has_enough_exercises_with_unique_kebab_ids() -> None:
    ids = [item.id for item in EXERCISES]
    assert len(ids) >= 14
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item_id) for item_id in ids)


def test_every_focus_has_exercises() -> None:
    for focus in Focus:
        assert exercises_for(focus), f"no exercise for {focus}"
    assert len(exercises_for(Focus.LOW_BACK)) >= 5
    assert len(exercises_for(Focus.NECK_SHOULDERS)) >= 3
    assert len(exercises_for(Focus.HIPS_LEGS)) >= 3
    assert {Focus.LOW_BACK, Focus.NECK_SHOULDERS, Focus.HIPS_LEGS, Focus.EYES, Focus.BREATHING} <= {
        item.focus for item in EXERCISES
    }


def test_stretching_exercises_name_body_areas() -> None:
    for item in EXERCISES:
        if item.focus in (Focus.LOW_BACK, Focus.NECK_SHOULDERS, Focus.HIPS_LEGS):
            assert item.areas, item.id


def _all_sources() -> list[Source]:
    sources = [item.source for item in EXERCISES]
    sources += [tip.source for tip in TIPS]
    sources += [HYDRATION_TIP.source, MOVEMENT_BREAK.source, SAFETY_NOTE.source]
    sources.append(content.POSTURE_CHECK_SOURCE)
    return sources


@pytest.mark.parametrize("source", _all_sources(), ids=lambda source: source.name)
def test_every_source_has_a_name_and_an_https_url(source: Source) -> None:
    assert source.name.strip()
    assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/\S*", source.url), source.url


def test_eyes_and_breathing_cite_the_expected_bodies() -> None:
    assert all("aao.org" in item.source.url for item in exercises_for(Focus.EYES))
    assert all("nhs.uk" in item.source.url for item in exercises_for(Focus.BREATHING))
    assert "ng59" in SAFETY_NOTE.source.url.lower()


@pytest.mark.parametrize("item", EXERCISES, ids=lambda item: item.id)
def test_illustration_exists_and_is_titled_svg(item: Exercise) -> None:
    assert item.illustration == f"{item.id}.svg"
    path = ILLUSTRATIONS / item.illustration
    assert path.is_file(), path
    assert path.stat().st_size < 4096
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 200 200"
    title = root.find(f"{SVG_NS}title")
    assert title is not None
    assert title.text == item.title


def test_no_illustration_without_an_exercise() -> None:
    ids = {item.id for item in EXERCISES}
    assert {path.stem for path in ILLUSTRATIONS.glob("*.svg")} == ids


@pytest.mark.parametrize("item", EXERCISES, ids=lambda item: item.id)
def test_exercise_is_desk_friendly_short_and_plain(item: Exercise) -> None:
    assert item.position in (Position.SEATED, Position.STANDING)
    assert item.position in ("seated", "standing")
    assert 0 < item.duration_seconds <= 120
    assert item.title.strip()
    assert 3 <= len(item.steps) <= 5
    for step in item.steps:
        assert step.endswith("."), step
        assert len(step) <= 90, step
    assert not re.search(r"\b(lie|lying|kneel|kneeling|floor exercise)\b", " ".join(item.steps))


def test_every_exercise_ends_with_the_stop_line() -> None:
    assert "stop" in STOP_IF_WORSE.lower()
    assert "hurt" in STOP_IF_WORSE.lower()
    for item in EXERCISES:
        assert item.steps[-1] == STOP_IF_WORSE, item.id
        assert item.steps.count(STOP_IF_WORSE) == 1, item.id


def test_posture_check_movement_break_and_hydration() -> None:
    assert 3 <= len(POSTURE_CHECK) <= 4
    assert MOVEMENT_BREAK.duration_seconds == 5 * 60
    assert MOVEMENT_BREAK.steps
    assert "walk" in " ".join(MOVEMENT_BREAK.steps).lower()
    assert "water" in HYDRATION_TIP.text.lower()


def test_tips_cover_the_causes() -> None:
    assert 6 <= len(TIPS) <= 10
    text = " ".join(tip.text for tip in TIPS).lower()
    for cause in ("sitting", "lift", "stress", "drink", "morning", "exercise"):
        assert cause in text, cause


def test_safety_note_sends_people_to_a_doctor() -> None:
    urgent = " ".join(SAFETY_NOTE.urgent).lower()
    assert "bladder" in urgent
    assert "bowel" in urgent
    assert "numbness" in urgent
    assert "urgent" in SAFETY_NOTE.urgent_heading.lower()
    assert "doctor" in SAFETY_NOTE.soon_heading.lower()
    assert "doctor" in SAFETY_NOTE.closing.lower()
    soon = " ".join(SAFETY_NOTE.soon).lower()
    for flag in ("fever", "cancer", "weight", "fall", "night", "55", "upper back", "weeks"):
        assert flag in soon, flag


def test_the_drug_word_scan_catches_a_planted_word() -> None:
    assert _forbidden_hits(["Take some Ibuprofen.", "painkillers help", "A MEDICATION"]) == [
        "Take some Ibuprofen.",
        "painkillers help",
        "A MEDICATION",
    ]
    assert _forbidden_hits(["Drink water.", "Stop if it hurts."]) == []


def test_no_medicine_words_in_any_text() -> None:
    texts = _module_texts()
    # The scan must actually reach the nested texts.
    assert STOP_IF_WORSE in texts
    assert SAFETY_NOTE.urgent[0] in texts
    assert TIPS[0].source.name in texts
    assert _forbidden_hits(texts) == []


def test_exercise_lookup() -> None:
    first = EXERCISES[0]
    assert exercise(first.id) is first
    with pytest.raises(KeyError, match="nope"):
        exercise("nope")


def test_next_exercise_rotates_through_all_before_repeating() -> None:
    seen: list[str] = []
    previous: str | None = None
    for _ in range(len(EXERCISES)):
        previous = next_exercise(previous).id
        seen.append(previous)
    assert sorted(seen) == sorted(item.id for item in EXERCISES)
    assert next_exercise(previous).id == seen[0]


def test_next_exercise_follows_library_order() -> None:
    for current, following in zip(EXERCISES, EXERCISES[1:] + EXERCISES[:1], strict=True):
        assert next_exercise(current.id) is following


def test_rotation_changes_focus_every_time() -> None:
    for current, following in zip(EXERCISES, EXERCISES[1:] + EXERCISES[:1], strict=True):
        assert current.focus is not following.focus, (current.id, following.id)


def test_next_exercise_never_repeats_back_to_back() -> None:
    for item in EXERCISES:
        assert next_exercise(item.id).id != item.id


@pytest.mark.parametrize("focus", list(Focus))
def test_next_exercise_within_a_focus(focus: Focus) -> None:
    pool = exercises_for(focus)
    seen: list[str] = []
    previous: str | None = None
    for _ in range(len(pool)):
        chosen = next_exercise(previous, focus)
        assert chosen.focus is focus
        seen.append(chosen.id)
        previous = chosen.id
    assert sorted(seen) == sorted(item.id for item in pool)
    # Starting from an exercise of another focus still lands in this focus.
    other = next(item for item in EXERCISES if item.focus is not focus)
    assert next_exercise(other.id, focus).focus is focus


def test_next_exercise_starts_over_for_an_unknown_id() -> None:
    assert next_exercise("retired-exercise") == EXERCISES[0]
    assert next_exercise(None) == EXERCISES[0]


def test_exercise_rejects_a_malformed_entry() -> None:
    good = EXERCISES[0]
    with pytest.raises(ValueError, match="kebab"):
        dataclasses.replace(good, id="Bad Id", illustration="Bad Id.svg")
    with pytest.raises(ValueError, match="illustration"):
        dataclasses.replace(good, illustration="other.svg")
