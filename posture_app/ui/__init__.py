"""The Qt layer: tray, prompts and windows. PySide6 is imported only in this package."""
