"""The Qt bindings themselves: a build that leaks references would crash a tray app in hours."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QCheckBox

CALLS = 5000


def test_qt_calls_do_not_leak_references_to_none(qtbot):
    # PySide6 6.12.0 on Python 3.11 loses one reference to None per void call (PYSIDE-3474):
    # an app making a few calls a minute aborts with "none_dealloc" within a day or so.
    box = QCheckBox()
    qtbot.addWidget(box)
    before = sys.getrefcount(None)
    for i in range(CALLS):
        box.setChecked(i % 2 == 0)
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, f"{lost} references to None lost in {CALLS} calls"
