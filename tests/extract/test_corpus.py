"""Pages of the prosecutor corpus (../shared), site chrome and all: quotes, organisations, people, places."""

from __future__ import annotations

from crosswire.extract import extract_article, names_organization
from tests.extract.texts import CORPUS, SPANISH, assert_offsets, corpus_paragraphs

WRONG_WAY = (
    "orange_ca/press_wrong-way-drunken-driver-charged-with-killing-two-sisters-and-injuring-their-two-nieces-after-"
    "head-on-freeway-cras.txt"
)
AWARDS = "riverside_ca/news_justice_awards_25.txt"
HEMET = "riverside_ca/news_use-force-charges-filed-against-hemet-police-officer.txt"
MS13 = "los_angeles_ca/media_news_federal-jury-convicts-four-ms-13-members-triple-murder.txt"
TARZANA = "los_angeles_ca/media_news_man-charged-killing-actor-james-handy-tarzana.txt"
PILOT = "cook_il/news_cook-county-states-attorneys-office-secures-funding-launch-unprecedented-pilot-program.txt"


def test_quotes_pronoun_and_stating(shared):
    text = corpus_paragraphs(
        shared,
        "riverside_ca/news_former-chiropractor-sentenced-over-54-years-prison-150-million-workers-compensation-fraud.txt",
    )
    ex = extract_article(text)
    by_start = {q["quote"][:12]: q["speaker"] for q in ex.quotes}
    assert by_start["The Californ"] == "Mike Hestrin"
    # "she simply responded" after Rivera's quotes; "Rivera" is "One of the injured workers, Denise Rivera,"
    assert by_start["No."] == "Denise Rivera"
    assert by_start["’[Heidary] t"] == "Charles Koosed"  # "Judge Charles Koosed noted ..., stating,"
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    assert roles["W. Matthew Murray"] == roles["Erika Mulhere"] == "Deputy District Attorney"
    assert roles["Mike Hestrin"] == "Riverside County District Attorney"
    assert ex.dateline == "RIVERSIDE"


def test_attribution_in_its_own_paragraph(shared):
    text = corpus_paragraphs(
        shared, "cook_il/news_illinois-lawmakers-pass-cook-county-states-attorney-eileen-oneill-burkes-proposal-protect.txt"
    )
    ex = extract_article(text)
    assert ex.dateline == "CHICAGO"
    expected = ["Eileen O’Neill Burke"] * 2 + ["Laura Murphy"] * 2 + ["Mary Gill"] * 2
    assert [q["speaker"] for q in ex.quotes] == expected
    assert ex.quotes[2]["speaker_role"] == "State Senator"


def test_acronym_defined_in_text_applies_to_whole_article(shared):
    text = corpus_paragraphs(
        shared,
        "orange_ca/press_ocda-rapid-dna-program-rapidly-identifies-felon-charged-with-robbing-mission-viejo-donut-shop-cashier-at-knifepoin.txt",
    )
    ex = extract_article(text)
    occl = [m for m in ex.mentions if m["text"] == "OCCL"]
    assert len(occl) == 2 and {m["normalized"] for m in occl} == {"Orange County Crime Lab"}
    offices = {"Orange County District Attorney’s Office", "Orange County Sheriff’s Department"}
    assert offices <= set(ex.organizations)
    assert ex.dateline == "SANTA ANA, Calif."
    assert {"Santa Ana", "California", "Mission Viejo"} <= set(ex.locations)
    assert "Travis Dereck Allard" in ex.people  # "Travis Dereck Allard, 30, Concord"


def test_an_organization_cue_means_organizations_are_found(shared):
    """The data-quality check: where names_organization sees an organisation, the list is not empty."""
    pages = sorted((shared / CORPUS).glob("*/*.txt"))[::40]
    missed = []
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        if names_organization(text) and not extract_article(text).organizations:
            missed.append(page.name)
    assert missed == []


def test_corpus_pages_with_chrome_do_not_break_extraction(shared):
    pages = sorted((shared / CORPUS).glob("*/*.txt"))[::150]
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        ex = extract_article(text)
        assert_offsets(text, ex)
    assert extract_article("").mentions == []


