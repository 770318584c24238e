"""Organisations as a reader counts them: an acronym and the name it abbreviates are one body, an office's
units are organisations with their parent, and pieces of headlines, forms and people are none."""

from __future__ import annotations

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
