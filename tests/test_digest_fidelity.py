"""Issue 12, classes 1-9: layouts people write that were misread. Fixtures are our own text.

Each test names its class. Several variants per class, English and Korean, with the exact entries,
titles, commentary boundaries, tags and warnings expected.
"""

from __future__ import annotations

import textwrap

import pytest

from reader.core.digest import parse_text
from reader.core.models import ParsedDigest

U = "https://arxiv.org/abs/"


def parse(text: str, source: str = "<text>") -> ParsedDigest:
    return parse_text(textwrap.dedent(text).lstrip("\n"), source=source)


def rows(parsed: ParsedDigest) -> list[tuple]:
    return [(e.arxiv_id, e.title, e.commentary) for e in parsed.entries]


def warnings(parsed: ParsedDigest) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in parsed.warnings]


# =================================================================================================
# 1. Invisible characters are whitespace wherever a layout is decided


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00a0", "\u2060", "\u200e", "\u00ad"]


@pytest.mark.parametrize("mark", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_character_before_a_link_at_line_start(mark):
    parsed = parse(
        f"""
        {U}2007.01758
        Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan, Ying Tai)

        첫 논문 코멘트.

        {mark}{U}2007.01852
        Language-agnostic BERT Sentence Embedding (Fangxiaoyu Feng, Yinfei Yang)

        둘째 논문 코멘트.
        """
    )
    assert rows(parsed) == [
        ("2007.01758", "Collaborative Learning for Faster StyleGAN Embedding", "첫 논문 코멘트."),
        ("2007.01852", "Language-agnostic BERT Sentence Embedding", "둘째 논문 코멘트."),
    ]
    assert parsed.entries[1].authors == ["Fangxiaoyu Feng", "Yinfei Yang"]
    assert parsed.warnings == []


def test_invisible_characters_in_markers_titles_blank_lines_and_tags():
    parsed = parse(
        "# 200712\u00a0Papers of the week\n"
        "\n"
        "-\u00a0Remix: Rebalanced Mixup\u200b {U}2007.03943\n".replace("{U}", U)
        + "\u200b\n"
        "some words on it.\n"
        "\n"
        "\ufeff1.\u00a0Interactive Knowledge Distillation " + U + "2007.01476\n"
        "\u200b\u00a0\n"
        "second comment.\n"
        "\n"
        "#review\u200b #kd\n"
    )
    assert parsed.date is not None and parsed.date.isoformat() == "2020-07-12"
    assert parsed.title == "Papers of the week"
    assert rows(parsed) == [
        ("2007.03943", "Remix: Rebalanced Mixup", "some words on it."),
        ("2007.01476", "Interactive Knowledge Distillation", "second comment."),
    ]
    assert parsed.tags == ["review", "kd"]


# =================================================================================================
# 2. Commentary that starts with a link is a reference, not a new entry


def test_title_before_link_commentary_starting_with_a_link_and_a_particle():
    parsed = parse(
        f"""
        # 210110 읽은 논문

        Taming Transformers for High-Resolution Image Synthesis

        {U}2012.09841

        {U}2012.09999 과 아주 비슷한 아이디어. codebook을 학습해서 transformer로 생성.

        Training data-efficient image transformers & distillation through attention

        {U}2012.12877

        distillation token을 추가.
        """
    )
    assert rows(parsed) == [
        (
            "2012.09841",
            "Taming Transformers for High-Resolution Image Synthesis",
            f"{U}2012.09999 과 아주 비슷한 아이디어. codebook을 학습해서 transformer로 생성.",
        ),
        ("2012.12877", "Training data-efficient image transformers & distillation through attention", "distillation token을 추가."),
    ]
    assert parsed.entries[0].references == ["2012.09999"]


@pytest.mark.parametrize(
    "line",
    [
        f"{U}2012.09999 와 비교하면 훨씬 단순하다.",
        f"{U}2012.09999 에서 제안한 방법의 확장.",
        f"{U}2012.09999 is a very similar idea, with a codebook.",
        f"{U}2012.09999 and this one share the first author.",
        f"{U}2012.09999 처럼 codebook을 쓴다.",
        f"[earlier work]({U}2012.09999) 과 아주 비슷한 아이디어.",
        f"[the VQGAN paper]({U}2012.09999) showed this first.",
    ],
)
def test_link_then_running_text_after_a_bare_link_entry_is_a_reference(line):
    parsed = parse(
        f"""
        {U}2012.09841
        Taming Transformers for High-Resolution Image Synthesis (Patrick Esser, Robin Rombach)

        {line}

        {U}2012.12877
        Training data-efficient image transformers (Hugo Touvron, Matthieu Cord)

        짧은 코멘트.
        """
    )
    assert [e.arxiv_id for e in parsed.entries] == ["2012.09841", "2012.12877"]
    assert parsed.entries[0].commentary == line
    assert parsed.entries[0].references == ["2012.09999"]


def test_link_then_running_text_right_after_a_header_is_a_reference():
    parsed = parse(
        f"""
        {U}2012.09841
        {U}2012.09999 과 거의 같은 구조.
        나머지 코멘트.

        {U}2012.12877
        다른 코멘트.
        """
    )
    assert rows(parsed) == [
        ("2012.09841", None, f"{U}2012.09999 과 거의 같은 구조.\n나머지 코멘트."),
        ("2012.12877", None, "다른 코멘트."),
    ]


def test_link_then_commentary_lines_are_still_entries_when_that_is_the_layout():
    parsed = parse(f"{U}2007.04964 content와 style 분리 문제를 다룸.\n{U}2007.04589 discriminator 정규화.\n")
    assert [e.arxiv_id for e in parsed.entries] == ["2007.04964", "2007.04589"]


# =================================================================================================
# 3, 3b. Markdown link lists, redirects and other hosts


AWESOME = """
# Awesome Efficient Attention

A curated list. PRs welcome!

## Papers

- Reformer: The Efficient Transformer [[arXiv](https://arxiv.org/abs/2001.04451)] [[code](https://github.com/google/trax)]
- Longformer: The Long-Document Transformer [[arXiv](https://arxiv.org/abs/2004.05150)]
- **Big Bird: Transformers for Longer Sequences** [[paper]](https://arxiv.org/abs/2007.14062) [[code]](https://github.com/x/bigbird)
- [Linformer: Self-Attention with Linear Complexity](https://arxiv.org/abs/2006.04768) - Sinong Wang et al., 2020
- Rethinking Attention with Performers, [https://arxiv.org/abs/2009.14794](https://l.facebook.com/l.php?u=https%3A%2F%2Farxiv.org%2Fabs%2F2009.14794&h=AT1), ICLR 2021
- [Gopher](https://arxiv.org/abs/2112.11446): scaling language models to 280B parameters
- [Switch Transformers](notes/switch.md) [[arXiv](https://arxiv.org/abs/2101.03961)]
- Efficient Transformers: A Survey (NeurIPS 2020) [[Paper](https://arxiv.org/abs/2009.06732)] [[Blog](https://example.com/post)]
- FlashAttention [PDF](https://arxiv.org/pdf/2205.14135.pdf) [Code](https://github.com/x/flash)
- Hyena Hierarchy: Towards Larger Convolutional Language Models [HF](https://huggingface.co/papers/2302.10866)
1. *Transformers are RNNs*, Angelos Katharopoulos et al. [[pdf]](https://arxiv.org/pdf/2006.16236)

## Contributing

See CONTRIBUTING.md.
"""

AWESOME_TITLES = [
    ("2001.04451", "Reformer: The Efficient Transformer"),
    ("2004.05150", "Longformer: The Long-Document Transformer"),
    ("2007.14062", "Big Bird: Transformers for Longer Sequences"),
    ("2006.04768", "Linformer: Self-Attention with Linear Complexity"),
    ("2009.14794", "Rethinking Attention with Performers"),
    ("2112.11446", "Gopher"),
    ("2101.03961", "Switch Transformers"),
    ("2009.06732", "Efficient Transformers: A Survey"),
    ("2205.14135", "FlashAttention"),
    ("2302.10866", "Hyena Hierarchy: Towards Larger Convolutional Language Models"),
    ("2006.16236", "Transformers are RNNs"),
]


def test_awesome_list_entries_and_titles():
    parsed = parse(AWESOME, source="awesome-attention/README.md")
    assert [(e.arxiv_id, e.title) for e in parsed.entries] == AWESOME_TITLES
    assert all(e.commentary == "" for e in parsed.entries[:3])
    assert parsed.entries[5].commentary == "scaling language models to 280B parameters"
    assert parsed.warnings == []


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("- **Distilling the Knowledge in a Neural Network** (2015), G. Hinton et al. [[pdf]](http://arxiv.org/pdf/1503.02531)",
         "Distilling the Knowledge in a Neural Network"),
        ("- Tutorial on Variational Autoencoders (2016), C. Doersch. [[pdf]](https://arxiv.org/pdf/1606.05908)",
         "Tutorial on Variational Autoencoders"),
        ("- Achieving open vocabulary translation with hybrid word-character models, M. Luong and C. Manning. "
         "[[pdf]](https://arxiv.org/pdf/1604.00788)", "Achieving open vocabulary translation with hybrid word-character models"),
        ("* Deep Residual Learning for Image Recognition. Kaiming He, Xiangyu Zhang. CVPR 2016. [[pdf]](https://arxiv.org/pdf/1512.03385)",
         "Deep Residual Learning for Image Recognition"),
        ("- Attention Is All You Need — 트랜스포머의 시작 [[논문](https://arxiv.org/abs/1706.03762)]", "Attention Is All You Need"),
        ("- 트랜스포머의 시작 [[논문](https://arxiv.org/abs/1706.03762)]", None),
        ("- Paper2Code [[arXiv](https://arxiv.org/abs/2504.17192)] [[v2](https://arxiv.org/abs/2504.17192v2)]", "Paper2Code"),
        ("| 2017-06 | Transformers | Google | [Attention Is All You Need](https://arxiv.org/pdf/1706.03762.pdf) |",
         "Attention Is All You Need"),
    ],
)
def test_list_items_with_years_bylines_and_notes(line, title):
    (entry,) = parse(f"## Papers\n\n{line}\n- A project without a paper [[code](https://github.com/x/y)]\n").entries
    assert entry.title == title
    assert "project" not in entry.commentary


