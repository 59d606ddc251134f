"""Triage: business-hours calendars, response-time targets and the priority rule table.

The modules ``calendar``, ``targets`` and ``priority`` are pure: plain dataclasses and functions
that take ``now`` explicitly and never touch the database, the web layer or the clock.
"""
