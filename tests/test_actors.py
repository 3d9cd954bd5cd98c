"""The actors stage over real spaCy Docs: ACLED names, inter codes, kinds, roles, and country-dependent words.
All report texts are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from conflictwire.extract import actors, nlp


def found(text: str, **kw):
    return actors.find(nlp.parse(nlp.normalise(text)), **kw)


def by_text(mentions):
    return {m.text: m for m in mentions}


SYRIA = (
    "Russian and Syrian warplanes pounded the rebel-held city of Idlib on Sunday, the White Helmets said. "
    "The insurgents, led by Hayat Tahrir al-Sham, had pushed into Aleppo two days earlier. "
    "The army said it was regrouping its troops, while residents fled south."
)


def test_syria_report_names_each_side_with_acled_names_and_codes():
    ms = found(SYRIA)
    names = [(m.text, m.name, m.inter, m.kind) for m in ms]
    assert ("Russian", "Military Forces of Russia (2000-)", 8, "armed") in names  # foreign state: external
    assert ("Syrian warplanes", "Military Forces of Syria (2000-2024)", 1, "armed") in names
    assert ("White Helmets", "White Helmets", 0, "source_only") in names
    assert ("insurgents", "Opposition Rebels (Syria)", 2, "armed") in names
    assert ("Hayat Tahrir al-Sham", "HTS: Hayat Tahrir al-Sham", 2, "armed") in names
    assert ("army", "Military Forces of Syria (2000-2024)", 1, "armed") in names
    assert ("residents", "Civilians (Syria)", 7, "civilians") in names
    # In text order, with offsets into the text.
    assert [m.start for m in ms] == sorted(m.start for m in ms)
    for m in ms:
        assert SYRIA[m.start : m.end] == m.text


def test_sudan_rsf_and_the_army_resolved_by_country():
    text = (
        "The Rapid Support Forces shelled a camp for displaced people outside El Fasher in North Darfur. "
        "The army said its jets later struck RSF positions east of the city. Sudanese civilians fled."
    )
    ms = by_text(found(text))
    assert ms["Rapid Support Forces"].name == "RSF: Rapid Support Forces"
    assert ms["Rapid Support Forces"].inter == 2
    assert ms["RSF"].name == "RSF: Rapid Support Forces"
    assert ms["army"].name == "Military Forces of Sudan (2019-)"
    assert ms["army"].inter == 1
    assert ms["Sudanese civilians"].name == "Civilians (Sudan)"


def test_houthis_are_ansar_allah():
    text = (
        "Houthi forces fired a missile at a tanker in the Red Sea off Yemen; Yemeni government forces said."
    )
    ms = found(text)
    assert ms[0].name == "Ansar Allah" and ms[0].inter == 2
    assert "Military Forces of Yemen (2017-)" in {m.name for m in ms}


def test_myanmar_junta_and_local_pdf_branch():
    text = (
        "Junta troops shelled a village in Sagaing Region on Tuesday. Two days later the Pale PDF ambushed "
        "a military convoy with landmines, and the Tatmadaw answered with air strikes."
    )
    ms = found(text)
    names = [m.name for m in ms]
    assert names.count("Military Forces of Myanmar (2021-)") == 3
    assert "People's Defense Force - Pale" in names
    pdf = next(m for m in ms if m.name == "People's Defense Force - Pale")
    assert pdf.inter == 3 and pdf.role == "agent"


def test_generic_army_follows_the_report_country_or_the_callers_country():
    text = "The army shelled the outskirts of the town, killing two herders, local officials in central Mali said."
    army = found(text)[0]
    assert army.text == "army" and army.name == "Military Forces of Mali (2021-)"
    assert army.generic == "military"
    # The caller (the linker) may know better from the places it found.
    assert found(text, country="Burkina Faso")[0].name == "Military Forces of Burkina Faso (2022-)"
    # With no country anywhere, the name carries no country part rather than a wrong one.
    assert found("The army shelled the outskirts of the town.")[0].name == "Military Forces"


def test_police_protesters_gunmen_and_civilians_by_country():
    text = (
        "In Dhaka, police fired tear gas at protesters outside parliament in Bangladesh. "
        "Elsewhere, unknown gunmen shot dead two villagers."
    )
    ms = by_text(found(text))
    assert ms["police"].name == "Police Forces of Bangladesh" and ms["police"].inter == 1
    assert ms["protesters"].name == "Protesters (Bangladesh)" and ms["protesters"].inter == 6
    assert ms["unknown gunmen"].name == "Unidentified Armed Group (Bangladesh)"
    assert ms["unknown gunmen"].inter == 3
    assert ms["villagers"].name == "Civilians (Bangladesh)" and ms["villagers"].inter == 7


def test_buildings_named_after_forces_are_not_actors():
    text = "A bomb went off near the police station and a military-owned petrol station in Mandalay, Myanmar."
    assert [m.name for m in found(text)] == []


def test_roles_from_the_words_around_a_mention():
    text = "Soldiers stepped on a landmine planted by the KIA near Bhamo in Kachin State, Myanmar."
    ms = by_text(found(text))
    assert ms["Soldiers"].role == "target"
    assert ms["KIA"].role == "agent"
    assert ms["KIA"].name == "KIO/KIA: Kachin Independence Organization/Kachin Independence Army"
    text = "The military fired artillery shells at the village; a bomb later exploded at a checkpoint."
    assert found(text, country="Myanmar")[0].role == "agent"


def test_acronyms_are_case_sensitive_and_local_to_their_country():
    assert found("the kia soldiers went home", country="Myanmar")[0].text == "soldiers"
    # In Myanmar "SAF" is not Sudan's army.
    ms = found("The SAF and the Yaw PDF attacked a police car in Gangaw, Myanmar.")
    assert "Military Forces of Sudan (2019-)" not in {m.name for m in ms}
    assert "YPDF: Yaw People's Defense Force" in {m.name for m in ms}
    # In Sudan it is.
    assert found("The SAF shelled Omdurman in Sudan.")[0].name == "Military Forces of Sudan (2019-)"


def test_state_forces_take_the_name_of_their_era():
    text = "Myanmar military shelled a village in Kayin State."
    assert found(text, when=date(2021, 1, 10))[0].name == "Military Forces of Myanmar (2016-2021)"
    assert found(text, when=date(2021, 3, 10))[0].name == "Military Forces of Myanmar (2021-)"
    text = "Syrian army units shelled Idlib."
    assert found(text, when=date(2024, 12, 1))[0].name == "Military Forces of Syria (2000-2024)"
    assert found(text, when=date(2025, 2, 1))[0].name == "Military Forces of Syria (2024-)"


def test_groups_missing_from_the_dictionary_are_still_armed_actors():
    text = (
        "The Dawei Tiger Force (DTF) bombed a ward office in Dawei, Myanmar. The Red Kite group claimed it."
    )
    ms = found(text)
    assert ms[0].name == "DTF: Dawei Tiger Force" and ms[0].inter == 3
    assert "Red Kite Group" in {m.name for m in ms}


def test_a_country_acts_only_when_the_words_say_so():
    text = "Airstrikes by the Syrian government and Russia hit Idlib. Turkey and Iran called for calm."
    ms = found(text)
    assert [m.name for m in ms] == [
        "Military Forces of Syria (2000-2024)",
        "Military Forces of Russia (2000-)",
    ]
    assert (
        found("Russia struck Kharkiv overnight, Ukraine said.")[0].name == "Military Forces of Russia (2000-)"
    )


def test_later_bare_pdf_is_the_branch_named_before():
    text = "The Saw PDF said a convoy hit mines laid by the PDF group near Saw, Myanmar."
    names = [m.name for m in found(text)]
    assert names.count("People's Defense Force - Saw") == 2


@pytest.mark.parametrize(
    "kind,country,expected",
    [
        ("military", "Myanmar", "Military Forces of Myanmar (2021-)"),
        ("police", "Nigeria", "Police Forces of Nigeria (2023-)"),
        ("civilians", "Palestine", "Civilians (Palestine)"),
        ("unidentified", "", "Unidentified Armed Group"),
        ("military", "Chad", "Military Forces of Chad"),
    ],
)
def test_name_for(kind, country, expected):
    assert actors.name_for(kind, country) == expected


def test_name_for_an_unknown_kind_is_an_error():
    with pytest.raises(KeyError):
        actors.name_for("wizards", "Syria")


def test_the_report_country_comes_from_places_more_than_from_foreign_forces():
    text = (
        "Russian troops fired glide bombs at a hypermarket in Kharkiv, killing shoppers. "
        "Russia's defence ministry said Russian drones hit only military targets."
    )
    ms = by_text(found(text))
    assert ms["shoppers"].name == "Civilians (Ukraine)"
    assert ms["Russian troops"].inter == 8
    # The weapon is the event's trigger; the mention is the demonym that says whose it is.
    assert ms["Russian"].name == "Military Forces of Russia (2000-)"
    assert text[ms["Russian"].end :].startswith(" drones hit")


def test_countries_missing_from_the_dictionary_come_from_geonames():
    text = "Riot police in Tbilisi dispersed protesters with water cannon overnight."
    ms = by_text(found(text))
    assert ms["Riot police"].name == "Police Forces of Georgia"
    assert ms["protesters"].name == "Protesters (Georgia)"


def test_islamic_state_is_named_after_the_country_it_fights_in():
    assert found("Islamic State fighters attacked a checkpoint near Kirkuk in Iraq.")[0].name == (
        "Islamic State (Iraq)"
    )
    assert found("ISIS militants ambushed soldiers in the desert near Palmyra, Syria.")[0].name == (
        "Islamic State (Syria)"
    )


def test_government_before_an_attack_word_is_the_state_force_of_the_report():
    text = "Government artillery shelled the town of Atarib in Syria. The government said it would respond."
    ms = found(text)
    assert [(m.text, m.name) for m in ms] == [("Government", "Military Forces of Syria (2000-2024)")]


def test_hard_cases_from_error_analysis_on_coder_notes():
    # A group telling of its own attack is its author.
    ms = found("In Sagaing Region, the Kani PDF reported that they bombed a telecom tower.")
    assert (ms[0].name, ms[0].role) == ("People's Defense Force - Kani", "agent")
    # Forces reacting after the blast, or guarding what was hit, are not its authors.
    text = (
        "A bomb went off at a checkpoint guarded by the military and police in Mon State. "
        "After the explosion, soldiers opened fire and searched nearby houses."
    )
    assert [m.role for m in found(text)] == ["other", "other", "other"]
    # Unnamed local groups take ACLED's Myanmar names.
    ms = found("A local defense group ambushed a junta convoy in Kale township, Sagaing Region.")
    assert ms[0].name == "Unidentified Local Defense Forces (Myanmar)"
    assert ms[1].name == "Military Forces of Myanmar (2021-)" and ms[1].role == "target"
    ms = found("An unknown armed group threw a grenade at a ward office in Yangon Region.")
    assert (ms[0].name, ms[0].inter, ms[0].role) == ("Unidentified Armed Group (Myanmar)", 3, "agent")