def test_link_text_that_is_not_a_label_is_the_title():
    parsed = parse(f"- [Deep Residual Learning for Image Recognition]({U}1512.03385)\n- [arXiv]({U}1706.03762)\n")
    assert [(e.arxiv_id, e.title) for e in parsed.entries] == [
        ("1512.03385", "Deep Residual Learning for Image Recognition"),
        ("1706.03762", None),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co/papers/2106.09685",
        "https://www.alphaxiv.org/abs/2106.09685",
        "https://ar5iv.labs.arxiv.org/html/2106.09685",
        "https://doi.org/10.48550/arXiv.2106.09685",
    ],
)
def test_other_hosts_start_entries(url):
    parsed = parse(f"{url}\nLoRA: Low-Rank Adaptation of Large Language Models (Edward J. Hu, Yelong Shen)\n\n좋다.\n")
    assert rows(parsed) == [("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models", "좋다.")]


def test_no_title_keeps_link_syntax_or_a_url():
    parsed = parse(AWESOME)
    for e in parsed.entries:
        assert e.title is None or not any(mark in e.title for mark in ("[", "](", "://", "http"))


# =================================================================================================
# 4. Titles that were lost


@pytest.mark.parametrize(
    ("text", "title", "commentary"),
    [
        (f"{U}1706.03762 Attention Is All You Need\n\n트랜스포머.\n", "Attention Is All You Need", "트랜스포머."),
        (f"{U}1810.04805 BERT: Pre-training of Deep Bidirectional Transformers\nMasked LM.\n",
         "BERT: Pre-training of Deep Bidirectional Transformers", "Masked LM."),
        (f"{U}1706.03762 A simple trick works well here.\n", None, "A simple trick works well here."),
    ],
)
def test_url_then_title_without_authors(text, title, commentary):
    (entry,) = parse(text).entries
    assert (entry.title, entry.commentary) == (title, commentary)


