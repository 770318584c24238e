"""Ways a press release is damaged or changed on its way to a reader: scrapers, syndication, e-mail digests,
PDFs, site moves. Each kind takes a release as its office published it (the scraped page, its cleaned title
and body) and returns a copy as another channel would hold it: (raw text, content type, hints).

Used by benchmarks/dedupe.py and benchmarks/generalize.py to measure how often each kind of copy joins its
story. The kinds are written from what channels do to text, not from crosswire's rules.
"""

from __future__ import annotations

import html
import random
import re
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

NUMBER = re.compile(r"\b\d+\b")
SENTENCE_END = re.compile(r"([.!?][”\"’]?)\s+(?=[“\"A-Z])")
UI_JUNK = ["1 / 8", "Share", "Print", "Email", "   \t  ", "Read more", "Skip to content", "Facebook", "Tweet"]


@dataclass(frozen=True)
class Release:
    page: str  # the page as scraped from the office's site (chrome, header and all)
    title: str
    text: str  # the cleaned body, paragraphs separated by blank lines
    published: date | None = None


Copy = tuple[str, str, dict]  # raw, content type, hints


def one_line(r: Release, rng: random.Random) -> Copy:
    """A page's textContent: every line of the scraped page run together, with or without a space."""
    joiner = rng.choice(["", " "])
    return joiner.join(line.strip() for line in r.page.splitlines() if line.strip()), "text/plain", {}


def seed(r: Release, rng: random.Random) -> Copy:
    """The seed pair's damage: sentences glued, UI lines and whitespace runs injected, no title."""
    lines = SENTENCE_END.sub(r"\1", r.text).split("\n")
    for _ in range(rng.randint(1, 3)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(UI_JUNK) + "\n" + " " * rng.randint(0, 40))
    return "\n".join(lines), "text/plain", {}


def teaser(r: Release, rng: random.Random) -> Copy:
    paragraphs = r.text.split("\n\n")
    keep = max(1, round(len(paragraphs) * rng.uniform(0.5, 0.7)))
    return f"{r.title}\n\n" + "\n\n".join(paragraphs[:keep]) + "\n\nRead more", "text/plain", {}


def update(r: Release, rng: random.Random) -> Copy:
    """An updated release: a number changed and an update note on top."""
    numbers = list(NUMBER.finditer(r.text))
    text = r.text
    if numbers:
        hit = rng.choice(numbers)
        text = f"{text[:hit.start()]}{int(hit[0]) + rng.randint(1, 9)}{text[hit.end():]}"
    return f"UPDATE: {r.title}\n\nThis release has been updated with new information.\n\n{text}", "text/plain", {}


def digest(r: Release, rng: random.Random) -> Copy:
    """An e-mail digest: hard-wrapped at 70 columns between a digest header and an unsubscribe footer."""
    wrapped = "\n\n".join(textwrap.fill(p, 70) for p in r.text.split("\n\n"))
    return (f"Daily press digest\nIn this issue: 1 item\n\n{r.title.upper()}\n\n{wrapped}\n\n"
            "You are receiving this e-mail because you subscribed.\nUnsubscribe | Manage preferences"), "text/plain", {}


def quoted_mail(r: Release, rng: random.Random) -> Copy:
    """A forwarded e-mail: headers, then the release quoted with '> ' at the start of every line."""
    wrapped = "\n>\n".join("\n".join("> " + line for line in textwrap.wrap(p, 72)) for p in r.text.split("\n\n"))
    return (f"---------- Forwarded message ---------\nFrom: Press Office <press@example.org>\nSubject: {r.title}\n\n"
            f"FYI, see below.\n\n{wrapped}\n"), "text/plain", {}


def mojibake(r: Release, rng: random.Random) -> Copy:
    """UTF-8 read as Windows-1252."""
    return r.page.encode("utf-8").decode("cp1252", errors="replace"), "text/plain", {}


def ascii_only(r: Release, rng: random.Random) -> Copy:
    """A system that keeps ASCII only: straight quotes, double hyphens, accents dropped."""
    table = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "--", "—": "--", "…": "..."})
    text = unicodedata.normalize("NFKD", f"{r.title}\n\n{r.text}".translate(table))
    return text.encode("ascii", "ignore").decode(), "text/plain", {}


def entities(r: Release, rng: random.Random) -> Copy:
    """Text copied out of HTML source with its character entities left in."""
    escaped = html.escape(f"{r.title}\n\n{r.text}").replace("’", "&#8217;").replace("“", "&ldquo;")
    return escaped.replace("”", "&rdquo;").replace("\n\n", "\n&nbsp;\n"), "text/plain", {}


