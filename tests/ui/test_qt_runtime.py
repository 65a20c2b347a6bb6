"""The Qt bindings themselves: a build that leaks references would crash a tray app in hours."""

from __future__ import annotations

import sys
import types

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


def test_pyside_stops_reading_the_source_of_each_imported_module(tmp_path, monkeypatch):
    import builtins
    import linecache

    from posture_app.ui import quiet_pyside_imports

    feature = sys.modules["shibokensupport.feature"]
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # undone after
    assert quiet_pyside_imports()  # the PySide6 we install has the hook
    assert quiet_pyside_imports()  # and a second call leaves it as it is
    names = {"posture_probe_uses_qt": "import PySide6\n", "posture_probe_plain": "X = 1\n"}
    for name, text in names.items():
        (tmp_path / f"{name}.py").write_text(text)
    monkeypatch.syspath_prepend(tmp_path)
    linecache.clearcache()
    try:
        for name in names:
            builtins.__import__(name)  # PySide6's replacement, as an import statement runs it
        # Upstream's answers (0: uses PySide6, -1: ignored by __feature__), no text kept.
        assert feature.pyside_feature_dict["posture_probe_uses_qt"] == 0
        assert feature.pyside_feature_dict["posture_probe_plain"] == -1
        assert not [f for f in linecache.cache if f.startswith(str(tmp_path))]
        # Modules with no source to read: no, as upstream says (without its module tables).
        compiled = types.ModuleType("posture_probe_compiled")
        compiled.__file__ = str(tmp_path / "posture_probe_compiled.cpython-311-x86_64.so")
        assert not feature._mod_uses_pyside(compiled)
        assert not feature._mod_uses_pyside(types.ModuleType("posture_probe_built_in"))
    finally:
        for name in names:
            sys.modules.pop(name, None)
            feature.pyside_feature_dict.pop(name, None)


def test_a_pyside6_without_the_hook_is_left_alone(monkeypatch):
    from posture_app.ui import quiet_pyside_imports

    feature = sys.modules["shibokensupport.feature"]
    monkeypatch.delattr(feature, "_mod_uses_pyside")
    assert not quiet_pyside_imports()


def test_freezing_keeps_the_living_out_of_collections_and_collects_the_garbage_first():
    import gc
    import weakref

    from posture_app.ui import freeze_startup_objects

    class Node:
        pass

    garbage, alive = Node(), Node()
    garbage.self = garbage  # a cycle nobody holds: only the collector frees it
    gone = weakref.ref(garbage)
    del garbage
    gc.disable()  # as the window's process starts
    try:
        freeze_startup_objects()
        assert gone() is None
        assert gc.get_freeze_count() > 0
        assert not any(o is alive for o in gc.get_objects())  # frozen: left out of collections
        assert gc.isenabled()  # collecting again from now on
    finally:
        gc.unfreeze()
        gc.enable()
