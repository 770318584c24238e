"""Title affixes learned from a source's own pages: the site's name after every page title goes, a single page
keeps what it has, and a page's own headline is not cut."""

from __future__ import annotations

from crosswire.clean import clean_document, learn_boilerplate
from crosswire.clean.affixes import strip_affixes
from tests.clean.helpers import CORPUS


def moved(title: str, body: str) -> str:
    """A release as a new site shows it: a menu, the page title with the site's name, the headline, the body."""
    return f"Main menu\nAbout\nNews\n{title} - Office of the Prosecutor News Center\n{title}\n\n{body}\n\nFollow us"


def test_the_site_name_a_source_puts_after_its_titles_is_learned_and_cut(corpus_slice):
    releases = [c for office in corpus_slice.values() for c in map(clean_document, office.values())
                if c.is_article and c.title]
    pages = [moved(r.title, r.text) for r in releases]
    template = learn_boilerplate(pages)
    titles = [clean_document(page, boilerplate=template).title for page in pages]
    assert titles == [r.title for r in releases] and len(titles) >= 10
    alone = clean_document(moved(releases[0].title, releases[0].text)).title  # one page teaches nothing
    assert alone == f"{releases[0].title} - Office of the Prosecutor News Center"


def test_affixes_and_site_names_are_cut_but_a_headline_is_kept():
    template = frozenset({"⟨title suffix⟩ Newsroom", "⟨title prefix⟩ Press Releases"})
    assert strip_affixes("Press Releases | Man Charged in Fraud - Update | Newsroom", template) == "Man Charged in Fraud - Update"
    assert strip_affixes("Man Charged in Fraud | Regional News", frozenset(), "Regional News") == "Man Charged in Fraud"
    assert strip_affixes("STATEMENT | Newsroom", template) == "STATEMENT"
    assert strip_affixes("Man Charged - Jury Out", template) == "Man Charged - Jury Out"


def test_no_title_of_an_office_keeps_its_site_name(shared):
    from crosswire.ingest import decode

    pages = [decode(p.read_bytes())[0] for p in sorted((shared / CORPUS / "orange_ca").glob("*.txt"))[:800]]
    template = learn_boilerplate(pages)
    titles = [c.title for c in (clean_document(p, boilerplate=template) for p in pages) if c.is_article and c.title]
    assert len(titles) > 700 and not [t for t in titles if t.endswith("- Orange County District Attorney")]
