"""How the graph runs itself: freshness expectations, automation conditions, schedules, failure records."""
