"""BibTeX: one entry per paper, keys unique over everything one writer wrote.

BibTeX, biber and pybtex read a braced field by counting braces, and they count ``\\{`` and
``\\}`` too: a backslash does not hide a brace from them.  Every field is therefore balanced
as a whole (see :func:`_balance`), keys are unique over the whole output (see
:class:`BibtexWriter`), ``doi`` and ``url`` are verbatim (biblatex reads them so), and a
corporate author is braced so that it is not split into first and last names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from hubcli.models import Paper
from hubcli.render.card import safe

_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
                "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}

# a control word, a control symbol, a lone trailing backslash, a math shift, a run of
# characters that mean nothing to BibTeX or LaTeX here, or one other character
_LATEX_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\\$|\$\$?|[^\\{}$%#&]+|.", re.DOTALL)
_LATEX_SPECIAL = re.compile(r"[\\{}$%#&]")
_MATH_ENV = re.compile(r"\\(begin|end)\{(equation|align|alignat|flalign|gather|multline|eqnarray|displaymath"
                       r"|math|array|matrix|[pbBvV]matrix|smallmatrix|cases|split|aligned|gathered)\*?\}")
_DELIMITER_SIZERS = {rf"\{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m")}
_DELIMITER_SIZERS |= {r"\left", r"\right", r"\middle"}


def _math_flags(text: str, found: list[re.Match[str]], latex: bool) -> list[bool]:
    """For each token, whether it stands in mathematics: ``$ … $``, ``$$ … $$``, ``\\( … \\)``,
    ``\\[ … \\]``, a math environment, or right after a delimiter sizer (``\\left``)."""
    flags: list[bool] = []
    dollar, paren, env, previous = "", 0, 0, ""
    for match in found:
        token = match.group()
        if latex and token in ("$", "$$"):
            dollar = "" if dollar == token else dollar or token
        elif latex and token in ("\\(", "\\["):
            paren += 1
        elif latex and token in ("\\)", "\\]"):
            paren = max(paren - 1, 0)
        elif latex and token in ("\\begin", "\\end"):
            environment = _MATH_ENV.match(text, match.start())
            if environment:
                env = env + 1 if environment.group(1) == "begin" else max(env - 1, 0)
        flags.append(bool(dollar or paren or env or previous in _DELIMITER_SIZERS))
        if not token.isspace():
            previous = token
    return flags


def _unmatched(tokens: list[str]) -> set[int]:
    """The indexes of braces without a partner: grouping braces and escaped braces
    (``\\{ \\}``) are matched separately, each kind innermost first."""
    stacks: dict[str, list[int]] = {"{": [], "\\{": []}
    unmatched: set[int] = set()
    for index, token in enumerate(tokens):
        if token in ("{", "\\{"):
            stacks[token].append(index)
        elif token in ("}", "\\}"):
            stack = stacks[token.replace("}", "{")]
            if stack:
                stack.pop()
            else:
                unmatched.add(index)
    for stack in stacks.values():
        unmatched.update(stack)
    return unmatched


def _lone_brace(token: str, in_math: bool, following: str) -> str:
    """An unmatched brace: ``\\lbrace``/``\\rbrace`` in math, ``\\textbraceleft{}`` /
    ``\\textbraceright{}`` in text (they print the same and hold no brace); an unmatched
    grouping brace is dropped."""
    if token.startswith("\\") and in_math:
        return ("\\lbrace" if token == "\\{" else "\\rbrace") + (" " if following[:1].isalpha() else "")
    if token.startswith("\\"):
        return "\\textbraceleft{}" if token == "\\{" else "\\textbraceright{}"
    return ""


def _balance(text: str, *, latex: bool) -> str:
    r"""``text`` with every brace BibTeX counts matched, LaTeX groups kept as they are.

    Grouping braces and escaped braces (``\{ \}``) are matched separately, each kind
    innermost first; since each kind on its own never closes more than it opened, neither
    does their sum, which is what BibTeX counts.  An unmatched grouping brace is a slip in
    the source and is dropped; an unmatched ``\{`` or ``\}`` (a set written
    ``\left\{ … \right.``) becomes ``\lbrace``/``\rbrace`` in math, ``\textbraceleft{}`` /
    ``\textbraceright{}`` in text, which print the same and hold no brace.  With ``latex``
    the text is the publisher's LaTeX: bare ``%``, ``#`` and (outside an alignment) ``&``
    are escaped, and ``$ … $`` or a math environment counts as math.
    """
    found = list(_LATEX_TOKEN.finditer(text))
    tokens = [match.group() for match in found]
    in_math = _math_flags(text, found, latex)
    unmatched = _unmatched(tokens)
    out: list[str] = []
    for index, token in enumerate(tokens):
        if index in unmatched:
            out.append(_lone_brace(token, in_math[index], tokens[index + 1] if index + 1 < len(tokens) else ""))
        elif token == "\\":
            continue  # a lone trailing backslash would escape the field's closing brace
        elif latex and token in ("%", "#") or latex and token == "&" and not in_math[index]:
            out.append("\\" + token)
        else:
            out.append(token)
    return "".join(out)


def _bib_text(text: str | None) -> str:
    """Plain text (names, a journal) for a braced BibTeX field: every special escaped."""
    plain = safe(text).replace("\n", " ")
    escaped = "".join(_BIB_SPECIAL.get(ch, ch) for ch in plain)
    return _balance(escaped, latex=False) if "{" in plain or "}" in plain else escaped


def _bib_latex(text: str | None) -> str:
    """The publisher's LaTeX (titles, abstracts): kept, only made safe for BibTeX."""
    value = safe(text).replace("\n", " ").strip()
    return _balance(value, latex=True) if _LATEX_SPECIAL.search(value) else value


def _bib_verbatim(text: str | None) -> str:
    """A verbatim field (``doi``, ``url``): written as is, biblatex takes it literally; the
    few characters a .bib file cannot hold there are percent-encoded as in a URL."""
    from urllib.parse import quote

    return re.sub(r"[{}\\\s]", lambda m: quote(m.group(), safe=""), safe(text).strip())


_CORPORATE = re.compile(
    r"\b(collaborations?|consortium|group|team|labs?|laboratory|project|initiative|network|society|association"
    r"|committee|council|organi[sz]ation|institute|alliance|foundation|observatory|investigators|collective"
    r"|agency|corporation|company|inc|ltd|llc|gmbh)\b", re.IGNORECASE)


_INITIAL = re.compile(r"^[A-Z]\.?(?:-[A-Z]\.?)*$")


def is_corporate(name: str) -> bool:
    """``NOvA Collaboration``, ``KBTG Labs``: an organisation, not a person (``R. Group``,
    initials before the word, is a person)."""
    words = name.split()
    if not _CORPORATE.search(name) or len(words) < 2:
        return False
    return not all(_INITIAL.match(word) for word in words[:-1])


def _bib_author(name: str) -> str:
    """One name for ``author``; a corporate author, or a name BibTeX would misread (one
    holding the word ``and``, more than two commas, or ``others``) is braced whole."""
    text = _bib_text(name).strip()
    if (is_corporate(text) or re.search(r"(^|\s)and(\s|$)", text, re.IGNORECASE) or text.count(",") > 2
            or text.lower() == "others" or text.startswith(",") or text.endswith(",")):
        return "{" + text + "}"
    return text


def _key_base(paper: Paper) -> str:
    first = safe(paper.authors[0]) if paper.authors else "anon"
    if is_corporate(first):  # lhaaso2024measurement, not collaboration2024measurement
        words = [w for w in first.split() if w.lower() != "the"]
        surname = words[0] if words else "anon"
    else:
        surname = first.split(",")[0] if "," in first else (first.split() or ["anon"])[-1]
    ascii_surname = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z]", "", ascii_surname) or "anon"
    year = re.sub(r"[^0-9]", "", (paper.published or "")[:4])
    title_word = next((w for w in re.findall(r"[A-Za-z]{4,}", paper.title or "")), "paper").lower()
    return f"{base}{year}{title_word}"