def news_site(r: Release, rng: random.Random) -> Copy:
    """Re-posted as an article page of a news site, with its own chrome and a site name in the title."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in r.text.split("\n\n"))
    return (f"<html><head><title>{html.escape(r.title)} | Regional News Network</title>"
            f"<meta property='og:site_name' content='Regional News Network'></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/crime'>Crime</a> <a href='/about'>About us</a></nav>"
            f"<main><article><h1>{html.escape(r.title)}</h1><p class='byline'>By Staff</p>{body}</article></main>"
            f"<aside><h3>Most read</h3><ul><li>Council approves budget</li><li>Storm closes schools</li></ul></aside>"
            f"<footer>© Regional News Network. All rights reserved.</footer></body></html>"), "text/html", {}


def site_move(r: Release, rng: random.Random) -> Copy:
    """The office's new site: other navigation and footer, the title with the new site's name after it."""
    return (f"Main menu\nAbout\nNews\nContact\n{r.title} - Office of the Prosecutor News Center\n{r.title}\n\n{r.text}"
            "\n\nSubscribe to updates\nFollow us\nPrivacy Policy | Accessibility"), "text/plain", {}


def pdf(r: Release, rng: random.Random) -> Copy:
    """The release as a PDF's text: hard-wrapped lines, words hyphenated at line ends, page furniture."""
    lines = []
    for paragraph in r.text.split("\n\n"):
        for line in textwrap.wrap(paragraph, 78, break_on_hyphens=False):
            lines.append(line)
        lines.append("")
    for at in range(40, len(lines), 45):
        lines[at:at] = ["", "Page 1 of 2", "PRESS RELEASE", ""]
    return f"FOR IMMEDIATE RELEASE\n{r.title}\n\n" + "\n".join(lines), "text/plain", {}


def markdown(r: Release, rng: random.Random) -> Copy:
    """Converted to Markdown by a reader app: a '#' headline, links and emphasis kept as markup."""
    text = re.sub(r"\b(District Attorney|Police Department|Sheriff)\b", r"**\1**", r.text, count=2)
    return f"# {r.title}\n\n[Home](/) > [News](/news)\n\n{text}\n\n[Share](https://example.org/share)", "text/plain", {}


def wire(r: Release, rng: random.Random) -> Copy:
    """Syndicated by a wire: a byline and credit before the text, a copyright line after it."""
    return (f"{r.title}\n\nBy Staff Writer\nCITY NEWS SERVICE\n\n(CNS) -- {r.text}\n\n"
            f"Copyright {rng.randint(2010, 2026)} City News Service. All rights reserved."), "text/plain", {}


def truncated(r: Release, rng: random.Random) -> Copy:
    """A scrape cut off partway: the first 60-80 % of the text, ending mid-sentence."""
    cut = int(len(r.text) * rng.uniform(0.6, 0.8))
    return f"{r.title}\n\n{r.text[:cut]}", "text/plain", {}


def whitespace(r: Release, rng: random.Random) -> Copy:
    """Line breaks and spaces changed: single newlines between paragraphs, tabs, non-breaking spaces."""
    text = r.text.replace("\n\n", "\n").replace(". ", ".\u00a0 ")
    return f"\t{r.title}\n" + "\n".join("  " + line + "\t" for line in text.split("\n")), "text/plain", {}


def cms(r: Release, rng: random.Random) -> Copy:
    """A content management system's page: its template's timestamps of publication and of the last change
    (a later day), ISO-written, around the headline."""
    when = r.published or date(2021, 2, 11)
    changed = when + timedelta(days=rng.randint(1, 30))
    return (f"Newsroom\nPress releases\n{r.title}\n{when.isoformat()} 09:{rng.randint(10, 59)}:00\n\n{r.text}\n\n"
            f"Last modified: {changed.isoformat()} 16:02:11\nShare this page"), "text/plain", {}


def numeric_dates(r: Release, rng: random.Random) -> Copy:
    """A date line in numbers, as sites in other countries write them: 11.02.2021, or 02/11/2021 in the US."""
    when = r.published or date(2021, 2, 11)
    written = rng.choice([f"{when.day:02d}.{when.month:02d}.{when.year}", f"{when.month:02d}/{when.day:02d}/{when.year}"])
    return f"{r.title}\nPosted on {written} by Press Office\n\n{r.text}", "text/plain", {}


def worded_dates(r: Release, rng: random.Random) -> Copy:
    """A date line in words, in another of the ways sites write them."""
    when = r.published or date(2021, 2, 11)
    written = rng.choice([f"{when:%A}, {when.day} {when:%B} {when.year}", f"{when:%b}. {when.day}, {when.year}",
                          f"{when:%B} {when.day}th, {when.year}", f"Release date: {when:%d %B %Y}"])
    return f"{r.title}\n{written}\n\n{r.text}", "text/plain", {}


def feed_entry(r: Release, rng: random.Random) -> Copy:
    """An export record: the body alone, the title and date given beside it."""
    return r.text, "text/plain", {"title": r.title}


KINDS: dict[str, Callable[[Release, random.Random], Copy]] = {
    "one-line": one_line, "seed": seed, "teaser": teaser, "update": update, "digest": digest,
    "quoted-mail": quoted_mail, "mojibake": mojibake, "ascii": ascii_only, "entities": entities,
    "news-site": news_site, "site-move": site_move, "pdf": pdf, "markdown": markdown, "wire": wire,
    "truncated": truncated, "whitespace": whitespace, "feed-entry": feed_entry, "cms": cms,
    "numeric-dates": numeric_dates, "worded-dates": worded_dates,
}
DATED = ("cms", "numeric-dates", "worded-dates")  # the kinds that write the release's date
