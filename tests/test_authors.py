"""Author names: splitting publishers' author strings, folding and matching (SPEC: matching
forgives case, accents and spacing; ``Hong, Lichan`` and ``L. Hong`` find ``Lichan Hong``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from hubcli.authors import fold, name_key, names_match, split_authors, tex_to_unicode

CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# --------------------------------------------------------------------------------------
# splitting
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Jun Cui", ["Jun Cui"]),
        ("Michael Cooper, Samuel Cooper", ["Michael Cooper", "Samuel Cooper"]),
        # arXiv: double space before a mononym
        ("Anamta Khan, Ratna Kandala,  Deepti, Sheza Munir, Joyojeet Pal",
         ["Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir", "Joyojeet Pal"]),
        (" Boulite, Abdellatif Elgrou", ["Boulite", "Abdellatif Elgrou"]),
        # arXiv: affiliations in parentheses, with commas and "and" inside
        ("Tianliang Yan (University of Birmingham, School of Physics and Astronomy, Birmingham, United Kingdom), "
         "Yubao Liu (Center for Gravitational Experiment, Huazhong University of Science and Technology, Wuhan, China)",
         ["Tianliang Yan", "Yubao Liu"]),
        ("Jadelynn Dao (Andrew and Peggy Cherng Department of Medical Engineering, Division of Engineering and "
         "Applied Science, California Institute of Technology, Pasadena, CA, USA), Sarah Solomon (Dartmouth "
         "Hitchcock Medical Center and Clinics, Adult Psychiatry Residency, Lebanon, NH, USA)",
         ["Jadelynn Dao", "Sarah Solomon"]),
        ("A. One (Lab [x, y]), B. Two", ["A. One", "B. Two"]),
        # "A, B and C" / "A and B"
        ("Ada Lovelace, Charles Babbage and Alan Turing", ["Ada Lovelace", "Charles Babbage", "Alan Turing"]),
        ("Ada Lovelace and Alan Turing", ["Ada Lovelace", "Alan Turing"]),
        # bioRxiv: SURNAME, I. — every name holds a comma
        ("LAPALU, N., SIMON, A., Lu, A., Plaumann, P.-L., Amselem, J., Pigne, S., Auger, A., Koch, C., "
         "Dallery, J.-F., O'Connell, R. J.",
         ["LAPALU, N.", "SIMON, A.", "Lu, A.", "Plaumann, P.-L.", "Amselem, J.", "Pigne, S.", "Auger, A.",
          "Koch, C.", "Dallery, J.-F.", "O'Connell, R. J."]),
        # Science: one surname-first name
        ("Fuentes, A.", ["Fuentes, A."]),
        # old arXiv RDF: HTML links, collaboration in parentheses
        ('<a href="http://arxiv.org/find/hep-ex/1/au:+Dilks_C/0/1/0/all/0/1">Christopher Dilks</a> '
         "(STAR Collaboration)", ["Christopher Dilks"]),
        ('<a href="x">Shu-Sheng Xu</a>, <a href="y">Zhu-Fang Cui</a>', ["Shu-Sheng Xu", "Zhu-Fang Cui"]),
        # TeX accents as arXiv writes them
        ('J\\"urgen Schmidhuber, \\v{S}imon Sedl\\\'a\\v{c}ek, Pawe{\\l} Nowak',
         ["Jürgen Schmidhuber", "Šimon Sedláček", "Paweł Nowak"]),
        # whitespace inside names, empty parts
        ("  Gbolahan   Ajibola ,\n Jean Leidner ,, ", ["Gbolahan Ajibola", "Jean Leidner"]),
        # UTF-8 names
        ("Aurora Ramírez, José Raúl Romero", ["Aurora Ramírez", "José Raúl Romero"]),
        ("", []),
        ("   ", []),
        (", ,", []),
    ],
)
def test_split_authors(raw: str, names: list[str]) -> None:
    assert split_authors(raw) == names


def test_split_authors_207_names() -> None:
    raw = ", ".join(f"Given{i} Surname{i}" for i in range(207))
    assert len(split_authors(raw)) == 207


@pytest.mark.parametrize(
    ("tex", "text"),
    [('J\\"urgen', "Jürgen"), ("\\v{S}imon Sedl\\'a\\v{c}ek", "Šimon Sedláček"), ("Pawe{\\l}", "Paweł"),
     ("Bj\\o rn", "Bjørn"), ('\\"Ozlem Tu\\u{g}fe Demir', "Özlem Tuğfe Demir"),
     ("\\'Angel Luis Mu\\~noz Casta\\~neda", "Ángel Luis Muñoz Castañeda"), ("Fran\\c{c}ois", "François"),
     ("Mar\\'{\\i}a", "María"), ("{\\O}yvind", "Øyvind"), ("Stra\\ss e", "Straße"), ("plain name", "plain name")],
)
def test_tex_to_unicode(tex: str, text: str) -> None:
    assert tex_to_unicode(tex) == text


# --------------------------------------------------------------------------------------
# folding
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folded"),
    [("Lichan Hong", "lichan hong"), ("  Lichan   HONG ", "lichan hong"), ("Jürgen", "jurgen"),
     ("Weiß", "weiss"), ("Bjørn Ødegård", "bjorn odegard"), ("Łukasz Wróbel", "lukasz wrobel"),
     ("Æsa Œuvre", "aesa oeuvre"), ("Đorđe", "dorde"), ("Þór", "thor"), ("Yıldız", "yildiz"),
     ("O'Connell", "o connell"), ("Jean-Pierre", "jean pierre"), ('J\\"urgen', "jurgen"),
     ("Dr. Ana_María", "dr ana maria"), ("山田 太郎", "山田 太郎"), ("ǿ", "o"), ("İlker", "ilker")],
)
def test_fold(name: str, folded: str) -> None:
    assert fold(name) == folded


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("ǿ")
@example("İ")
@example("ẞ")
@example("ﬀ")
@example('\\"{\\i}')
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip() and "  " not in once


# --------------------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["Lichan Hong", "lichan hong", "LICHAN HONG", "Lichan  Hong", " Lichan Hong ", "Hong, Lichan", "hong,lichan",
     "L. Hong", "L Hong", "Hong, L.", "Hong", "hong"],
)
def test_queries_that_find_lichan_hong(query: str) -> None:
    assert names_match(query, "Lichan Hong")


@pytest.mark.parametrize("candidate", ["Lichan Hongson", "Hong Li", "Lichan Hon", "Li Hong", "Chan Hong",
                                       "Lichan Wong", "Hongson, Lichan", "K. Hong"])
def test_lichan_hong_does_not_find(candidate: str) -> None:
    assert not names_match("Lichan Hong", candidate)


@pytest.mark.parametrize(
    ("query", "candidate"),
    [("Jurgen", "Jürgen"), ("Jurgen Schmidhuber", "Jürgen Schmidhuber"), ("jürgen schmidhuber", "Jurgen Schmidhuber"),
     ("Jurgen Schmidhuber", 'J\\"urgen Schmidhuber'), ("J. Schmidhuber", "Jürgen Schmidhuber"),
     ("Weiss", "Weiß"), ("Bjorn Odegard", "Bjørn Ødegård"), ("Lukasz Wrobel", "Łukasz Wróbel"),
     ("Aurora Ramirez", "Aurora Ramírez"), ("Jose Raul Romero", "José Raúl Romero"),
     ("Fuentes", "Fuentes, A."), ("A. Fuentes", "Fuentes, A."), ("Agustin Fuentes", "Fuentes, A."),
     ("Lapalu", "LAPALU, N."), ("Nicolas Lapalu", "LAPALU, N."), ("R. J. O'Connell", "O'Connell, R. J."),
     ("Richard O'Connell", "O'Connell, R. J."), ("Deepti", "Deepti"), ("David Dunson", "David B. Dunson"),
     ("Neal Evans", "Neal J. Evans II"), ("Neal J. Evans Jr.", "Neal J. Evans")],
)
def test_forgiving_matches(query: str, candidate: str) -> None:
    assert names_match(query, candidate)


@pytest.mark.parametrize(
    ("query", "candidate"),
    [("Jurgen Schmidhuber", "Jürgen Schmidhuberg"), ("Ann Lee", "Ann Leeds"), ("Ann Lee", "Bob Lee"),
     ("", "Ann Lee"), ("   ", "Ann Lee"), ("Lichan Hong", "")],
)
def test_non_matches(query: str, candidate: str) -> None:
    assert not names_match(query, candidate)


@pytest.mark.parametrize(
    "candidate",
    ["Dina Demner-Fushman", "Dina Demner Fushman", "D. Demner-Fushman", "Demner-Fushman, Dina", "DEMNER-FUSHMAN, D.",
     "Dina Demner-Fushman (National Library of Medicine)", "Dina Demnér-Fushman"],
)
def test_a_hyphenated_surname_alone_finds_the_person(candidate: str) -> None:
    for query in ("Demner-Fushman", "demner-fushman", "Demner\u2010Fushman", "Demner\u2013Fushman"):
        assert names_match(query, candidate), (query, candidate)


@pytest.mark.parametrize(
    ("query", "candidate", "matches"),
    [("Demner-Fushman", "Dina Fushman", False), ("Demner-Fushman", "Dina Demner", False),
     ("Demner-Fushman", "Dina Demner-Fushmann", False), ("Fushman", "Dina Demner-Fushman", True),
     ("O'Connell", "O'Connell, R. J.", True), ("O\u2019Connell", "Richard O'Connell", True),
     ("O'Connell", "Richard Connell", False), ("Evans-Jr", "Neal J. Evans Jr.", True),
     # the rules around it hold: an initial glued to a surname, surname prefixes, given-name order
     ("L.Hong", "Lichan Hong", True), ("Hong", "Lichan Hongson", False), ("Hong", "Hong Li", False),
     ("Lichan Hong", "Lichan Hongson", False), ("Hong Li", "Hong Li", True)],
)
def test_compound_surname_rules(query: str, candidate: str, matches: bool) -> None:
    assert names_match(query, candidate) is matches


def test_name_key_shapes() -> None:
    assert name_key("Lichan Hong") == name_key("Hong, Lichan")
    assert name_key("L. Hong").given_initial == "l"
    assert name_key("Tianliang Yan (University of Birmingham, UK)").surname == "yan"
    assert name_key("Neal J. Evans II").surname == "evans"
    assert name_key("Deepti").surname == "deepti" and name_key("Deepti").given == ()


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

_LETTERS = st.characters(categories=["Lu", "Ll"], max_codepoint=0x2FFF)
_TOKEN = st.text(_LETTERS, min_size=1, max_size=10)
_INITIAL = st.builds(lambda c: c + ".", st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
NAMES = st.builds(
    lambda given, surname, sep: sep.join([*given, surname]),
    st.lists(st.one_of(_TOKEN, _INITIAL), max_size=3),
    _TOKEN,
    st.sampled_from([" ", "  ", " \t "]),
)


@settings(max_examples=400, deadline=None)
@given(NAMES)
@example("Deepti")
@example("L. Hong")
@example("Æ")
def test_a_name_matches_itself(name: str) -> None:
    assume(fold(name))
    assert names_match(name, name)
    assert names_match(name.upper(), name) or fold(name.upper()) != fold(name)


def _initials_only(name: str) -> bool:
    return all(re.fullmatch(r"[^\W\d_]{1,2}\.|[A-Z]", t) for t in re.split(r"[\s\-]+", name.strip()) if t)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=8))
def test_split_authors_round_trips_comma_joined_names(names: list[str]) -> None:
    assume(all(fold(n) and " and " not in n.lower() for n in names))
    # initials-only parts ("A.", "J.-F.", "R") would be read as "SURNAME, I." pairs, as bioRxiv writes them
    assume(not any(_initials_only(n) for n in names))
    assert split_authors(", ".join(names)) == [" ".join(n.split()) for n in names]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(
    [",", " ", "  ", "(", ")", "[", "]", " and ", "and", "A.", "B", "Smith", "\x1b", "\u202e", "\x00", "\n", ";",
     "<a href='x'>", "</a>", "&amp;", "\\\"", "\\v{", "}", "{", "\\l", "\\", "é"]), max_size=30).map("".join)))
def test_split_authors_never_returns_empty_or_control_names(raw: str) -> None:
    for name in split_authors(raw):
        assert name and name == name.strip()
        assert not CONTROL_RE.search(name)
        assert "  " not in name
