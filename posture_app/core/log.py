"""Loggers that load the `logging` module only when something is logged.

A `report` runs in about 100 ms, and importing `logging` alone costs some 20 ms of that; a
command with nothing to say never needs it. Each module still has its own named logger.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without loading typing (start-up time)
if TYPE_CHECKING:
    import logging

_on_first_use: Callable[[], None] | None = None


def configure_on_first_use(setup: Callable[[], None]) -> None:
    """Run `setup` (e.g. logging.basicConfig) just before the first message is logged."""
    global _on_first_use
    _on_first_use = setup


class Logger:
    """Stands in for `logging.getLogger(name)` until a message is logged."""

    __slots__ = ("_logger", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: logging.Logger | None = None

    def _real(self) -> logging.Logger:
        if self._logger is None:
            global _on_first_use
            import logging

            if _on_first_use is not None:
                setup, _on_first_use = _on_first_use, None
                setup()
            self._logger = logging.getLogger(self._name)
        return self._logger

    def debug(self, msg: str, *args: object) -> None:
        """Log at DEBUG."""
        self._real().debug(msg, *args)

    def info(self, msg: str, *args: object) -> None:
        """Log at INFO."""
        self._real().info(msg, *args)

    def warning(self, msg: str, *args: object) -> None:
        """Log at WARNING."""
        self._real().warning(msg, *args)

    def error(self, msg: str, *args: object) -> None:
        """Log at ERROR."""
        self._real().error(msg, *args)

    def exception(self, msg: str, *args: object) -> None:
        """Log at ERROR with the traceback of the exception being handled."""
        self._real().exception(msg, *args)


def get_logger(name: str) -> Logger:
    """The logger of module `name`."""
    return Logger(name)
