"""Atom feeds in arXiv's real formats (the current API and the pre-2025 one), for tests."""

from __future__ import annotations

from xml.sax.saxutils import escape

from tests.httpserver import Reply, Request

API = "/api/query"

# ----------------------------------------------------------------- feed writers
# Shapes copied from real replies: the current API (2025+) and the pre-2025 one.


def entry(arxiv_id: str, version: int = 1, **kw) -> dict:
    e = {
        "id": arxiv_id,
        "version": version,
        "title": f"Title of {arxiv_id}",
        "summary": f"Abstract of {arxiv_id}.",
        "authors": [("Ada Lovelace", []), ("Alan Turing", [])],
        "categories": ["hep-th", "gr-qc"],
        "primary": "hep-th",
        "published": "2020-07-03T15:17:38Z",
        "updated": "2020-09-01T10:00:00Z",
        "comment": None,
        "journal_ref": None,
        "doi": None,
        "pdf_link": True,
    }
    e.update(kw)
    return e


def _new_entry(e: dict) -> str:
    vid = f"{e['id']}v{e['version']}"
    parts = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <title>{escape(e['title'])}</title>" if e["title"] is not None else "",
        f"    <updated>{e['updated']}</updated>",
        f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>'
        if e["pdf_link"]
        else "",
        f"    <summary>{escape(e['summary'])}</summary>",
        *[f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e["categories"]],
        f"    <published>{e['published']}</published>",
        f"    <arxiv:comment>{escape(e['comment'])}</arxiv:comment>" if e["comment"] else "",
        f'    <arxiv:primary_category term="{e["primary"]}"/>' if e["primary"] else "",
        f"    <arxiv:journal_ref>{escape(e['journal_ref'])}</arxiv:journal_ref>" if e["journal_ref"] else "",
        f"    <arxiv:doi>{escape(e['doi'])}</arxiv:doi>" if e["doi"] else "",
    ]
    for name, affs in e["authors"]:
        parts.append("    <author>")
        parts.append(f"      <name>{escape(name)}</name>")
        parts.extend(f"      <arxiv:affiliation>{escape(a)}</arxiv:affiliation>" for a in affs)
        parts.append("    </author>")
    parts.append("  </entry>")
    return "\n".join(p for p in parts if p)


def new_feed(entries: list[dict], id_list: str = "", max_results: int = 100) -> str:
    return "\n".join(
        [
            "<?xml version='1.0' encoding='UTF-8'?>",
            '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">',
            "  <id>https://arxiv.org/api/OCk8emqg9bln1sH6hyj0cx9HFT0</id>",
            f"  <title>arXiv Query: search_query=&amp;id_list={escape(id_list)}&amp;start=0&amp;max_results={max_results}</title>",
            "  <updated>2026-04-12T22:10:26Z</updated>",
            f'  <link href="https://arxiv.org/api/query?search_query=&amp;start=0&amp;max_results={max_results}'
            f'&amp;id_list={escape(id_list)}" type="application/atom+xml"/>',
            f"  <opensearch:itemsPerPage>{max_results}</opensearch:itemsPerPage>",
            f"  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>",
            "  <opensearch:startIndex>0</opensearch:startIndex>",
            *[_new_entry(e) for e in entries],
            "</feed>",
        ]
    )


_AX = 'xmlns:arxiv="http://arxiv.org/schemas/atom"'


def _old_entry(e: dict) -> str:
    vid = f"{e['id']}v{e['version']}"
    parts = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <updated>{e['updated']}</updated>",
        f"    <published>{e['published']}</published>",
        f"    <title>{escape(e['title'])}</title>" if e["title"] is not None else "",
        f"    <summary>  {escape(e['summary'])}\n</summary>",
    ]
    for name, affs in e["authors"]:
        parts.append("    <author>")
        parts.append(f"      <name>{escape(name)}</name>")
        parts.extend(f"      <arxiv:affiliation {_AX}>{escape(a)}</arxiv:affiliation>" for a in affs)
        parts.append("    </author>")
    if e["doi"]:
        if not e.get("doi_link_only"):
            parts.append(f"    <arxiv:doi {_AX}>{escape(e['doi'])}</arxiv:doi>")
        parts.append(f'    <link title="doi" href="http://dx.doi.org/{escape(e["doi"])}" rel="related"/>')
    if e["comment"]:
        parts.append(f"    <arxiv:comment {_AX}>{escape(e['comment'])}</arxiv:comment>")
    if e["journal_ref"]:
        parts.append(f"    <arxiv:journal_ref {_AX}>{escape(e['journal_ref'])}</arxiv:journal_ref>")
    parts.append(f'    <link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>')
    if e["pdf_link"]:
        parts.append(f'    <link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>')
    if e["primary"]:
        parts.append(
            f'    <arxiv:primary_category {_AX} term="{e["primary"]}" scheme="http://arxiv.org/schemas/atom"/>'
        )
    parts.extend(f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e["categories"])
    parts.append("  </entry>")
    return "\n".join(p for p in parts if p)


def old_feed(entries: list[dict], id_list: str = "", max_results: int = 10) -> str:
    os_ns = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            f'  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D{escape(id_list)}%26start%3D0'
            f'%26max_results%3D{max_results}" rel="self" type="application/atom+xml"/>',
            f'  <title type="html">ArXiv Query: search_query=&amp;id_list={escape(id_list)}&amp;start=0'
            f"&amp;max_results={max_results}</title>",
            "  <id>http://arxiv.org/api/KkDjFp3ryS4gGkG1Y5vjGJGTHi0</id>",
            "  <updated>2020-07-06T00:00:00-04:00</updated>",
            f"  <opensearch:totalResults {os_ns}>{len(entries)}</opensearch:totalResults>",
            f"  <opensearch:startIndex {os_ns}>0</opensearch:startIndex>",
            f"  <opensearch:itemsPerPage {os_ns}>{max_results}</opensearch:itemsPerPage>",
            *[_old_entry(e) for e in entries],
            "</feed>",
        ]
    )


def error_feed(bad_id: str) -> str:
    """arXiv's HTTP 400 body for a malformed id (as recorded)."""
    token = bad_id.replace("/", "_")
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>2026-04-12T22:59:06Z</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{token}</id>
    <title>Error</title>
    <updated>2026-04-12T22:59:06Z</updated>
    <link href="https://arxiv.org/api/errors#incorrect_id_format_for_{token}" rel="alternate" type="text/html"/>
    <summary>incorrect id format for {bad_id}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
"""


def arxiv_like(known: dict[str, dict], fmt: str = "new", rejected: set[str] = frozenset(), name_bad: bool = True):
    """A route answering id_list queries from ``known`` like arXiv would."""

    def handle(req: Request) -> Reply:
        ids = [i for i in req.arg("id_list").split(",") if i]
        bad = [i for i in ids if i in rejected]
        if bad:
            body = error_feed(bad[0]) if name_bad else error_feed("something")
            return Reply(400, body, {"Content-Type": "application/atom+xml"})
        found = [known[i] for i in ids if i in known]
        writer = new_feed if fmt == "new" else old_feed
        body = writer(found, req.arg("id_list"), int(req.arg("max_results", "10")))
        return Reply(200, body, {"Content-Type": "application/atom+xml; charset=utf-8"})

    return handle
