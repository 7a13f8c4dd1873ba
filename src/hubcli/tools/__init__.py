"""Maintenance tools (not part of the ``hub`` command)."""
