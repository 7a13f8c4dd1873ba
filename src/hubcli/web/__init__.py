"""``hub serve``: the seed page, a small ASGI app (Starlette, Jinja2, uvicorn).

Nothing here is imported by the read path of the CLI: only ``hub serve`` (``cli/serve.py``)
imports this package, and so starlette, jinja2 and uvicorn.
"""
