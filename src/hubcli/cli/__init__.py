"""Typer wiring only: options parsed, one library call, the result handed to render.

These modules build their commands inside ``register(app)`` so help texts are read from
the catalogue in the language chosen for this run.  They deliberately do not use
``from __future__ import annotations``: Typer reads the annotations at definition time.
"""
