"""Every digest layout the parser reads, plus references, tags, warnings, dates and file reading.

Fixture files live in ``tests/fixtures/digests/``; small cases are inline. Commentary is our own.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import time
from pathlib import Path

import pytest

from reader.core.digest import (
    DigestReadError,
    digest_date,
    digest_title,
    parse_file,
    parse_text,
    read_digest_file,
)
from reader.core.models import Entry, ParsedDigest

FIXTURES = Path(__file__).parent / "fixtures" / "digests"


def parse(text: str, **kw) -> ParsedDigest:
    return parse_text(textwrap.dedent(text).lstrip("\n"), **kw)


def ids(parsed: ParsedDigest) -> list[str]:
    return [e.arxiv_id for e in parsed.entries]


def titles(parsed: ParsedDigest) -> list[str | None]:
    return [e.title for e in parsed.entries]


def entry(parsed: ParsedDigest, arxiv_id: str) -> Entry:
    return next(e for e in parsed.entries if e.arxiv_id == arxiv_id)


U = "https://arxiv.org/abs/"


# =================================================================================================
# 1. Flattened posts: several entries on one line


def test_flattened_line_with_three_entries():
    parsed = parse(
        f"A short preamble without links.\n"
        f"{U}2007.01758 Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan, Ying Tai) "
        f"first comment. (see the NVAE entry below!) "
        f"{U}2007.01852 Language-agnostic BERT Sentence Embedding (Fangxiaoyu Feng, Yinfei Yang) second. "
        f"{U}2007.01476 Interactive Knowledge Distillation (Shipeng Fu, Zhen Li) third.\n"
    )
    assert ids(parsed) == ["2007.01758", "2007.01852", "2007.01476"]
    assert [e.commentary for e in parsed.entries] == [
        "first comment. (see the NVAE entry below!)",
        "second.",
        "third.",
    ]
    assert [e.line for e in parsed.entries] == [2, 2, 2]
    assert parsed.entries[1].authors == ["Fangxiaoyu Feng", "Yinfei Yang"]


@pytest.mark.parametrize(
    "group",
    [
        "(밑의 nvae를 보자!)",
        "(diversity condition)",
        "(https://example.com/x)",
        "(Transformer-XL)",
        "(GPU, TPU)",
        "(see Smith and Jones)",
        "(2020)",
    ],
)
def test_mid_line_link_needs_a_real_author_list(group):
    parsed = parse(f"{U}2007.01758 First Paper (Ann Lee, Bob Ray) 코멘트 {U}2007.01852 Some Title {group} 끝.\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["2007.01852"]


@pytest.mark.parametrize(
    "names",
    [
        "Jack W. Rae, Ali Razavi",
        "Diederik P. Kingma",
        "François Fleuret and Angelos Katharopoulos",
        "Laurens van der Maaten, Geoffrey Hinton",
        "Ngoc-Trung Tran, Ngai-Man Cheung",
        "Conor O'Brien & Alexander D'Amour",
        "W.-C. Chang, C.-L. Li",
        "Jane Doe et al.",
        "Ludwig von Mises; Simone de Beauvoir",
        "Björn Deiseroth, Andres Felipe Cruz-Salinas",
    ],
)
def test_author_lists_that_count(names):
    parsed = parse(f"intro {U}2007.01758 A Paper Title ({names}) comment\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].title == "A Paper Title"
    assert "et al" not in " ".join(parsed.entries[0].authors)


def test_mid_line_link_inside_parentheses_is_a_reference():
    parsed = parse(f"{U}2007.01758 Paper (Ann Lee, Bob Ray) as in (see {U}2007.01852 Other (Cid Moe, Dan Li)) ok\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["2007.01852"]


def test_mid_line_link_glued_to_text_before_is_a_reference():
    parsed = parse(f"{U}2007.01758 Paper (Ann Lee, Bob Ray) word{U}2007.01852 Other (Cid Moe, Dan Li)\n")
    assert ids(parsed) == ["2007.01758"]


def test_mid_line_title_with_hangul_is_not_a_title():
    parsed = parse(f"{U}2007.01758 Paper (Ann Lee, Bob Ray) 또 {U}2007.01852 이 논문 (Cid Moe, Dan Li)\n")
    assert ids(parsed) == ["2007.01758"]


def test_mid_line_prose_starting_lowercase_is_not_a_title():
    parsed = parse(f"{U}2007.01758 Paper (Ann Lee, Bob Ray) as in {U}2007.01852 by Vaswani et al. (Google Brain)\n")
    assert ids(parsed) == ["2007.01758"]


def test_title_may_contain_parentheses():
    parsed = parse(f"x {U}2007.01758 MAML (Model-Agnostic) Revisited (Chelsea Finn, Pieter Abbeel) note\n")
    assert parsed.entries[0].title == "MAML (Model-Agnostic) Revisited"
    assert parsed.entries[0].authors == ["Chelsea Finn", "Pieter Abbeel"]


def test_overlong_title_is_commentary():
    long_title = "Word " * 80
    parsed = parse(f"{U}2007.01758 Paper (Ann Lee, Bob Ray) x {U}2007.01852 {long_title}(Cid Moe, Dan Li)\n")
    assert ids(parsed) == ["2007.01758"]


# =================================================================================================
# 2. Link on its own line, title (and authors) on the same or the next line


def test_link_then_title_and_authors_on_next_line():
    parsed = parse(
        f"""
        Notes from last week.

        {U}2007.02933
        Meta-Learning Symmetries by Reparameterization (Allan Zhou, Tom Knowles, Chelsea Finn)

        First paragraph of thoughts.

        Second paragraph, citing (https://arxiv.org/abs/1912.12294).

        {U}2007.03356

        Do Transformers Need Deep Long-Range Memory

        Only some layers need long memory.
        """
    )
    assert ids(parsed) == ["2007.02933", "2007.03356"]
    first, second = parsed.entries
    assert first.title == "Meta-Learning Symmetries by Reparameterization"
    assert first.authors == ["Allan Zhou", "Tom Knowles", "Chelsea Finn"]
    assert first.commentary == (
        "First paragraph of thoughts.\n\nSecond paragraph, citing (https://arxiv.org/abs/1912.12294)."
    )
    assert first.references == ["1912.12294"]
    assert second.title == "Do Transformers Need Deep Long-Range Memory"
    assert second.authors == []
    assert second.commentary == "Only some layers need long memory."


def test_link_then_title_then_commentary_in_one_paragraph():
    parsed = parse(
        f"""
        {U}2007.02933
        Meta-Learning Symmetries by Reparameterization (Allan Zhou, Chelsea Finn)
        바로 이어지는 코멘트.
        """
    )
    assert parsed.entries[0].title == "Meta-Learning Symmetries by Reparameterization"
    assert parsed.entries[0].commentary == "바로 이어지는 코멘트."


def test_link_then_korean_commentary_has_no_title():
    parsed = parse(f"{U}2001.07685\n\n한국어 코멘트만 있는 노트.\n")
    assert parsed.entries[0].title is None
    assert parsed.entries[0].commentary == "한국어 코멘트만 있는 노트."


def test_link_then_english_sentence_is_not_a_title():
    parsed = parse(f"{U}2001.07685\n\nThis is a plain sentence about the paper.\n")
    assert parsed.entries[0].title is None
    assert parsed.entries[0].commentary == "This is a plain sentence about the paper."


def test_autolink_on_its_own_line():
    parsed = parse(f"<{U}2001.07685>\nFixMatch Simplified (Kihyuk Sohn, David Berthelot)\n")
    assert parsed.entries[0].title == "FixMatch Simplified"


# =================================================================================================
# 3. Title before link


@pytest.fixture(scope="module")
def title_before():
    return parse_file(FIXTURES / "201125 title before link.md")


def test_title_before_link_titles(title_before):
    assert len(title_before.entries) == 16
    assert title_before.entries[0].title == (
        "Very Deep VAEs Generalize Autoregressive Models and Can Outperform Them on Images"
    )
    assert title_before.entries[0].line == 7
    assert entry(title_before, "2011.11961").title == "Is a Green Screen Really Necessary for Real-Time Human Matting?"
    assert entry(title_before, "2011.10944").title == (
        "Run Away From your Teacher: Understanding BYOL by a Novel Self-Supervised Approach"
    )
    assert all(e.title and e.title not in e.commentary for e in title_before.entries)


def test_title_before_link_titles_are_not_commentary_of_the_previous_entry(title_before):
    first = title_before.entries[0]
    assert first.commentary.startswith("아주 깊은 VAE가")
    assert "Dual Contradistinctive" not in first.commentary


def test_title_before_link_section_lines_stay_commentary(title_before):
    assert entry(title_before, "2011.12026").commentary.endswith("다음은 실험과 튜닝이 돋보이는 결과들.")
    assert entry(title_before, "2011.11675").commentary.endswith("마지막으로 문제 설정이 흥미로운 것들.")


def test_title_before_link_preamble_and_references(title_before):
    assert title_before.date == dt.date(2020, 11, 25)
    assert title_before.title == "이번 주 논문 메모"
    assert title_before.references == []
    assert entry(title_before, "2011.12216").references == ["1912.03263", "2010.03759"]
    assert title_before.tags == ["review"]
    assert title_before.warnings == []


def test_title_before_link_inline_with_authors():
    parsed = parse(
        f"""
        Intro 문단.

        Ranking Neural Checkpoints (Yandong Li, Xuhui Jia)

        {U}2011.11200

        코멘트 하나.

        Stable Weight Decay Regularization

        {U}2011.11152

        코멘트 둘.
        """
    )
    assert titles(parsed) == ["Ranking Neural Checkpoints", "Stable Weight Decay Regularization"]
    assert parsed.entries[0].authors == ["Yandong Li", "Xuhui Jia"]
    assert [e.commentary for e in parsed.entries] == ["코멘트 하나.", "코멘트 둘."]


def test_single_title_like_paragraph_before_one_of_many_links_is_commentary():
    parsed = parse(
        f"""
        {U}2011.11200

        첫 코멘트.

        {U}2011.11152

        둘째 코멘트.

        Just a remark

        {U}2011.11961

        셋째 코멘트.
        """
    )
    # only 1 of 3 bare links has a title-like line above it: not a "title before link" post
    assert titles(parsed) == [None, None, None]
    assert parsed.entries[1].commentary == "둘째 코멘트.\n\nJust a remark"


# =================================================================================================
# 4. Numbered and bulleted lists


@pytest.fixture(scope="module")
def numbered():
    return parse_file(FIXTURES / "191210 numbered list.md")


def test_numbered_list_fixture(numbered):
    assert numbered.date == dt.date(2019, 12, 10)
    assert numbered.title == "요즘 읽은 detection 논문 메모"
    assert ids(numbered) == ["1912.02424", "1912.02252"]
    assert titles(numbered) == [
        "Bridging the Gap Between Anchor-based and Anchor-free Detection via Adaptive Training Sample Selection",
        "Multiple Anchor Learning for Visual Object Detection",
    ]
    assert numbered.references == ["1912.04260"]
    assert numbered.tags == ["review"]
    assert numbered.entries[0].commentary.count("\n\n") == 1
    assert numbered.entries[1].commentary.endswith("합쳐 보는 실험도 해볼 만하다.")


@pytest.mark.parametrize("marker", ["1.", "12.", "1)", "-", "*", "+"])
def test_list_item_title_then_link(marker):
    parsed = parse(f"{marker} Remix: Rebalanced Mixup {U}2007.03943\n\n코멘트.\n")
    assert ids(parsed) == ["2007.03943"]
    assert parsed.entries[0].title == "Remix: Rebalanced Mixup"
    assert parsed.entries[0].commentary == "코멘트."


@pytest.mark.parametrize("marker", ["1.", "1)", "-", "*", "+"])
def test_list_item_link_without_title(marker):
    parsed = parse(f"{marker} {U}2007.03943\n{marker} {U}2007.04504\n")
    assert ids(parsed) == ["2007.03943", "2007.04504"]
    assert titles(parsed) == [None, None]


def test_list_item_link_then_title_and_authors():
    parsed = parse(f"1. {U}2007.03943 Remix: Rebalanced Mixup (Hsin-Ping Chou, Wei Wei) 좋다\n")
    assert parsed.entries[0].authors == ["Hsin-Ping Chou", "Wei Wei"]
    assert parsed.entries[0].commentary == "좋다"


def test_list_item_title_with_authors_then_link():
    parsed = parse(f"- Remix: Rebalanced Mixup (Hsin-Ping Chou, Wei Wei) {U}2007.03943\n")
    assert (parsed.entries[0].title, parsed.entries[0].authors) == ("Remix: Rebalanced Mixup", ["Hsin-Ping Chou", "Wei Wei"])


def test_plain_line_title_with_authors_then_link():
    parsed = parse(f"Remix: Rebalanced Mixup (Hsin-Ping Chou, Wei Wei) {U}2007.03943\n")
    assert parsed.entries[0].title == "Remix: Rebalanced Mixup"


def test_plain_line_prose_then_link_is_a_reference():
    parsed = parse(f"{U}2007.01758\n\nSee also {U}2007.03943\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["2007.03943"]


def test_korean_list_item_with_link_is_a_reference():
    parsed = parse(f"{U}2007.01758\n\n1. 비슷한 접근 https://arxiv.org/abs/2007.03943\n")
    assert ids(parsed) == ["2007.01758"]


# =================================================================================================
# 5. A link starting a line, then commentary


def test_link_then_commentary_on_the_same_line():
    parsed = parse(f"{U}2007.04964 content와 style 분리 문제를 다룸.\n{U}2007.04589 discriminator 정규화.\n")
    assert ids(parsed) == ["2007.04964", "2007.04589"]
    assert titles(parsed) == [None, None]
    assert [e.commentary for e in parsed.entries] == ["content와 style 분리 문제를 다룸.", "discriminator 정규화."]


def test_link_then_english_commentary_without_authors():
    parsed = parse(f"{U}2007.04964 A simple trick works well here.\n")
    assert parsed.entries[0].title is None
    assert parsed.entries[0].commentary == "A simple trick works well here."


def test_line_starting_with_a_glued_link_is_a_reference():
    parsed = parse(f"{U}2007.01758\n\n{U}2007.05869와 비슷한 접근.\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["2007.05869"]
    assert parsed.entries[0].commentary == f"{U}2007.05869와 비슷한 접근."


# =================================================================================================
# 6. Two entry links on one line


def test_two_bare_links_on_one_line():
    parsed = parse(f"{U}2007.01758 {U}2007.01852\n")
    assert ids(parsed) == ["2007.01758", "2007.01852"]
    assert [e.commentary for e in parsed.entries] == ["", ""]


def test_two_titled_links_on_one_line():
    parsed = parse(
        f"{U}2007.03356 Do Transformers Need Deep Long-Range Memory (Jack W. Rae, Ali Razavi) "
        f"{U}2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat, Jan Kautz) 둘 다 좋음\n"
    )
    assert titles(parsed) == [
        "Do Transformers Need Deep Long-Range Memory",
        "NVAE: A Deep Hierarchical Variational Autoencoder",
    ]
    assert [e.commentary for e in parsed.entries] == ["", "둘 다 좋음"]


def test_three_links_on_a_commentary_line_are_references():
    parsed = parse(f"{U}2007.01758\n\n비교: {U}2007.01852 {U}2007.01476\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["2007.01852", "2007.01476"]


# =================================================================================================
# 7. One-paper notes and tags


@pytest.fixture(scope="module")
def one_paper():
    return parse_file(FIXTURES / "200122 one-paper note.md")


def test_one_paper_note(one_paper):
    (note,) = one_paper.entries
    assert (note.arxiv_id, note.title, note.line) == ("2001.07685", None, 1)
    assert note.tags == ["semi_supervised_learning", "manifold", "mixup", "augmentation"]
    assert one_paper.tags == []
    assert one_paper.date == dt.date(2020, 1, 22)
    assert one_paper.title is None
    assert note.commentary.count("\n\n") == 1
    assert "#" not in note.commentary


def test_one_paper_note_with_title_line():
    parsed = parse(
        f"""
        {U}2001.07685

        FixMatch: Simplifying Semi-Supervised Learning with Consistency and Confidence

        코멘트.

        #ssl
        """
    )
    assert parsed.entries[0].title == "FixMatch: Simplifying Semi-Supervised Learning with Consistency and Confidence"
    assert parsed.entries[0].tags == ["ssl"]
    assert parsed.entries[0].commentary == "코멘트."


def test_tag_line_inside_an_entry_belongs_to_it():
    parsed = parse(
        f"""
        {U}2007.01758
        #gan #inversion
        코멘트 A.

        {U}2007.01852
        코멘트 B.
        #nlp

        {U}2007.01476
        코멘트 C.
        """
    )
    assert [e.tags for e in parsed.entries] == [["gan", "inversion"], ["nlp"], []]
    assert parsed.tags == []
    assert parsed.entries[1].commentary == "코멘트 B."


def test_trailing_tag_line_of_a_many_paper_post_is_the_digests():
    parsed = parse(f"{U}2007.01758\n코멘트 A.\n{U}2007.01852\n코멘트 B.\n\n#review #weekly\n")
    assert parsed.tags == ["review", "weekly"]
    assert [e.tags for e in parsed.entries] == [[], []]


def test_trailing_tag_line_right_after_the_last_header_is_the_entrys():
    parsed = parse(f"{U}2007.01758\n코멘트 A.\n{U}2007.01852 Title Here (Ann Lee, Bob Ray)\n#nlp\n")
    assert parsed.entries[1].tags == ["nlp"]
    assert parsed.tags == []


def test_tag_line_before_the_first_entry_is_the_digests():
    parsed = parse(f"#weekly\n\n{U}2007.01758 코멘트.\n")
    assert parsed.tags == ["weekly"]


def test_heading_is_not_a_tag_and_empty_heading_is_ignored():
    parsed = parse(
        f"""
        {U}2407.17465

        코멘트.

        # Links

        #hyperparameter

        # Links
        """
    )
    note = parsed.entries[0]
    assert note.tags == ["hyperparameter"]
    assert note.commentary == "코멘트.\n\n# Links"


def test_tags_are_whatever_follows_the_hash():
    parsed = parse(f"{U}2007.01758\n#c++ #ml/vision #리뷰 #v1.0\n코멘트\n")
    assert parsed.entries[0].tags == ["c++", "ml/vision", "리뷰", "v1.0"]


def test_hash_inside_text_is_not_a_tag_line():
    parsed = parse(f"{U}2007.01758\n이슈 #12 참고 #gan\n")
    assert parsed.entries[0].tags == []
    assert parsed.entries[0].commentary == "이슈 #12 참고 #gan"


# =================================================================================================
# 8, 9. Emphasised titles and quoted abstracts


@pytest.fixture(scope="module")
def abstract_note():
    return parse_file(FIXTURES / "240724 note with abstract.md")


def test_italic_title_with_authors(abstract_note):
    (note,) = abstract_note.entries
    assert note.arxiv_id == "2407.17465"
    assert note.title == "u-μP: The Unit-Scaled Maximal Update Parametrization"
    assert len(note.authors) == 10
    assert note.authors[5] == "Björn Deiseroth"
    assert note.authors[6] == "Andres Felipe Cruz-Salinas"
    assert note.tags == ["hyperparameter"]
    assert abstract_note.warnings == []


def test_quoted_abstract_is_commentary_and_its_links_are_references(abstract_note):
    (note,) = abstract_note.entries
    assert note.commentary.startswith("> (Paraphrased for this fixture.)")
    assert note.commentary.endswith("실험 장비는 의외로 GPU.")
    assert note.references == ["2203.03466", "2303.11257"]
    assert "# Links" not in note.commentary


@pytest.mark.parametrize("mark", ["*", "_", "**", "__"])
def test_emphasised_titles(mark):
    parsed = parse(f"{U}2007.03943\n\n{mark}Remix: Rebalanced Mixup{mark} (Hsin-Ping Chou, Wei Wei)\n\n코멘트.\n")
    assert parsed.entries[0].title == "Remix: Rebalanced Mixup"
    assert parsed.entries[0].authors == ["Hsin-Ping Chou", "Wei Wei"]


def test_emphasised_title_without_authors():
    parsed = parse(f"{U}2007.03943\n*Remix: Rebalanced Mixup*\n코멘트.\n")
    assert parsed.entries[0].title == "Remix: Rebalanced Mixup"
    assert parsed.entries[0].commentary == "코멘트."


def test_links_in_blockquotes_never_start_entries():
    parsed = parse(f"{U}2007.01758\n\n> {U}2007.01852 Quoted Title (Ann Lee, Bob Ray)\n> more\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["2007.01852"]
    assert parsed.entries[0].commentary.startswith("> https://")


def test_links_in_code_fences_never_start_entries():
    parsed = parse(f"{U}2007.01758\n\n```\n{U}2007.01852\n```\n")
    assert ids(parsed) == ["2007.01758"]
    assert f"```\n{U}2007.01852\n```" in parsed.entries[0].commentary


# =================================================================================================
# 10. Markdown links


@pytest.mark.parametrize(
    "line",
    [
        f"[Remix: Rebalanced Mixup]({U}2007.03943) (Hsin-Ping Chou, Wei Wei) 코멘트",
        f"- [Remix: Rebalanced Mixup]({U}2007.03943) (Hsin-Ping Chou, Wei Wei) 코멘트",
        f"1. [*Remix: Rebalanced Mixup*]({U}2007.03943) (Hsin-Ping Chou and Wei Wei) 코멘트",
        f"## [Remix: Rebalanced Mixup]({U}2007.03943) (Hsin-Ping Chou, Wei Wei) 코멘트",
    ],
)
def test_markdown_link_entries(line):
    parsed = parse(line + "\n")
    assert ids(parsed) == ["2007.03943"]
    assert parsed.entries[0].title == "Remix: Rebalanced Mixup"
    assert parsed.entries[0].authors == ["Hsin-Ping Chou", "Wei Wei"]
    assert parsed.entries[0].commentary == "코멘트"


def test_markdown_link_without_authors_and_with_id_text():
    parsed = parse(f"- [Remix]({U}2007.03943)\n- [arXiv:2007.04504]({U}2007.04504) (see below)\n")
    assert titles(parsed) == ["Remix", None]
    assert parsed.entries[1].authors == []
    assert parsed.entries[1].commentary == "(see below)"


def test_mid_sentence_markdown_link_is_a_reference():
    parsed = parse(f"{U}2007.01758\n\nThis builds on [NCSN]({U}1907.05600) directly.\n")
    assert ids(parsed) == ["2007.01758"]
    assert parsed.entries[0].references == ["1907.05600"]


def test_markdown_link_to_another_site_is_not_an_entry():
    parsed = parse(f"- [Blog](https://example.com/post)\n\n{U}2007.01758\n")
    assert ids(parsed) == ["2007.01758"]


def test_escaped_brackets_in_markdown_title():
    parsed = parse(f"## [\\[Re\\] Reproducing Things]({U}2007.03943) (Ann Lee)\n")
    assert parsed.entries[0].title == "[Re] Reproducing Things"


# =================================================================================================
# 11. Our own export format


@pytest.fixture(scope="module")
def export():
    return parse_file(FIXTURES / "export.md")


def test_export_fixture_entries(export):
    assert ids(export) == ["2007.01758", "2007.04825", "2007.02933", "hep-th/9901001"]
    assert export.date == dt.date(2020, 7, 12)
    assert export.title == "Papers that stood out"
    assert [e.tags for e in export.entries] == [["gan", "inversion"], ["transformer", "efficiency"], ["meta_learning"], ["physics"]]
    assert export.entries[1].version == 2
    assert export.entries[0].authors[-1] == "Xiaokang Yang"
    assert export.warnings == []
    assert export.tags == []


def test_export_commentary_is_unquoted_and_excludes_notes_and_read_state(export):
    first = export.entries[0]
    assert first.commentary == (
        "An encoder proposes a latent code and optimisation refines it;\n"
        "the refined code then supervises the encoder.\n"
        "https://arxiv.org/abs/2007.03898 is where this line starts, and it is only a reference.\n"
        "\n"
        "생성 모델 뒤집기는 여전히 어렵다."
    )
    assert "Read:" not in export.entries[1].commentary
    assert "My own note" not in first.commentary


def test_export_notes_are_never_scanned_for_entries(export):
    assert "2001.00001" not in ids(export) and "2001.00002" not in ids(export) and "2001.00003" not in ids(export)
    assert export.entries[0].references == ["2007.03898", "2001.00001", "2001.00002"]
    assert export.entries[2].references == ["2001.00003"]
    assert export.entries[2].commentary == "Weight-sharing patterns are learned by meta-learning."


def render_export(digests: list[ParsedDigest]) -> str:
    """A minimal writer of the export layout (the real exporter lives elsewhere and may change)."""
    sections = []
    for digest in digests:
        parts = ([digest.date.isoformat()] if digest.date else []) + ([digest.title] if digest.title else [])
        sections.append("# " + " ".join(parts or [Path(digest.source).name]))
        for e in digest.entries:
            title = (e.title or e.arxiv_id).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
            version = f"v{e.version}" if e.version else ""
            authors = f" ({', '.join(e.authors)})" if e.authors else ""
            lines = [f"## [{title}](https://arxiv.org/abs/{e.arxiv_id}{version}){authors}", "", "Read: no"]
            if e.tags:
                lines.append(" ".join(f"#{tag}" for tag in e.tags))
            if e.commentary:
                lines += ["", "\n".join(f"> {line}".rstrip() for line in e.commentary.splitlines())]
            lines += ["", "### Notes", "", f"{U}2001.00001 a note line", f"1. Title {U}2001.00002"]
            sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


def paper_facts(parsed: ParsedDigest) -> list[tuple]:
    return [(e.arxiv_id, e.version, e.title, e.authors, e.tags) for e in parsed.entries]


@pytest.mark.parametrize(
    "name",
    [
        "seed-like.txt",
        "191210 numbered list.md",
        "200122 one-paper note.md",
        "201125 title before link.md",
        "240724 note with abstract.md",
        "export.md",
    ],
)
def test_export_round_trips(name):
    original = parse_file(FIXTURES / name)
    for e in original.entries:  # the export keeps every tag with its paper
        e.tags = e.tags or list(original.tags)
    again = parse_text(render_export([original]))
    assert paper_facts(again) == paper_facts(original)
    assert [e.commentary for e in again.entries] == [e.commentary for e in original.entries]


def test_export_of_several_digests_round_trips():
    digests = [parse_file(FIXTURES / "seed-like.txt"), parse_file(FIXTURES / "191210 numbered list.md")]
    again = parse_text(render_export(digests))
    assert paper_facts(again) == paper_facts(digests[0]) + paper_facts(digests[1])


@pytest.mark.parametrize("heading", ["### Notes", "## Notes", "**Notes**", "### My notes", "### notes:", "__Notes__"])
def test_notes_heading_variants(heading):
    parsed = parse(
        f"""
        ## [Remix]({U}2007.03943)

        > commentary

        {heading}

        {U}2001.00001 Looks Like An Entry (Ann Lee, Bob Ray)
        - [Other]({U}2001.00002)
        """
    )
    assert ids(parsed) == ["2007.03943"]
    assert parsed.entries[0].commentary == "commentary"
    assert parsed.entries[0].references == ["2001.00001", "2001.00002"]


def test_notes_end_at_a_heading_of_the_same_level():
    parsed = parse(
        f"""
        {U}2007.03943

        ### Notes
        note {U}2001.00001

        ### Thoughts
        after notes
        """
    )
    assert parsed.entries[0].commentary == "### Thoughts\nafter notes"


@pytest.mark.parametrize("state", ["Read: yes", "Status: unread", "- [x]", "- [ ] read"])
def test_read_state_line_after_heading_is_dropped(state):
    parsed = parse(f"## [Remix]({U}2007.03943)\n{state}\n\n> text\n")
    assert parsed.entries[0].commentary == "text"


# =================================================================================================
# References


@pytest.mark.parametrize(
    "commentary",
    [
        f"learning by cheating이 ({U}1912.12294)가 떠오른다",
        f"Sibling Head({U}1912.12294) 같이",
        f"얼마 전 나온 {U}1912.12294와 비슷한",
        f"{U}1912.12294 이후 최근의 {U}2010.03759 에 이 연구까지",
        "see arXiv:1912.12294 too",
        "via https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2F1912.12294&h=AT1 too",
    ],
)
def test_links_in_commentary_are_references(commentary):
    parsed = parse(f"{U}2007.03282 LabelEnc (Miao Hao, Jian Sun)\n앞 문장. {commentary}\n")
    assert ids(parsed) == ["2007.03282"]
    assert parsed.entries[0].references[0] == "1912.12294"


def test_references_are_deduplicated_versionless_and_never_the_entrys_own():
    parsed = parse(
        f"{U}2007.03282\n코멘트 ({U}1912.12294v2) ({U}1912.12294) ({U}2007.03282v1) ({U}2003.07540)\n"
    )
    assert parsed.entries[0].references == ["1912.12294", "2003.07540"]
    assert parsed.entries[0].commentary.count("https://") == 4


def test_links_before_the_first_entry_belong_to_the_digest():
    parsed = parse(f"서문 ({U}1912.04260) 그리고 ({U}1912.04260v2).\n\n{U}2007.01758\n")
    assert parsed.references == ["1912.04260"]
    assert parsed.entries[0].references == []


def test_zero_width_space_after_an_entry_link():
    parsed = parse(f"{U}2007.01758\u200b Collaborative Learning (Shanyan Guan, Ying Tai)\n")
    assert parsed.entries[0].arxiv_id == "2007.01758"


def test_pdf_and_versioned_entry_links():
    parsed = parse(f"https://arxiv.org/pdf/2007.01758v3.pdf\n{U}2007.01852v1 Title Words (Ann Lee, Bob Ray)\n")
    assert [(e.arxiv_id, e.version) for e in parsed.entries] == [("2007.01758", 3), ("2007.01852", 1)]


# =================================================================================================
# Warnings


def test_malformed_id_warns_and_stays_in_commentary():
    parsed = parse(f"{U}2007.01758\n첫 줄\n둘째 ({U}2006.162360) 줄\n")
    assert [(w.line, w.message) for w in parsed.warnings] == [(3, "malformed arXiv id '2006.162360'")]
    assert f"({U}2006.162360)" in parsed.entries[0].commentary
    assert parsed.entries[0].references == []


def test_malformed_link_on_its_own_line_is_not_an_entry():
    parsed = parse(f"{U}2006.162360\n")
    assert parsed.entries == []
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (0, "arXiv links found, but none starts an entry"),  # whole-file warnings (line 0) come first
        (1, "malformed arXiv id '2006.162360'"),
    ]


def test_no_links_warning():
    parsed = parse("그냥 메모.\n")
    assert parsed.entries == []
    assert [(w.line, w.message) for w in parsed.warnings] == [(0, "no arXiv links found")]


def test_duplicate_entries_are_merged_with_a_warning():
    parsed = parse(
        f"""
        {U}2007.01758 Collaborative Learning (Shanyan Guan, Ying Tai)
        첫 코멘트 ({U}1912.12294).
        #gan
        {U}2007.01852
        다른 논문.
        {U}2007.01758v2
        #inversion
        둘째 코멘트 ({U}2003.07540).
        """
    )
    assert ids(parsed) == ["2007.01758", "2007.01852"]
    merged = parsed.entries[0]
    assert merged.title == "Collaborative Learning"
    assert merged.version == 2
    assert merged.commentary == f"첫 코멘트 ({U}1912.12294).\n\n둘째 코멘트 ({U}2003.07540)."
    assert merged.references == ["1912.12294", "2003.07540"]
    assert merged.tags == ["gan", "inversion"]
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (6, "duplicate entry for 2007.01758 (first at line 1); merged")
    ]


# =================================================================================================
# Dates and titles


@pytest.mark.parametrize(
    ("text", "source", "date", "title"),
    [
        ("# 191210 최근 논문들에 대한 생각\n", "<text>", dt.date(2019, 12, 10), "최근 논문들에 대한 생각"),
        ("# 2020-07-12 Papers that stood out\n", "<text>", dt.date(2020, 7, 12), "Papers that stood out"),
        ("# 200712\n", "<text>", dt.date(2020, 7, 12), None),
        ("intro\n\n# 991231 Old one\n", "<text>", dt.date(1999, 12, 31), "Old one"),
        ("---\ndate: 2020-07-12\ntitle: \"A week\"\n---\n본문\n", "<text>", dt.date(2020, 7, 12), "A week"),
        ("# Links\n", "191210 numbered list.md", dt.date(2019, 12, 10), None),
        ("plain\n", "notes/2020-07-12-week.md", dt.date(2020, 7, 12), None),
        ("plain\n", "seed-digest.txt", None, None),
        ("# 201399 not a date\n", "<text>", None, None),
        ("## 191210 level two\n", "<text>", None, None),
    ],
)
def test_dates_and_titles(text, source, date, title):
    parsed = parse_text(text, source)
    assert (parsed.date, parsed.title) == (date, title)
    assert digest_date(text, source) == date
    assert digest_title(text) == title


def test_date_precedence():
    text = "---\ndate: 2021-01-01\n---\n# 200712 Heading\n"
    assert parse_text(text, "191210 x.md").date == dt.date(2020, 7, 12)
    assert parse_text(text, "191210 x.md", date=dt.date(2000, 1, 1)).date == dt.date(2000, 1, 1)
    assert digest_date("---\ndate: 2021-01-01\n---\n", "191210 x.md") == dt.date(2021, 1, 1)
    assert digest_date("x", "191210 x.md", date=dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)


def test_front_matter_is_not_commentary():
    parsed = parse_text(f"---\ntitle: T\nlink: {U}1912.04260\n---\n{U}2007.01758 코멘트\n")
    assert parsed.references == []
    assert parsed.entries[0].line == 5


def test_dated_heading_between_digests_is_not_commentary():
    parsed = parse(f"# 200712 A\n\n{U}2007.01758 코멘트 A\n\n# 200705 B\n\n{U}2007.01852 코멘트 B\n")
    assert [e.commentary for e in parsed.entries] == ["코멘트 A", "코멘트 B"]


# =================================================================================================
# Reading files


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


TEXT = f"# 200712 주간\r\n\r\n{U}2007.01758 코멘트 é\r\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.replace("\r\n", "\r").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-le-bom", "utf16-be-bom", "cr"],
)
def test_read_encodings_and_line_ends(tmp_path, data):
    path = write(tmp_path, "d.md", data)
    assert read_digest_file(path) == (TEXT.replace("\r\n", "\n"), [])
    parsed = parse_file(path)
    assert parsed.entries[0].commentary == "코멘트 é"
    assert parsed.warnings == []
    assert parsed.source == str(path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_read_bomless_utf16(tmp_path, encoding):
    text = f"{U}2007.01758 가나다 각 갂 논문 note\n" * 20
    path = write(tmp_path, "d.md", text.encode(encoding))
    assert read_digest_file(path) == (text, [])


def test_cp1252_text_is_read_with_a_warning(tmp_path):
    path = write(tmp_path, "d.md", f"{U}2007.01758 caf\u00e9 na\u00efve \u201cquoted\u201d\n".encode("cp1252"))
    text, warnings = read_digest_file(path)
    assert "café naïve “quoted”" in text
    assert len(warnings) == 1 and "not valid UTF-8" in warnings[0].message and "cp1252" in warnings[0].message
    parsed = parse_file(path)
    assert parsed.entries[0].commentary == "café naïve “quoted”"
    assert parsed.warnings == warnings


def test_cp949_korean_is_read_with_a_warning(tmp_path):
    path = write(tmp_path, "d.md", f"{U}2007.01758 흥미로운 논문이다.\n".encode("cp949"))
    text, warnings = read_digest_file(path)
    assert "흥미로운 논문이다." in text
    assert "cp949" in warnings[0].message


def test_directory_is_an_error(tmp_path):
    with pytest.raises(DigestReadError) as err:
        read_digest_file(tmp_path)
    assert err.value.path == tmp_path
    assert str(err.value) == f"{tmp_path}: is a directory, not a digest file"


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(DigestReadError, match="no such file"):
        parse_file(tmp_path / "nope.md")


def test_binary_file_is_an_error(tmp_path):
    path = write(tmp_path, "x.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(DigestReadError) as err:
        read_digest_file(path)
    assert str(err.value) == f"{path}: looks like a binary file, not a text digest"
    assert "\n" not in str(err.value)


def test_undecodable_bytes_are_an_error(tmp_path):
    path = write(tmp_path, "x.md", bytes(range(1, 32)) * 50 + b"\x81\x8d\x8f\x90\x9d" * 50)
    with pytest.raises(DigestReadError, match="not valid UTF-8"):
        read_digest_file(path)


def test_unreadable_file_is_an_error(tmp_path):
    import os

    path = write(tmp_path, "x.md", b"text")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        with pytest.raises(DigestReadError, match="permission denied"):
            read_digest_file(path)
    finally:
        path.chmod(0o600)


# =================================================================================================
# Robustness and speed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "#",
        "# ",
        ">",
        "```",
        "---",
        "---\n",
        "(",
        "[",
        "*",
        U,
        f"{U}2007.01758(",
        f"[{U}2007.01758](",
        f"## [x]({U}2007.01758) (",
        f"{U}2007.01758\n**Notes**\n",
        "\ufeff\u200b",
    ],
)
def test_odd_inputs_do_not_raise(text):
    parsed = parse_text(text)
    assert not any("internal" in w.message for w in parsed.warnings)


@pytest.mark.parametrize(
    "line",
    [
        "a" * 1_000_000,
        "(" * 1_000_000,
        "*" * 1_000_000,
        "[" * 1_000_000,
        "# x" + " " * 1_000_000 + "y",
        " ".join(f"#t{i}" for i in range(120_000)),
        (f"{U}2007.01758 " + "Title ( " * 40 + "x)" * 40) * 2000,
        f"{U}2007.01758 Some Title (Ann Lee, Bob Ray) and a comment of a few more words here. " * 12_000,
        (f"{U}2007.01758 코멘트 " * 25_000),
    ],
    ids=["letters", "parens", "stars", "brackets", "heading-spaces", "tags", "nested-groups", "entries", "korean"],
)
def test_one_megabyte_line_parses_quickly(line):
    started = time.process_time()
    parse_text(line)
    assert time.process_time() - started < 1.0


def test_big_file_parses_in_linear_time():
    filler = "이 논문은 흥미로운 결과를 보여준다. " * 20 + "\n\n"
    text = "".join(f"{U}2007.{i:05d} Paper Number {i} (Ann Lee, Bob Ray)\n" + filler * 10 for i in range(500))
    started = time.process_time()
    parsed = parse_text(text)
    elapsed = time.process_time() - started
    assert len(parsed.entries) == 500
    assert elapsed < 3.0, f"{len(text) / 1e6:.1f} MB took {elapsed:.2f}s"