@pytest.mark.parametrize(
    "text",
    [
        f"{U}1409.0473\nNeural Machine Translation by Jointly Learning to Align and Translate (Bahdanau)\n\n어텐션의 시작.\n",
        f"1. Neural Machine Translation by Jointly Learning to Align and Translate (Bahdanau) {U}1409.0473\n\n어텐션의 시작.\n",
        f"{U}1409.0473 Neural Machine Translation by Jointly Learning to Align and Translate (Bahdanau et al., 2014)\n어텐션의 시작.\n",
    ],
)
def test_title_with_one_author(text):
    (entry,) = parse(text).entries
    assert entry.title == "Neural Machine Translation by Jointly Learning to Align and Translate"
    assert entry.authors == ["Bahdanau"]
    assert entry.commentary == "어텐션의 시작."


def test_title_line_followed_by_a_numbered_list():
    parsed = parse(
        f"""
        {U}2005.14165
        Language Models are Few-Shot Learners
        1. in-context learning
        2. 175B parameters

        {U}2001.08361
        Scaling Laws for Neural Language Models
        - power laws
        - compute-optimal
        """
    )
    assert rows(parsed) == [
        ("2005.14165", "Language Models are Few-Shot Learners", "1. in-context learning\n2. 175B parameters"),
        ("2001.08361", "Scaling Laws for Neural Language Models", "- power laws\n- compute-optimal"),
    ]