class BibtexWriter:
    """Writes BibTeX entries batch by batch with keys unique over everything it wrote.

    A streamed export makes one writer and feeds it every chunk, so ``chen2024from`` in
    the first 500 papers and another ``chen2024from`` in the third chunk become
    ``chen2024from`` and ``chen2024from2``.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def key(self, paper: Paper) -> str:
        base = _key_base(paper)
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}{n}"
        self._used.add(candidate)
        return candidate

    def entry(self, paper: Paper) -> str:
        is_article = bool(paper.doi and paper.journal and not paper.arxiv_id)
        fields: list[tuple[str, str]] = [
            ("title", "{" + _bib_latex(paper.title) + "}"),
            ("author", " and ".join(a for a in (_bib_author(n) for n in paper.authors) if a) or "Anonymous"),
        ]
        if paper.published and re.match(r"\d{4}-\d{2}", paper.published):
            fields.append(("year", paper.published[:4]))
            fields.append(("month", str(int(paper.published[5:7]))))
        if paper.arxiv_id:
            fields += [("eprint", _bib_verbatim(paper.arxiv_id)), ("archivePrefix", "arXiv")]
            if paper.primary_category:
                fields.append(("primaryClass", _bib_verbatim(paper.primary_category)))
        if paper.doi:
            fields.append(("doi", _bib_verbatim(paper.doi)))
        if paper.journal:
            fields.append(("journal" if is_article else "note", _bib_text(paper.journal)))
        if paper.url:
            fields.append(("url", _bib_verbatim(paper.url)))
        if paper.abstract:
            fields.append(("abstract", _bib_latex(paper.abstract)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        kind = "article" if is_article else "misc"
        return f"@{kind}{{{self.key(paper)},\n{body}\n}}\n"

    def write(self, papers: Iterable[Paper]) -> str:
        return "\n".join(self.entry(paper) for paper in papers)


def to_bibtex(papers: Iterable[Paper]) -> str:
    return BibtexWriter().write(papers)
