"""The app window: the week in charts, trends, insights and history (its own process)."""