def test_units_are_organizations_buildings_and_vehicles_are_not(shared, nlp):
    ex = extract_article(corpus_paragraphs(shared, WRONG_WAY), nlp=nlp)
    found = set(ex.organizations)
    hospital = "University of California, Irvine Medical Center"
    assert {"California Highway Patrol", "Western Medical Center", hospital, "Homicide Unit"} <= found
    assert not found & {"North Justice Center", "Toyota", "Chevrolet", "Anaheim"}
    # the unit's prosecutor is still found, and the unit does not become a person
    assert "Susan Price" in ex.people and "Homicide Unit" not in ex.people


def test_short_forms_join_the_full_name(shared, nlp):
    """"the Sheriff's Office" is the article's Riverside County Sheriff's Office; "District Attorney's
    Office" alone stays when the article names no fuller one."""
    ex = extract_article(corpus_paragraphs(shared, HEMET), nlp=nlp)
    assert "Riverside County Sheriff’s Department" in ex.organizations  # the knowledge base's name of it
    assert "Sheriff’s Office" not in ex.organizations
    sheriff = [m for m in ex.mentions if m["text"] == "Sheriff’s Office"]
    assert sheriff and {m["normalized"] for m in sheriff} == {"Riverside County Sheriff’s Department"}
    ex = extract_article(corpus_paragraphs(shared, PILOT), nlp=nlp)
    # "Cook County Justice Advisory Council (JAC)": the place before the acronym's letters is in the name
    assert ex.acronyms["JAC"] == "Cook County Justice Advisory Council"
    assert "New Life Centers of Chicagoland" in ex.organizations and "New Life Centers" not in ex.organizations


def test_longer_body_names_and_acronyms_with_numbers(shared):
    ex = extract_article(corpus_paragraphs(shared, MS13))
    assert ex.acronyms["MS-13"] == "Mara Salvatrucha" and "Mara Salvatrucha" not in ex.people
    assert ex.acronyms["FBI"] == "Federal Bureau of Investigation"
    listed = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    # "the jury found the following defendants guilty ...:" and the list lines after it
    defendants = ["Angel Amadeo Guzman", "Fernando Garcia Parada", "Edgard Velasquez", "Jose Jonathan Castillo"]
    assert [listed.get(name) for name in defendants] == ["defendant"] * 4
    assert listed["Stanley Blumenfeld Jr."] == "United States District Judge"


def test_people_from_list_lines_dates_of_birth_and_case_words(shared):
    ex = extract_article(corpus_paragraphs(shared, AWARDS))
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    assert roles["Amy Zois"] == "Prosecutor of the Year"
    assert roles["Karla Melendrez"] == "Victim Services Specialist of the Year"
    assert "Mike Hestrin" in roles and "Mike Hestrin Announces" not in roles  # a headline verb is no name
    # the office's units are organizations, a region's group of them is not
    assert {"Communications Division", "Human Resources Unit"} <= set(ex.organizations)
    assert "Southwest Group" not in ex.organizations
    ex = extract_article(corpus_paragraphs(shared, TARZANA))
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    # "Michael Gledhill (dob 2/16/82) was charged", "found James Handy, 81, had been stabbed"
    assert roles["Michael Gledhill"] == "defendant" and roles["James Handy"] == "victim"
    assert roles["George Morris"] == "Deputy District Attorney"


def test_spanish_release(shared, spacy_nlp):
    """Spanish names of bodies, head noun first, and Spanish titles; the English NER model is kept away
    from Spanish text (it tags sentence openers such as "El sistema de justicia" as organisations)."""
    text = corpus_paragraphs(shared, SPANISH)
    for nlp in (None, spacy_nlp):
        ex = extract_article(text, nlp=nlp, language="es")
        assert {"Oficina del Fiscal de Distrito del Condado de Dallas", "Departamento de Policía de Dallas",
                "Facultad de Derecho de Northeastern University"} <= set(ex.organizations)
        assert "Unidad de Integridad de Condenas" not in ex.organizations  # a unit of the office
        assert not [m for m in ex.mentions if m["method"].startswith("ner")]
        roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
        assert roles["John Creuzot"] == "Fiscal de Distrito Penal del Condado de Dallas"
    assert [m for m in extract_article(text, nlp=spacy_nlp, language="en").mentions if m["method"] == "ner"]
