"""Renderers for lint results: text for people, JSON for machines."""
