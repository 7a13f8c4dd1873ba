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
from typing import Any

from hubcli.models import Paper
from hubcli.render.dates import citation_date
from hubcli.text import safe

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
    when = citation_date(paper)
    year = str(when[0]) if when else ""
    title_word = next((w for w in re.findall(r"[A-Za-z]{4,}", paper.title or "")), "paper").lower()
    return f"{base}{year}{title_word}"


# a citation key as BibTeX, biber and pybtex all read it
_OWN_KEY = re.compile(r"^[A-Za-z0-9_:./+\-]{1,100}$")
_MONTH_MACROS = {name: name[:3].lower() for name in ("January", "February", "March", "April", "May", "June", "July",
                                                     "August", "September", "October", "November", "December")}


def _balanced(value: str) -> bool:
    depth = 0
    for token in _LATEX_TOKEN.findall(value):
        depth += {"{": 1, "}": -1, "\\{": 1, "\\}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0 and not value.endswith("\\")


def _own_value(value: str, plain: bool) -> str:
    """A field of an imported entry: as it came in (LaTeX kept), unless it is plain text
    (CSL) or would not survive a brace count."""
    text = " ".join(safe(value).split())
    if plain:
        return _bib_text(text)
    return text if _balanced(text) else _bib_latex(text)


def _persons(names: list[str], plain: bool) -> str:
    if plain:
        return " and ".join(a for a in (_bib_author(n) for n in names) if a)
    return " and ".join(n if _balanced(n) else _bib_author(n) for n in names if n.strip())


class BibtexWriter:
    """Writes BibTeX entries batch by batch with keys unique over everything it wrote.

    A streamed export makes one writer and feeds it every chunk, so ``chen2024from`` in
    the first 500 papers and another ``chen2024from`` in the third chunk become
    ``chen2024from`` and ``chen2024from2``.  A paper imported from a library file is
    written back with its own type, key and fields (see ``LibraryState.bib``).
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def key(self, paper: Paper, own: str | None = None) -> str:
        base = own if own and _OWN_KEY.match(own) else _key_base(paper)
        candidate, n = base, 1
        while candidate.lower() in self._used:  # BibTeX's keys are case-insensitive
            n += 1
            candidate = f"{base}{n}"
        self._used.add(candidate.lower())
        return candidate

    def _hub_fields(self, paper: Paper, is_article: bool) -> list[tuple[str, str]]:
        """The fields of a paper hub knows from its feeds."""
        fields: list[tuple[str, str]] = [
            ("title", "{" + _bib_latex(paper.title) + "}"),
            ("author", " and ".join(a for a in (_bib_author(n) for n in paper.authors) if a) or "Anonymous"),
        ]
        when = citation_date(paper)
        if when:
            fields.append(("year", str(when[0])))
            if when[1]:
                fields.append(("month", str(when[1])))
        fields += self._identifiers(paper)
        if paper.journal:
            fields.append(("journal" if is_article else "note", _bib_text(paper.journal)))
        if paper.abstract:
            fields.append(("abstract", _bib_latex(paper.abstract)))
        return fields

    @staticmethod
    def _identifiers(paper: Paper) -> list[tuple[str, str]]:
        fields: list[tuple[str, str]] = []
        if paper.arxiv_id:
            fields += [("eprint", _bib_verbatim(paper.arxiv_id)), ("archivePrefix", "arXiv")]
            if paper.primary_category:
                fields.append(("primaryClass", _bib_verbatim(paper.primary_category)))
        if paper.doi:
            fields.append(("doi", _bib_verbatim(paper.doi)))
        if paper.url:
            fields.append(("url", _bib_verbatim(paper.url)))
        return fields

    def _own_fields(self, paper: Paper, bib: dict[str, Any]) -> list[tuple[str, str]]:
        """An imported entry's own fields and persons as they came in, then the identifiers
        hub knows that it lacks (its arXiv id, DOI, link)."""
        plain = bool(bib.get("plain"))
        persons = bib.get("persons") if isinstance(bib.get("persons"), dict) else {}
        fields: list[tuple[str, str]] = []
        for name, value in bib["fields"].items():
            if isinstance(value, str) and re.fullmatch(r"[A-Za-z][\w\-:.]*", str(name)):
                fields.append((str(name), _own_value(value, plain)))
        people = [(str(role), _persons([str(n) for n in names], plain)) for role, names in (persons or {}).items()
                  if isinstance(names, list) and re.fullmatch(r"[A-Za-z][\w\-]*", str(role))]
        at = next((i + 1 for i, (name, _) in enumerate(fields) if name.lower() == "title"), 0)
        fields[at:at] = people  # the names after the title, as BibTeX tools write them
        have = {name.lower() for name, _ in fields}
        if bib.get("extra"):  # CSL: the entry's extras beside hub's own fields
            if have & {"journal", "booktitle"}:
                have.add("note")  # the container is named already
            own = self._hub_fields(paper, bib.get("type") == "article")
            return [f for f in own if f[0].lower() not in have] + fields
        if "eprint" in have or "arxivid" in have:
            have.update(("archiveprefix", "primaryclass"))
        return fields + [f for f in self._identifiers(paper) if f[0].lower() not in have]

    def entry(self, paper: Paper) -> str:
        bib = paper.library.bib
        if bib and isinstance(bib.get("fields"), dict) and re.fullmatch(r"[A-Za-z]+", str(bib.get("type") or "")):
            kind, fields = str(bib["type"]).lower(), self._own_fields(paper, bib)
            key = self.key(paper, str(bib.get("key") or ""))
        else:
            is_article = bool(paper.doi and paper.journal and not paper.arxiv_id)
            kind, fields, key = ("article" if is_article else "misc"), self._hub_fields(paper, is_article), ""
        body = ",\n".join(_field(name, value) for name, value in fields)
        return f"@{kind}{{{key or self.key(paper)},\n{body}\n}}\n"

    def write(self, papers: Iterable[Paper]) -> str:
        return "\n".join(self.entry(paper) for paper in papers)


def _field(name: str, value: str) -> str:
    if name.lower() == "month" and value in _MONTH_MACROS:  # month = jan, as BibTeX styles expect
        return f"  {name} = {_MONTH_MACROS[value]}"
    return f"  {name} = {{{value}}}"


def to_bibtex(papers: Iterable[Paper]) -> str:
    return BibtexWriter().write(papers)
