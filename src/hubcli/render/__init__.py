"""Turning papers into text: Rich panels for the terminal, plain text, and data formats."""

FORMATS = ("panels", "plain", "json", "jsonl", "csv", "markdown", "bibtex")
