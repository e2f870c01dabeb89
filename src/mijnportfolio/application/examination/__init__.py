"""Examination use cases: planning exams and retakes, the overview, the dashboard, calendars."""
