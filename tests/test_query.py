"""The query language: what a query means (table-driven), what a bad one says, and that no
text makes the parser raise."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.query import (
    MAX_DEPTH,
    And,
    Cat,
    CitedBy,
    Cites,
    Date,
    Digest,
    Is,
    Not,
    Or,
    Tag,
    Week,
    Words,
    Year,
    parse,
)
from reader.core.words import locate, normalise, words


def W(*tokens: str, field: str | None = None) -> Words:
    return Words(field, tuple(tokens))

D = dt.date

MEANINGS = [
    ("lora", W("lora")),
    ("LoRA*", W("lora")),  # words match word starts anyway
    ('"perron frobenius"', W("perron", "frobenius")),
    ("Perron-Frobenius", W("perron", "frobenius")),  # punctuation inside a word: a phrase
    ("“smart quotes”", W("smart", "quotes")),
    ("«guillemets»", W("guillemets")),
    ("Schölkopf", W("scholkopf")),
    ("인코더", W("인코더")),
    ("深度学习", W("深", "度", "学", "习")),
    ("a b", And((W("a"), W("b")))),
    ("a AND b", And((W("a"), W("b")))),
    ("a and b", And((W("a"), W("and"), W("b")))),  # only capitals are operators
    ("a OR b", Or((W("a"), W("b")))),
    ("a b OR c", And((W("a"), Or((W("b"), W("c")))))),  # OR joins its neighbours first
    ("(a b) OR c", Or((And((W("a"), W("b"))), W("c")))),
    ("NOT a", Not(W("a"))),
    ("-a", Not(W("a"))),
    ("NOT NOT a", Not(Not(W("a")))),
    ("-(a OR b)", Not(Or((W("a"), W("b"))))),
    ('-"a b"', Not(W("a", "b"))),
    ("self-supervised -is:read", And((W("self", "supervised"), Not(Is("read"))))),
    ("(tag:vae OR tag:gan) -is:read", And((Or((Tag("vae"), Tag("gan"))), Not(Is("read"))))),
    ("title:diffusion", W("diffusion", field="title")),
    ('title:"deep learning"', W("deep", "learning", field="title")),
    ("TITLE:x", W("x", field="title")),
    ("author:kingma", W("kingma", field="authors")),
    ("note:idea commentary:ablation abstract:bound text:lemma", And((
        W("idea", field="note"), W("ablation", field="commentary"),
        W("bound", field="abstract"), W("lemma", field="text"),
    ))),
    ("tag:#GAN", Tag("gan")),
    ("tag:gen*", Tag("gen", prefix=True)),
    ("tag:attention-transformers", Tag("attention-transformers")),
    ("is:UNREAD", Is("unread")),
    *[(f"is:{state}", Is(state)) for state in ("read", "noted", "fetched", "downloaded", "mentioned", "mismatched")],
    ("digest:2020-07-12", Digest("2020-07-12", ("2020", "07", "12"))),
    ('digest:"Week two"', Digest("Week two", ("week", "two"))),
    ("week:2020-W28", Week("2020-W28")),
    ("week:2020w8", Week("2020-W08")),
    ("date:2020", Date(D(2020, 1, 1), D(2020, 12, 31))),
    ("date:2020-02", Date(D(2020, 2, 1), D(2020, 2, 29))),
    ("date:=2020-07-12", Date(D(2020, 7, 12), D(2020, 7, 12))),
    ("date:>=2020-07", Date(D(2020, 7, 1), None)),
    ("date:>2020-07", Date(D(2020, 8, 1), None)),
    ("date:<=2020-07", Date(None, D(2020, 7, 31))),
    ("date:<2020-07", Date(None, D(2020, 6, 30))),
    ("date:2020-07..2020-09", Date(D(2020, 7, 1), D(2020, 9, 30))),
    ("date:2020-07..", Date(D(2020, 7, 1), None)),
    ("date:..2019", Date(None, D(2019, 12, 31))),
    ("year:2020", Year(2020, 2020)),
    ("year:>=2019", Year(2019, None)),
    ("year:<2019", Year(None, 2018)),
    ("year:2018..2020", Year(2018, 2020)),
    ("cat:cs.LG", Cat("cs.lg")),
    ("cat:cs", Cat("cs")),
    ("cat:cs.L*", Cat("cs.l", prefix=True)),
    # citations, read from the papers' own text; ids normalised as typed anywhere
    ("cites:2007.03898", Cites("2007.03898")),
    ("cites:arXiv:2007.03898v2", Cites("2007.03898")),
    ("cites:https://arxiv.org/abs/2007.03898v2", Cites("2007.03898")),
    ('cites:"2007.03898"', Cites("2007.03898")),
    ("cites:hep-th/9901001", Cites("hep-th/9901001")),
    ("cites:math.AG/0309136", Cites("math/0309136")),  # as arXiv files it: no subject class
    ("cited-by:2007.03898", CitedBy("2007.03898")),
    ("CITED-BY:arxiv.org/pdf/2007.03898v1", CitedBy("2007.03898")),
    ("-cites:2007.03898 is:unread", And((Not(Cites("2007.03898")), Is("unread")))),
    ("cites:2007.03898 OR cited-by:2007.03898", Or((Cites("2007.03898"), CitedBy("2007.03898")))),
    ("self-supervised", W("self", "supervised")),  # a hyphen without a colon is no field
]


@pytest.mark.parametrize(("text", "node"), MEANINGS, ids=[m[0] for m in MEANINGS])
def test_what_a_query_means(text, node):
    query = parse(text)
    assert query.error is None, query.error
    assert query.node == node


def test_empty_queries():
    for text in ("", "   ", None):
        query = parse(text)
        assert query.ok and query.empty and query.node is None


# (query, what the message says, the text it points at)
MISTAKES = [
    ("foo:bar", 'unknown field "foo:"', "foo:"),
    ("auther:kingma", 'did you mean "author:"', "auther:"),
    ("https://arxiv.org", 'unknown field "https:"', "https:"),
    ("(tag:vae OR tag:gan", "never closed", "("),
    ("a)", "no '(' before it", ")"),
    ("a OR", "OR needs a term after it", "OR"),
    ("OR a", "OR needs a term before it", "OR"),
    ("a AND", "AND needs a term after it", "AND"),
    ("a OR OR b", "OR needs a term after it", "OR"),
    ("NOT", "NOT needs a term after it", "NOT"),
    ("a -", "'-' needs a term", "-"),
    ("-)", "'-' needs a term", "-)"),
    ('"perron frobenius', "never closed", '"'),
    ('title:"deep', "never closed", '"'),
    ("()", "nothing between", "()"),
    ("is:bogus", "is: can be read, unread", "bogus"),
    ("tag:", "tag: needs a value", "tag:"),
    ("tag:#", "needs a tag name", "#"),
    ("title:", "title: needs a value", "title:"),
    ("!!!", "no letters or digits", "!!!"),
    ('title:"--"', "no letters or digits", "--"),
    ("week:2020-W54", "ISO week", "2020-W54"),
    ("date:2020-13", "not a date", "2020-13"),
    ("date:July", "date: wants", "July"),
    ("date:2021..2020", "ends before it starts", "2021..2020"),
    ("date:..", "date: wants", ".."),
    ("date:>9999-12-31", "no date after", ">9999-12-31"),
    ("year:20", "year: wants", "20"),
    ("year:2021..2020", "ends before it starts", "2021..2020"),
    ("cat:*", "cat: needs", "*"),
    ("cites:nvae", "cites: wants an arXiv id", "nvae"),
    ("cited-by:2007.0389", "cited-by: wants an arXiv id", "2007.0389"),
    ("cites:", "cites: needs a value", "cites:"),
    ("cited-by:", "cited-by: needs a value", "cited-by:"),
    ("cited-bye:2007.03898", 'did you mean "cited-by:"', "cited-bye:"),
    ("self-supervised:x", 'unknown field "self-supervised:"', "self-supervised:"),
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), "nested more than", "("),
    ("x" * 1001, "at most 1000 characters", "x"),
]


@pytest.mark.parametrize(("text", "message", "pointed"), MISTAKES, ids=[m[0][:30] for m in MISTAKES])
def test_what_a_bad_query_says_and_where(text, message, pointed):
    query = parse(text)
    assert query.node is None and query.error is not None
    error = query.error
    assert message in error.message
    assert text[error.start : error.end] == pointed
    assert error.describe().startswith(f"column {error.start + 1}: ")


def test_an_error_at_the_end_points_past_the_text():
    error = parse("(a (b").error
    assert error is not None and error.message.endswith("never closed")


def test_positive_words_and_uses():
    query = parse('deep -vae (title:"a b" OR NOT note:x) is:unread')
    assert query.positive_words() == [W("deep"), W("a", "b", field="title")]
    assert query.uses(Is, state="unread") and not query.uses(Is, state="read")


# --------------------------------------------------------------------------- no input raises

QUERY_ALPHABET = st.sampled_from(
    [*list('abcxyz019 -"()“”:*#.<>=_'), "AND", "OR", "NOT", "tag:", "is:", "is:read", "title:", "date:", "date:>=2020-07", "year:", "week:", "cat:", "digest:", "cites:", "cited-by:", "2007.03898", "..", "2020", "-W28", "인코더", "é", "\x00", "\n", "́", "ﬁ"]
)


@settings(deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(QUERY_ALPHABET, max_size=25).map("".join)))
def test_no_text_makes_the_parser_raise(text):
    query = parse(text)
    assert (query.node is None) or query.error is None
    if query.error is not None:
        assert 0 <= query.error.start <= query.error.end <= len(text)
        assert query.error.message


# --------------------------------------------------------------------------- words


def test_normalised_text_and_word_starts():
    assert normalise("Perron–Frobenius theory, 인코더와!") == " perron frobenius theory 인코더와"
    assert normalise("Ａｂｃ ﬁne Schölkopf straße") == " abc fine scholkopf strasse"
    assert normalise("...") == ""
    assert words("e\u0301cole") == ["ecole"]  # a diacritic written as two code points
    for needle, text, found in [
        ("lora", "LoRA: Low-Rank Adaptation", True),
        ("lora", "exploration", False),
        ("lora", "Colorado", False),
        ("perron frob", "the Perron-Frobenius theorem", True),
        ("인코더", "인코더와 임베딩", True),
        ("인코더", "오토인코더", False),  # inside a word: Korean words match at their start too
    ]:
        assert (" " + " ".join(words(needle)) in normalise(text)) is found, (needle, text)


@pytest.mark.parametrize(("text", "needle", "marked"), [
    ("The Perron–Frobenius theorem", "perron frob", "Perron–Frob"),
    ("NVAE: a deep hierarchical VAE", "vae", "VAE"),  # the word, not the end of NVAE
    ("LoRAPrune", "lora", "LoRA"),
    ("인코더와 임베딩을 함께", "임베딩", "임베딩"),
    ("深度学习的方法", "学习", "学习"),
    ("ﬁne tuning", "fine tun", "ﬁne tun"),
    ("Schölkopf et al", "scholkopf", "Schölkopf"),
    ("plus optimisation.\nSee also", "plus optimisation. see also", "plus optimisation.\nSee also"),
])
def test_locate_marks_the_match_as_written(text, needle, marked):
    span = locate(text, words(needle))
    assert span is not None and text[span[0] : span[1]] == marked


def test_locate_finds_nothing_inside_words():
    assert locate("exploration in Colorado", ["lora"]) is None
