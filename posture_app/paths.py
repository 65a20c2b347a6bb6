"""Where the app keeps its files: platformdirs' places, or one folder given by --basedir."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "posture-app"
BASEDIR_ENV = "POSTURE_APP_BASEDIR"


@dataclass(frozen=True)
class Paths:
    """The app's folders and the files in them."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    #: The --basedir folder holding the three, if one was given (passed on to the window).
    base: Path | None = None

    @property
    def settings_file(self) -> Path:
        """The user's settings (JSON)."""
        return self.config_dir / "settings.json"

    @property
    def database_file(self) -> Path:
        """The SQLite database of everything recorded."""
        return self.data_dir / "posture.sqlite3"

    @property
    def log_file(self) -> Path:
        """The app's log."""
        return self.log_dir / "posture-app.log"


#: This package's folder.
PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir(package: Path = PACKAGE_DIR) -> Path:
    """The app's icons, exercise drawings and chime (`resources/` in the repository).

    An installed app has them in the package (`posture_app/resources`, put there by the
    wheel's package data); a checkout or an editable install has them beside the package.
    """
    installed = package / "resources"
    return installed if installed.is_dir() else package.parent / "resources"


def resolve_paths(basedir: str | None = None, env: Mapping[str, str] = os.environ) -> Paths:
    """`basedir` (or $POSTURE_APP_BASEDIR) holds config/, data/ and logs/; else platformdirs."""
    base = basedir or env.get(BASEDIR_ENV) or None
    if base:
        root = Path(base).expanduser().absolute()
        return Paths(root / "config", root / "data", root / "logs", root)
    import platformdirs  # only when needed: its import costs more than a whole report

    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
