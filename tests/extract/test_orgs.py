"""Organisations as a reader counts them: an acronym and the name it abbreviates are one body, an office's
units are organisations with their parent, and pieces of headlines, forms and people are none."""

from __future__ import annotations

from crosswire.clean import clean_document
from crosswire.extract import extract_article


def test_an_acronym_is_the_body_whose_initials_it_is():
    ex = extract_article("Officers of the Chicago Police Department arrested the man. CPD detectives said he fled. "
                         "The New York City Police Department and the NYPD shared the file with the Illinois State "
                         "Police, and ISP troopers joined the search.")
    assert "CPD" not in ex.organizations and "NYPD" not in ex.organizations and "ISP" not in ex.organizations
    assert {"Chicago Police Department", "New York City Police Department", "Illinois State Police"} <= set(
        ex.organizations)


def test_a_unit_is_an_organization_of_its_parent():
    ex = extract_article("Detectives from the Los Angeles Police Department’s Robbery-Homicide Division investigated "
                         "the case, which Deputy District Attorney Jane Roe of the Family Violence Division is "
                         "prosecuting for the Los Angeles County District Attorney’s Office.")
    assert {"Los Angeles Police Department", "Robbery-Homicide Division", "Family Violence Division"} <= set(
        ex.organizations)
    assert ex.affiliations["Robbery-Homicide Division"] == "Los Angeles Police Department"
    assert "Jane Roe" in ex.people


def test_a_body_name_stops_before_the_person_it_introduces():
    ex = extract_article("The Community Commission for Public Safety and Accountability President Anthony Driver "
                         "welcomed the Democrat-led Illinois General Assembly’s vote on the bill.")
    assert "Community Commission for Public Safety and Accountability" in ex.organizations
    assert "Illinois General Assembly" in ex.organizations
    assert not [o for o in ex.organizations if "Anthony Driver" in o or "Democrat" in o]


def test_a_list_with_a_plural_head_names_each_body():
    ex = extract_article("The arrest was made with the Beaumont, Desert Hot Springs and Indio Police Departments and "
                         "the Orange and Riverside County Sheriff’s Departments; the FBI, Menifee and Murrieta Police "
                         "Departments were not involved.")
    assert {"Beaumont Police Department", "Desert Hot Springs Police Department", "Indio Police Department",
            "Orange County Sheriff’s Department", "Riverside County Sheriff’s Department"} <= set(ex.organizations)
    assert "Beaumont" not in ex.locations and not [o for o in ex.organizations if o.startswith("FBI ")]


def test_a_company_keeps_its_legal_form_and_roads_and_events_are_no_bodies(corpus_slice):
    page = corpus_slice["miami_dade_fl"]["press-release_for-immediate-release-hammocks-controller-accountant-charged-in-hoa-thefts.txt"]
    ex = extract_article(clean_document(page).text)
    assert "Aya Service and Repair Corp" in ex.organizations and "Repair Corp" not in ex.organizations
    ex = extract_article("The suspect was stopped near Wineville Ave and Limonite Ave before the Anti-Fraud Conference. "
                         "In People v. Smith, INF10000496. The District Attorney’s Office filed charges.")
    assert ex.organizations == ["District Attorney’s Office"]


def test_a_legal_form_names_a_company_whatever_its_last_noun_and_a_venue_is_no_body():
    ex = extract_article("The TJX Companies, Inc. agreed to pay, and Albri Consulting, LLC and Aya Service and Repair "
                         "Corp. were paid.\n\nWHERE: State Attorney’s Office, 1350 NW 12 Avenue, Miami")
    assert {"TJX Companies, Inc", "Albri Consulting, LLC", "Aya Service and Repair Corp"} <= set(ex.organizations)
    assert "State Attorney’s Office" not in ex.organizations
