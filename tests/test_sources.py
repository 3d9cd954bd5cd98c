"""The sources stage over real spaCy Docs: who is credited with each sentence, with which stance, and whether
the source is a party. Report texts are written for these tests."""

from __future__ import annotations

from conflictwire.extract import nlp, sources


def attributions(text: str, **kw):
    doc = nlp.parse(nlp.normalise(text))
    return doc, sources.find(doc, **kw)


def pairs(atts):
    return [(a.source, a.stance, a.party) for a in atts]


def test_denial_by_the_army_and_its_ally_is_a_deny_by_two_parties():
    text = (
        "Warplanes struck a market in Idlib, Syria on Sunday. "
        "The Syrian army and its ally Russia say they only strike militant hideouts and deny hitting civilians."
    )
    doc, atts = attributions(text)
    assert pairs(atts) == [("Syrian army", "deny", True), ("Russian military", "deny", True)]
    sent = list(doc.sents)[1]
    assert all((a.sentence_start, a.sentence_end) == (sent.start_char, sent.end_char) for a in atts)
    assert atts[0].actor == "Military Forces of Syria (2000-2024)"


def test_rebels_claiming_ground_is_a_claim():
    text = "Fighting went on north of Hama in Syria. Rebels claimed control of Khattab village on Tuesday."
    _, atts = attributions(text)
    assert pairs(atts) == [("Rebels", "claim", True)]
    assert atts[0].actor == "Opposition Rebels (Syria)"


def test_a_party_saying_it_captured_a_town_claims_it_but_residents_saying_they_fled_report():
    text = (
        "The Sudanese army said it had recaptured the bridge at Omdurman. "
        "Residents said they fled the fighting overnight."
    )
    _, atts = attributions(text)
    assert pairs(atts) == [("Sudanese army", "claim", True), ("Residents", "report", False)]


def test_according_to_names_independent_sources_with_their_sentence():
    text = (
        "Nine people died when a drone hit a bus near Kherson, according to the Red Cross. "
        "The road was closed."
    )
    doc, atts = attributions(text)
    assert pairs(atts) == [("ICRC", "report", False)]
    first = list(doc.sents)[0]
    assert (atts[0].sentence_start, atts[0].sentence_end) == (first.start_char, first.end_char)
    assert text[atts[0].start : atts[0].end] == "Red Cross"


def test_a_named_resident_talking_to_a_wire_agency():
    text = "A resident, Omar Haddad, told Reuters that two shells landed near the bakery."
    _, atts = attributions(text)
    assert pairs(atts) == [("Residents", "report", False), ("Reuters", "report", False)]


def test_witnesses_and_locals_are_both_credited():
    text = "Hundreds of families left the town on foot, according to witnesses and locals."
    _, atts = attributions(text)
    assert pairs(atts) == [("Witnesses", "report", False), ("Residents", "report", False)]


def test_state_media_and_military_sources():
    text = (
        "In a speech carried on state media, the minister vowed to retake the city. "
        "Army jets bombed the southern districts of Aleppo in Syria, military sources said."
    )
    _, atts = attributions(text)
    assert ("State media", "report", True) in pairs(atts)
    assert ("Syrian army", "report", True) in pairs(atts)


def test_the_group_refers_back_to_the_organisation_named_before():
    text = (
        "The White Helmets, a rescue organisation, reported 12 dead in Ariha. "
        "Since March the toll has reached 90, the group reported."
    )
    _, atts = attributions(text)
    assert pairs(atts) == [("White Helmets", "report", False), ("White Helmets", "report", False)]
    assert atts[1].text == "the group"


def test_named_armed_groups_claim_and_deny():
    text = (
        "The Houthis claimed responsibility for the drone attack on the ship. "
        "The RSF denied that its fighters had looted the hospital in Sudan."
    )
    _, atts = attributions(text)
    assert pairs(atts) == [("Houthis", "claim", True), ("RSF", "deny", True)]
    assert atts[0].actor == "Ansar Allah"


def test_sentences_without_attribution_give_nothing_and_nouns_are_not_verbs():
    text = (
        "Shelling hit the market at noon. The state of the roads slowed ambulances. "
        "The report was published later by the ministry of information."
    )
    _, atts = attributions(text)
    assert atts == []


def test_the_reports_own_outlet_is_not_credited():
    text = "Reuters reported that a car bomb exploded in Mogadishu, Somalia."
    assert pairs(attributions(text)[1]) == [("Reuters", "report", False)]
    assert attributions(text, outlet="Reuters")[1] == []


def test_one_source_keeps_its_strongest_stance_in_a_sentence():
    text = "Israel said it struck only military targets in Gaza and rejected reports of a strike on a school."
    _, atts = attributions(text)
    assert pairs(atts) == [("Israeli military", "deny", True)]


def test_an_organisation_speaking_through_its_people_keeps_its_name():
    _, atts = attributions("Observatory activists counted 14 dead in Deir ez-Zor, Syria.")
    assert pairs(atts) == [("SOHR", "report", False)]
    assert atts[0].text == "Observatory activists"
    _, atts = attributions("Regional police commander Amina Yusuf said two gunmen were arrested in Kenya.")
    assert pairs(atts) == [("Kenyan police", "report", True)]
    assert atts[0].text == "police commander"


def test_passives_and_lists_credit_nobody_but_an_inverted_source_counts():
    text = (
        "It was reported that the bridge at Hodeidah in Yemen was hit. "
        "Fighting between the army and the rebels, officials said, went on all night. "
        '"The shelling did not stop," said a witness.'
    )
    _, atts = attributions(text)
    assert pairs(atts) == [("Officials", "report", False), ("Witnesses", "report", False)]


def test_a_backer_named_with_led_is_not_the_reports_country():
    text = (
        "Saudi-led jets struck Saada. The Saudi-led coalition said it hit a depot. "
        "The army said Houthi fighters retreated in Yemen."
    )
    _, atts = attributions(text)
    assert pairs(atts)[-1] == ("Yemeni army", "report", True)


def test_subjects_behind_appositives_parentheses_and_place_phrases():
    text = (
        "Eleven people died, the regional governor, Ivan Petrenko, said on Sunday. "
        "The National Front for Liberation (NFL), an alliance of factions, claimed the raid. "
        "The UN agency for Palestinian refugees said 5,000 people sheltered in the school. "
        "Residents of Beit Lahia and Jabalia described shelling through the night."
    )
    _, atts = attributions(text)
    assert pairs(atts) == [
        ("Officials", "report", False),
        ("National Front for Liberation", "claim", False),
        ("UN", "report", False),
        ("Residents", "report", False),
    ]


def test_spokesman_and_but_said_refer_to_the_sentence_subject():
    text = (
        "The military government did not confirm the loss of the town in Myanmar, but its spokesman said "
        "radio contact with the garrison was cut."
    )
    _, atts = attributions(text)
    assert pairs(atts) == [("Myanmar military", "report", True)]
    assert atts[0].text == "its spokesman"
    text = (
        "Russia's defence ministry made no comment on the market but said its forces had struck military "
        "targets in Kharkiv."
    )
    assert pairs(attributions(text)[1]) == [("Russian military", "claim", True)]
