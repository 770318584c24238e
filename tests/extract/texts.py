"""Texts the extract tests read (the INTERPOL seed release as the clean stage leaves it, corpus pages) and
what every extraction must satisfy."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

PUBLISHED = datetime(2021, 10, 28, tzinfo=timezone.utc)
SEED_ORGANIZATIONS = {
    "INTERPOL", "AFRIPOL", "Arab Interior Ministers’ Council", "AMERIPOL", "ASEANAPOL", "Europol", "FRONTEX",
    "Gulf Cooperation Council-POL", "UNODC", "Shanghai Cooperation Organization Regional Anti-Terrorist Structure",
}
SEED_QUOTES = {
    "We are here to determine": "Jürgen Stock",
    "Over the past 18 months": "Jürgen Stock",
    "The repercussions of globalization": "Mohammed Ben Ali Koman",
}
CORPUS = "corpora/prosecutor-press-releases"
SPANISH = (
    "dallas_tx/Assets_uploads_docs_district-attorney_press-release_2026_Official_20Statement_20and_20Position_TLW_"
    "20Spanish_pdf.txt"
)
MENTION_KEYS = {"kind", "text", "normalized", "start", "end", "role", "method", "confidence"}


def seed_body(raw: str) -> str:
    """The clean stage's output for the published seed: title, date and standfirst dropped, "/" gone."""
    paragraphs = "\n".join(raw.splitlines()[4:]).split("\n\n")
    return "\n\n".join(p.strip() for p in paragraphs if p.strip() and p.strip() != "/")


def scraped_body(raw: str) -> str:
    """The scraped seed with the clean stage's minimal fixes: the "1 / 8" counter and whitespace runs
    gone, a space put back between glued sentences."""
    text = re.sub(r"\s*\b1\s*/\s*8\b\s*", "\n\n", raw)
    text = re.sub(r"([.”])(?=[A-Z“])", r"\1 ", text)
    return re.sub(r"[ \t]*\n\s*", "\n\n", text).strip()


def corpus_paragraphs(shared: Path, name: str) -> str:
    """A corpus page, site chrome and all, one paragraph per line."""
    lines = (shared / CORPUS / name).read_text(encoding="utf-8").splitlines()
    return "\n\n".join(line.strip() for line in lines if line.strip())


def assert_offsets(text: str, ex) -> None:
    for m in ex.mentions:
        assert set(m) == MENTION_KEYS
        assert text[m["start"] : m["end"]] == m["text"], m
        assert 0 <= m["confidence"] <= 1
    for q in ex.quotes:
        assert set(q) == {"quote", "speaker", "speaker_role", "start", "end"}
        assert text[q["start"] : q["end"]] == q["quote"]
