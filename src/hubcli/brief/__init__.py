"""``hub brief``: select papers, ask a model for a cross-disciplinary briefing, check its
citations, and append references written from the database.

Modules: :mod:`~hubcli.brief.select` (ranking and the token budget),
:mod:`~hubcli.brief.prompt` (messages from ``prompt_template.md``),
:mod:`~hubcli.brief.llm` (the only place litellm is imported, lazily),
:mod:`~hubcli.brief.cite` (markers and references), :mod:`~hubcli.brief.offline` (the
offline extractive digest), :mod:`~hubcli.brief.cache` (answers kept in the database),
:mod:`~hubcli.brief.config` (which model, and how it is asked) and :mod:`~hubcli.brief.run`
(budget, calls, the document).  ``hubcli.api.brief`` puts them together.

Nothing here imports litellm at module level: ``import hubcli.brief`` stays cheap.
"""
