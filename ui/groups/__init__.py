"""社群 page: groups, their members and SOP calendars, daily stats and metrics (see ui.groups.page)."""
