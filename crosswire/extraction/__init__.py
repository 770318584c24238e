"""Rules and knowledge behind the extract stage: who, what, when and where in a press release.

Each module owns one kind of fact and works on plain text with character offsets, so every mention can
be checked with ``text[start:end]``. ``tasks/extract.py`` is the stage entry point that combines them.

- ``text``: shared helpers (mention records, literal-list regexes, sentence bounds).
- ``kb``: the curated knowledge base of policing and justice bodies (``crosswire/data/organizations.csv``).
- ``lexicon``: the words the extractors start from (names, titles, months, cues), found in two passes.
- ``orgs``: organisation mentions: the knowledge base, acronym definitions, org-name patterns, NER
  names, and their normalisation to one canonical name per body.
- ``people``: people with roles (titles, appositives, surnames resolved to full names).
- ``quotes``: quotations and their speakers.
- ``dates``: datelines, publication dates and event dates.
- ``places``: the gazetteer of countries, US states and counties, and cities.
- ``topics``: the topic taxonomy and its keyword rules.
"""
