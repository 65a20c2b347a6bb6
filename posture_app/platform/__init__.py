"""OS adapters behind Protocols: idle time, lock and sleep, presenting, autostart.

Each adapter has a null fallback, and `detect()` picks the best one that works here and says
which (for the log and the settings window). The UI talks to these only through the Protocols
in `posture_app.platform.base`.
"""
