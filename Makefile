# `make run` and `make test` work on a fresh machine: they create .venv and install first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-tray bench-window screenshots clean install-desktop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	@# Bytecode now, as a regular install would, so commands start fast even where
	@# PYTHONDONTWRITEBYTECODE is set (stale files are simply recompiled in memory).
	$(PY) -m compileall -q posture_app
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/run.py

# The tray app against a bare PySide6 tray app under Xvfb (about 7 minutes).
bench-tray: $(STAMP)
	$(PY) -m compileall -q posture_app  # as an install would have it: no compiling at start
	$(PY) bench/tray.py

# The app window with five years of data: open time, week switching, the tray's memory (~2 min).
bench-window: $(STAMP)
	$(PY) -m compileall -q posture_app
	$(PY) bench/window.py

# docs/screenshots/window-*.png and report-*.png from a simulated 12-week data set.
screenshots: $(STAMP)
	$(PY) bench/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info

# Put the launcher and icon where Linux desktops look for them (your user only).
install-desktop: $(STAMP)
	install -Dm644 resources/posture-app.svg $(HOME)/.local/share/icons/hicolor/scalable/apps/posture-app.svg
	sed "s|^Exec=.*|Exec=$(CURDIR)/$(VENV)/bin/posture-app|" resources/posture-app.desktop > .posture-app.desktop
	install -Dm644 .posture-app.desktop $(HOME)/.local/share/applications/posture-app.desktop
	rm .posture-app.desktop
