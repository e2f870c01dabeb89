"""Examination: attempts at exams, the planning of their parts, the overview's status, scoring.

Dates and times are stored as aware UTC and shown in Dutch local time (``local_time``).
"""