def test_title_wrapped_onto_an_indented_line():
    parsed = parse(
        f"""
        {U}1912.02424
        Bridging the Gap Between Anchor-based and Anchor-free Detection
            via Adaptive Training Sample Selection (Shifeng Zhang, Cheng Chi)

        코멘트.

        {U}2005.12872
        End-to-End Object Detection
          with Transformers

        DETR.
        """
    )
    assert rows(parsed) == [
        ("1912.02424", "Bridging the Gap Between Anchor-based and Anchor-free Detection via Adaptive Training Sample Selection",
         "코멘트."),
        ("2005.12872", "End-to-End Object Detection with Transformers", "DETR."),
    ]
    assert parsed.entries[0].authors == ["Shifeng Zhang", "Cheng Chi"]


@pytest.mark.parametrize(
    ("group", "authors"),
    [
        ("(A. Chaman (1), I. Dokmanić (2) ((1) University of Toronto, (2) University of Basel))",
         ["A. Chaman", "I. Dokmanić"]),
        ("(Ann Lee (1 and 2), Bob Ray (2) ((1) MIT, (2) ETH Zurich))", ["Ann Lee", "Bob Ray"]),
        ("(Jane Doe (Google), John Smith (DeepMind))", ["Jane Doe", "John Smith"]),
    ],
)
def test_authors_with_affiliations_in_nested_parentheses(group, authors):
    parsed = parse(f"{U}2012.12345 Truly Shift-Invariant Convolutional Neural Networks {group} 흥미롭다.\n")
    (entry,) = parsed.entries
    assert (entry.title, entry.authors, entry.commentary) == (
        "Truly Shift-Invariant Convolutional Neural Networks", authors, "흥미롭다.")


# =================================================================================================
# 5. Files that were skipped whole


@pytest.mark.parametrize(
    ("text", "title", "commentary"),
    [
        (f"Deep Residual Learning for Image Recognition {U}1512.03385\n\n잔차 연결.\n\n#cnn\n",
         "Deep Residual Learning for Image Recognition", "잔차 연결."),
        (f"XLNet: Generalized Autoregressive Pretraining {U}1906.08237\npermutation LM.\n",
         "XLNet: Generalized Autoregressive Pretraining", "permutation LM."),
        (f"**Mixup** {U}1710.09412\n\n데이터 섞기.\n", "Mixup", "데이터 섞기."),
    ],
)
def test_note_whose_first_line_is_title_then_link(text, title, commentary):
    parsed = parse(text)
    (entry,) = parsed.entries
    assert (entry.title, entry.commentary) == (title, commentary)
    assert not any("none starts" in w.message for w in parsed.warnings)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (f"Paper: {U}1906.08237\n\n순열 언어 모델.\n", None),
        (f"논문 {U}1906.08237\n\n순열 언어 모델.\n", None),
        (f"---\ntitle: XLNet\nurl: {U}1906.08237\ntags: [lm]\n---\n\n순열 언어 모델.\n", "XLNet"),
    ],
)
def test_note_with_its_link_in_a_leading_label_or_front_matter(text, title):
    parsed = parse(text)
    (entry,) = parsed.entries
    assert (entry.arxiv_id, entry.title, entry.commentary) == ("1906.08237", title, "순열 언어 모델.")
    assert parsed.warnings == []


def test_review_of_description_lines_with_links_in_parentheses():
    parsed = parse(
        f"""
        올해 본 것들 정리.

        diffusion으로 텍스트를 생성하는 방법 ({U}2205.14217)
        A faster way to sample diffusion models ({U}2206.00364)
        Denoising Diffusion Implicit Models ({U}2010.02502)
        """
    )
    assert rows(parsed) == [
        ("2205.14217", None, "diffusion으로 텍스트를 생성하는 방법"),
        ("2206.00364", None, "A faster way to sample diffusion models"),
        ("2010.02502", "Denoising Diffusion Implicit Models", ""),
    ]
    assert not any("none starts" in w.message for w in parsed.warnings)


# =================================================================================================
# 6. Titles from the file name and from link text, marked as the digest's


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("notes/190620 XLNet.md", "XLNet"),
        ("notes__2023__230206 SmoothQuant.md", "SmoothQuant"),
        ("2019-06-20 XLNet - permutation LM.md", "XLNet - permutation LM"),
    ],
)
def test_one_paper_note_title_from_its_file_name(source, title):
    parsed = parse(f"{U}1906.08237\n\n순열 언어 모델.\n", source=source)
    (entry,) = parsed.entries
    assert (entry.title, entry.title_source) == (title, "file")


def test_file_name_without_a_title_gives_none():
    (entry,) = parse(f"{U}1906.08237\n\n코멘트.\n", source="190620.md").entries
    assert entry.title is None


