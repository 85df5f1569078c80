"""Duet's Django project: the people-facing product."""
