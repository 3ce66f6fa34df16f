"""Offline sync."""