def test_file_name_title_only_for_one_paper_notes():
    parsed = parse(f"{U}1906.08237\n\n코멘트.\n\n{U}1810.04805\n\n코멘트.\n", source="190620 XLNet.md")
    assert [e.title for e in parsed.entries] == [None, None]


def test_title_sources():
    parsed = parse(
        f"{U}1906.08237 XLNet: Generalized Autoregressive Pretraining (Zhilin Yang, Zihang Dai)\n"
        f"- [Gopher]({U}2112.11446)\n"
    )
    assert [(e.title, e.title_source) for e in parsed.entries] == [
        ("XLNet: Generalized Autoregressive Pretraining", "digest"),
        ("Gopher", "link"),
    ]


# =================================================================================================
# 7. Dates after other words in a file name


@pytest.mark.parametrize(
    ("source", "date"),
    [
        ("notes__2023__230206 SmoothQuant.md", "2023-02-06"),
        ("Reading 230206 SmoothQuant.md", "2023-02-06"),
        ("archive/2021-03-04 notes.md", "2021-03-04"),
        ("paper 1912.02424.md", None),
        ("v123456.md", None),
    ],
)
def test_file_name_dates(source, date):
    parsed = parse(f"{U}1906.08237\n", source=source)
    assert (parsed.date.isoformat() if parsed.date else None) == date


# =================================================================================================
# 8. A tag line after a list of bare links belongs to every entry


def test_tag_line_after_bare_links_is_the_digests():
    parsed = parse(f"{U}2007.01758\n{U}2007.01852\n{U}2007.01476\n\n#reading #week28\n")
    assert [e.tags for e in parsed.entries] == [[], [], []]
    assert parsed.tags == ["reading", "week28"]


def test_tag_line_after_bare_list_items_is_the_digests():
    parsed = parse(f"- {U}2007.01758\n- {U}2007.01852\n#읽을거리\n")
    assert parsed.tags == ["읽을거리"]


def test_tag_line_of_a_one_paper_note_stays_its_own():
    parsed = parse(f"{U}2007.01758\n\n#gan\n")
    assert parsed.entries[0].tags == ["gan"]


# =================================================================================================
# 9. Every malformed link is warned about, with its line


def test_malformed_ids_anywhere_are_warned_about():
    parsed = parse(
        f"""
        ---
        source: {U}2203.0712
        ---
        {U}2007.01758
        Ablation in Name({U}2203.0712) and (arXiv:2006.162360).

        > quoted {U}1912.123456

        ```
        {U}2001.0001
        ```

        ### Notes

        note {U}1501.0001
        """
    )
    assert warnings(parsed) == [
        (2, "malformed arXiv id '2203.0712'"),
        (5, "malformed arXiv id '2203.0712'"),
        (5, "malformed arXiv id '2006.162360'"),
        (7, "malformed arXiv id '1912.123456'"),
        (10, "malformed arXiv id '2001.0001'"),
        (15, "malformed arXiv id '1501.0001'"),
    ]


# =================================================================================================
# 4-6, more notes as note apps keep them


@pytest.mark.parametrize(
    ("text", "source", "title", "authors"),
    [
        (f"# Attention Is All You Need\n\n- Link: {U}1706.03762\n- 읽은 날: 어제\n", "a.md",
         "Attention Is All You Need", []),
        (f"**Title:** XLNet: Generalized Autoregressive Pretraining\n**URL:** {U}1906.08237\n\n순열 LM.\n", "a.md",
         "XLNet: Generalized Autoregressive Pretraining", []),
        (f"Paper: [XLNet: Generalized Autoregressive Pretraining]({U}1906.08237)\n\n순열 LM.\n", "a.md",
         "XLNet: Generalized Autoregressive Pretraining", []),
        (f"{U}1706.03762\nAttention Is All You Need\nAshish Vaswani, Noam Shazeer, Niki Parmar\n\n트랜스포머.\n", "a.md",
         "Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]),
        (f"# 190620 XLNet\n\n{U}1906.08237\n\n순열 LM.\n", "notes/190620.md", "XLNet", []),
        (f"[1] Deep Residual Learning for Image Recognition. {U}1512.03385\n\n잔차.\n", "a.md",
         "Deep Residual Learning for Image Recognition", []),
    ],
)
def test_note_layouts_of_note_apps(text, source, title, authors):
    parsed = parse(text, source=source)
    (entry,) = parsed.entries
    assert (entry.title, entry.authors) == (title, authors)
    assert "Vaswani" not in entry.commentary and "Title:" not in entry.commentary
