"""``hub digest``: what is new since the last digest, briefed, rendered and delivered.

compose (what goes in) -> render (Markdown, HTML, plain text) -> deliver (stdout, files,
mail, Atom, webhooks), with an outbox for what could not be delivered and the schedule
(systemd timer or crontab line).  No typer, no rich here: the CLI is ``cli/digest.py``.
"""
