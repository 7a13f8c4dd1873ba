"""The typed library calls behind the commands: one call per command, returning a result.

``cli/`` parses options, makes one of these calls and renders what it returns; a second
front end (a local web page) can make the same calls.  Results carry papers or data,
*notices* as catalogue keys with parameters (never translated text), and an exit status.
Nothing here imports Typer or Rich.
"""
