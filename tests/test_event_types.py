"""The event-type stage on sentences written for these tests: all 25 ACLED sub-event types, and the hard cases
found in error analysis (negation, hypotheticals, disasters and crime that are no event, weapon priority, the
victim deciding Attack vs Armed clash, the agent deciding who took territory)."""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources

import pytest

from conflictwire.extract import event_types, nlp


def triggers(text: str):
    return event_types.find(nlp.parse(nlp.normalise(text)))


def first(text: str):
    return event_types.primary(triggers(text))


def sub_of(text: str) -> str:
    best = first(text)
    return best.sub_event_type if best else "NONE"


# One or more sentences per sub-event type, in the project's own words.
CASES = [
    # Battles
    (
        "Armed clash",
        "Government troops and rebels clashed for several hours outside the town of Kidal on Monday.",
    ),
    ("Armed clash", "Militants stormed an army checkpoint near Baidoa overnight, killing four soldiers."),
    ("Armed clash", "Two soldiers were killed when insurgents ambushed a military patrol north of Mopti."),
    (
        "Government regains territory",
        "The Syrian army recaptured the village of Kafr Nabl from rebel factions.",
    ),
    (
        "Government regains territory",
        "Government forces took control of the port town after a week of fighting.",
    ),
    (
        "Non-state actor overtakes territory",
        "Insurgents captured the district centre of Khanasir on Sunday after the garrison fled.",
    ),
    (
        "Non-state actor overtakes territory",
        "Al-Shabaab militants seized a village in the Lower Juba region.",
    ),
    (
        "Non-state actor overtakes territory",
        "Houthi fighters recaptured the hill that they had lost to coalition forces a week earlier.",
    ),
    # Explosions/Remote violence
    ("Chemical weapon", "Dozens of residents were treated after chlorine gas was dropped on the suburb."),
    ("Air/drone strike", "Russian warplanes struck a market in Idlib city, killing seven people."),
    ("Air/drone strike", "A drone strike hit a car carrying two commanders near Marib."),
    (
        "Air/drone strike",
        "The military bombed the village of Kone Law on Tuesday; no casualties were reported.",
    ),
    ("Suicide bomb", "A suicide bomber blew himself up at the entrance of a mosque in Maiduguri."),
    (
        "Shelling/artillery/missile attack",
        "Artillery shells landed on a residential block in Kharkiv overnight.",
    ),
    ("Shelling/artillery/missile attack", "Militants fired three mortar rounds at the airport perimeter."),
    ("Remote explosive/landmine/IED", "A roadside bomb struck a police vehicle on the road to Gao."),
    ("Remote explosive/landmine/IED", "A bomb exploded near the township administration office at dawn."),
    (
        "Remote explosive/landmine/IED",
        "A farmer was injured when his tractor hit a landmine outside the village.",
    ),
    ("Grenade", "Unknown men on a motorbike threw a grenade at the ward office."),
    ("Grenade", "Two men hurled a homemade bomb at the house of the local administrator."),
    # Violence against civilians
    ("Sexual violence", "Soldiers raped at least six women during the raid on the village, the group said."),
    ("Attack", "Gunmen opened fire on worshippers leaving a church, killing five civilians."),
    ("Attack", "Bandits killed eleven villagers in an overnight raid on the village."),
    ("Abduction/forced disappearance", "Armed men kidnapped twelve students from a school dormitory."),
    # Protests
    ("Peaceful protest", "Hundreds of teachers rallied outside parliament to demand higher pay."),
    (
        "Protest with intervention",
        "Police fired tear gas to disperse students protesting against the fee rise.",
    ),
    (
        "Excessive force against protesters",
        "Security forces opened fire on protesters in the city centre, killing three of them.",
    ),
    # Riots
    ("Violent demonstration", "Rioters torched a police station after the funeral of the young man."),
    ("Violent demonstration", "Demonstrators threw stones at police and set up burning barricades."),
    ("Mob violence", "An angry mob lynched a man accused of stealing a motorbike."),
    # Strategic developments
    ("Agreement", "The two sides signed a ceasefire agreement in Doha on Friday."),
    ("Arrests", "Police arrested forty opposition activists in the capital overnight."),
    ("Change to group/activity", "Two rival armed factions announced that they had merged into a new group."),
    ("Change to group/activity", "Dozens of soldiers defected to the rebels with their weapons."),
    ("Disrupted weapons use", "Army engineers defused an explosive device planted under a bridge."),
    ("Disrupted weapons use", "Police seized a cache of rifles and ammunition from a house in the town."),
    ("Disrupted weapons use", "Air defences intercepted two drones over the city before dawn."),
    ("Headquarters or base established", "Turkish forces set up a new observation post east of Saraqib."),
    ("Looting/property destruction", "Armed men looted shops and burned houses in the market town."),
    (
        "Non-violent transfer of territory",
        "Government troops withdrew from the town and rebels entered it without resistance.",
    ),
    ("Other", "Investigators found a mass grave containing dozens of bodies near the old airfield."),
]


@pytest.mark.parametrize(("expected", "text"), CASES, ids=[f"{c[0]}:{i}" for i, c in enumerate(CASES)])
def test_sub_event_type(expected, text):
    assert sub_of(text) == expected


def test_every_sub_event_type_is_covered_by_a_case():
    with resources.files("conflictwire.data").joinpath("triggers.toml").open("rb") as fh:
        types = tomllib.load(fh)["types"]
    assert len(types) == 25
    assert {c[0] for c in CASES} == set(types)


def test_event_type_and_disorder_type_follow_acled():
    best = first("Security forces opened fire on protesters in the city centre, killing three of them.")
    assert (best.event_type, best.disorder_type) == ("Protests", "Political violence; Demonstrations")
    best = first("Hundreds of teachers rallied outside parliament to demand higher pay.")
    assert (best.event_type, best.disorder_type) == ("Protests", "Demonstrations")
    best = first("Russian warplanes struck a market in Idlib city, killing seven people.")
    assert (best.event_type, best.disorder_type) == ("Explosions/Remote violence", "Political violence")
    best = first("The two sides signed a ceasefire agreement in Doha on Friday.")
    assert (best.event_type, best.disorder_type) == ("Strategic developments", "Strategic developments")


# --- Hard cases -------------------------------------------------------------------------------------------------


def test_denied_shelling_is_negated():
    ts = triggers("The army denied shelling the camp on Saturday.")
    shelling = [t for t in ts if t.sub_event_type == "Shelling/artillery/missile attack"]
    assert shelling and all(t.negated for t in shelling)
    assert first("The army denied shelling the camp on Saturday.") is None


def test_no_airstrikes_is_negated():
    ts = triggers("Residents said there were no airstrikes on the town that night.")
    assert [t.negated for t in ts if t.sub_event_type == "Air/drone strike"] == [True]


@pytest.mark.parametrize(
    "text",
    [
        "The rebel commander threatened to attack the city if the siege continued.",
        "The group vowed to retake the town before the end of the month.",
        "Officials warned that militants could strike the capital during the holiday.",
    ],
)
def test_threats_and_possibilities_are_hypothetical(text):
    ts = [t for t in triggers(text) if t.event_type]
    assert ts and all(t.hypothetical for t in ts)
    assert first(text) is None


def test_the_month_may_is_not_a_modal():
    assert sub_of("On 3 May, gunmen killed four farmers in their fields near Bama.") == "Attack"


@pytest.mark.parametrize(
    "text",
    [
        "A magnitude 6.1 earthquake killed at least forty people in the mountain villages.",
        "Flash floods swept away homes and killed twelve people in the valley.",
        "Nine people were killed when a bus collided with a lorry on the highway.",
        "An explosion at a fireworks warehouse killed six workers on Tuesday.",
        "Police broke up a smuggling ring and arrested five suspects at the port.",
        "The European Union imposed new sanctions on the defence ministry.",
        "The group claimed responsibility for last week's car bomb in the capital.",
    ],
)
def test_non_events_give_no_event(text):
    assert first(text) is None
    assert any(t.nonevent for t in triggers(text))


def test_a_protest_about_an_accident_is_still_a_protest():
    text = (
        "Students marched through the capital to demand justice for two classmates killed in a road accident."
    )
    assert sub_of(text) == "Peaceful protest"


def test_a_bomb_is_coded_even_when_crime_is_named():
    text = "A grenade exploded at a bar owned by a man accused of extortion, wounding three customers."
    assert sub_of(text) == "Grenade"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A drone strike on the convoy killed four fighters, the monitor said.", "Air/drone strike"),
        ("Warplanes fired missiles at a bridge south of the city.", "Air/drone strike"),
        (
            "An attack with a car bomb killed nine people near the checkpoint.",
            "Remote explosive/landmine/IED",
        ),
        ("The attack on the market was carried out by a suicide bomber.", "Suicide bomb"),
        ("Fighters fired rocket-propelled grenades at the army post.", "Shelling/artillery/missile attack"),
    ],
)
def test_the_most_specific_weapon_wins(text, expected):
    assert sub_of(text) == expected


def test_a_named_weapon_in_the_next_sentence_elaborates_a_generic_attack():
    text = "Coordinated attacks hit four districts on Friday night. Most of the attacks used hand grenades."
    assert sub_of(text) == "Grenade"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gunmen attacked a village near Djibo and killed nine residents.", "Attack"),
        ("Gunmen attacked an army base near Djibo and killed nine soldiers.", "Armed clash"),
        ("Twelve policemen were killed when militants attacked their station.", "Armed clash"),
        ("Seven farmers were killed by unidentified gunmen in their fields.", "Attack"),
    ],
)
def test_the_victim_decides_attack_or_armed_clash(text, expected):
    assert sub_of(text) == expected


def test_a_source_is_not_a_victim():
    # "police said" names who reports it, not whom the gunmen shot
    assert sub_of("Gunmen shot dead a shopkeeper in the market, police said.") == "Attack"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rebel fighters seized the town of Saraqib on Thursday.", "Non-state actor overtakes territory"),
        ("Government troops seized the town of Saraqib on Thursday.", "Government regains territory"),
        (
            "Rebels regained control of the hill they had lost in March.",
            "Non-state actor overtakes territory",
        ),
        ("The army pushed the militants back from the outskirts of the city.", "Armed clash"),
    ],
)
def test_the_agent_decides_who_took_territory(text, expected):
    assert sub_of(text) == expected


def test_a_military_owned_target_is_not_the_agent():
    # the state word sits in "military-owned": the tower is the target, the bombing is a remote explosive
    assert sub_of("A military-owned telecom tower was bombed and destroyed overnight.") == (
        "Remote explosive/landmine/IED"
    )


def test_weapons_seized_are_disrupted_but_a_seized_town_is_not():
    assert sub_of("Soldiers seized two rocket launchers in a raid on a farm.") == "Disrupted weapons use"
    assert sub_of("Soldiers seized the farm town after a raid.") == "Government regains territory"


def test_troops_marching_are_not_protesters():
    assert (
        sub_of("Troops marching to the front were hit by a roadside bomb.") == "Remote explosive/landmine/IED"
    )


def test_riot_police_are_not_a_riot():
    text = "Riot police dispersed a peaceful sit-in outside the ministry with batons and arrested ten people."
    assert sub_of(text) == "Protest with intervention"


def test_an_old_attack_told_as_background_does_not_lead():
    text = "Government forces captured the town, the scene of a deadly 2017 chemical attack."
    assert sub_of(text) == "Government regains territory"


def test_unexploded_shell_is_a_remote_explosive():
    text = "Two children were killed when an unexploded shell went off as they played with it."
    assert sub_of(text) == "Remote explosive/landmine/IED"


def test_offsets_point_at_the_trigger_words_in_text_order():
    text = "Clashes broke out in the morning. Later, a suicide bomber struck the checkpoint."
    ts = triggers(text)
    assert [t.start for t in ts] == sorted(t.start for t in ts)
    for t in ts:
        assert text[t.start : t.end] == t.text
    bomber = next(t for t in ts if t.sub_event_type == "Suicide bomb")
    assert text[bomber.sentence_start : bomber.sentence_end].startswith("Later, a suicide bomber")


def test_primary_takes_the_first_event_sentence_and_its_strongest_trigger():
    text = "Residents heard gunfire and then an airstrike hit the bakery. Later, rebels shelled the town."
    assert sub_of(text) == "Air/drone strike"


def test_empty_text_has_no_triggers():
    assert triggers("") == []
    assert event_types.primary([]) is None


def test_every_phrase_belongs_to_one_entry():
    # a phrase listed under two sub-event types would be typed by whichever entry happened to load first
    with resources.files("conflictwire.data").joinpath("triggers.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    seen = Counter()
    for section in ("trigger", "nonevent", "mask"):
        for entry in raw.get(section, []):
            seen.update({w.lower() for w in entry["words"]})
    assert [w for w, n in seen.items() if n > 1] == []


def test_rules_name_known_cues_and_types():
    lex = event_types.lexicon()  # raises on an unknown cue group or sub-event type
    assert lex.rules and len(lex.types) == 25


def test_an_event_answered_by_a_strike_is_background():
    text = "The air force launched airstrikes on a militia it accused of a chlorine attack on the town last week."
    assert sub_of(text) == "Air/drone strike"


def test_people_captured_are_arrested_and_a_town_captured_is_territory():
    assert sub_of("Four suspected militants were captured by police near the river crossing.") == "Arrests"
    assert (
        sub_of("Militants captured the border crossing on Friday.") == "Non-state actor overtakes territory"
    )


def test_people_expelled_are_displacement_not_territory():
    assert sub_of("Authorities expelled hundreds of migrants across the desert border.") == "Other"


def test_warplanes_that_hit_nothing_are_no_strike():
    assert first("Two foreign warplanes crossed into the country's airspace on Monday.") is None
    assert sub_of("Two foreign warplanes bombed a fuel depot on Monday.") == "Air/drone strike"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Armed men raided the village at night and shot the headman.", "Attack"),
        ("Armed men raided an army barracks at night.", "Armed clash"),
    ],
)
def test_a_raid_is_typed_by_its_target(text, expected):
    assert sub_of(text) == expected


def test_a_crime_word_in_a_hypothetical_clause_still_marks_crime():
    # "trying to smuggle": the smuggling is only attempted, but the sentence is still about crime, not war
    assert first("Six men were caught while trying to smuggle migrants across the border.") is None


def test_bare_strikes_take_the_delivery_the_report_names():
    text = (
        "Warplanes bombed military sites around the port before dawn on Friday. "
        "In the old town, strikes hit a radar station and a fuel depot."
    )
    ts = triggers(text)
    strikes = next(t for t in ts if t.text == "strikes")
    assert strikes.sub_event_type == "Air/drone strike"


def test_a_named_device_keeps_bare_bombs_its_own():
    text = (
        "A roadside bomb hit a patrol on the highway. Hours later, army artillery shelled the hills. "
        "Police said a second bomb was found under a culvert and made safe."
    )
    ts = triggers(text)
    assert all(t.sub_event_type != "Shelling/artillery/missile attack" for t in ts if t.text == "bomb")


def test_a_weapon_used_as_the_instrument_is_not_a_weapon_seized():
    text = "Unknown men destroyed a telecom tower with an explosive device before dawn."
    assert sub_of(text) == "Remote explosive/landmine/IED"


def test_a_masked_phrase_hides_its_words_from_the_rules():
    # "dropped off" is a man leaving a package, not a bomb dropped from an aircraft
    text = "A bomb dropped off by a man on a motorbike exploded outside the party office."
    assert sub_of(text) == "Remote explosive/landmine/IED"


def test_a_fire_after_a_bomb_is_still_the_bomb():
    text = "A bomb exploded at the company office and the building caught fire."
    assert sub_of(text) == "Remote explosive/landmine/IED"
    assert first("A fire broke out in a textile warehouse and spread to nearby shops.") is None


def test_claimed_control_is_territory_taken():
    text = "The rebels also claimed control of the industrial zone north of the city."
    assert sub_of(text) == "Non-state actor overtakes territory"


def test_fighters_driving_through_a_town_take_nothing():
    assert first("Fighters waving flags drove through the streets of the old town.") is None


def test_riot_police_pushing_a_crowd_back_is_an_intervention():
    text = "Riot police pushed the crowd of students back from the square with batons."
    assert sub_of(text) == "Protest with intervention"


def test_driving_the_enemy_out_is_territory_by_the_agent():
    text = "Army units drove the militants out of three villages east of the river."
    assert sub_of(text) == "Government regains territory"


def test_a_base_handed_over_is_a_non_violent_transfer():
    text = "Government troops withdrew from the base and handed it over to the local militia."
    assert sub_of(text) == "Non-violent transfer of territory"


def test_people_intercepted_are_arrested():
    text = "Border police intercepted nine suspected militants travelling towards the capital."
    assert sub_of(text) == "Arrests"


@pytest.mark.parametrize(
    "text",
    [
        "A statement signed by the police spokesman gave no further details.",
        "The meeting discussed the prevention of communal clashes between farmers and herders.",
        "The report said a criminal mob controls the fuel trade in the port.",
    ],
)
def test_everyday_words_that_resemble_triggers_make_no_event(text):
    assert first(text) is None


def test_gunmen_opening_fire_on_a_checkpoint_set_up_no_base():
    text = "Gunmen opened machine-gun fire on an army checkpoint outside the town."
    assert sub_of(text) == "Armed clash"


def test_arms_also_seized_are_disrupted_weapons():
    text = "Fourteen fighters were killed and a number of arms were also seized in the raid."
    assert any(t.sub_event_type == "Disrupted weapons use" for t in triggers(text))


def test_the_month_march_is_not_a_protest():
    text = "Since 24 March, the monitor has documented the killing of 300 soldiers in desert ambushes."
    assert sub_of(text) != "Excessive force against protesters"


def test_a_body_handed_over_is_no_transfer_of_territory():
    assert first("The body was handed over to his family on Sunday.") is None


def test_fighting_that_erupted_is_no_volcano():
    text = "About twenty people were killed when fighting erupted between two villages over farmland."
    assert sub_of(text) == "Armed clash"


def test_blame_told_with_the_event_leaves_the_event():
    text = "Ten civilians were killed in shelling of a market, officials said, blaming the rebels."
    assert sub_of(text) == "Shelling/artillery/missile attack"


def test_bodies_found_are_not_arrests():
    assert sub_of("The bodies of six men were found with gunshot wounds outside the village.") != "Arrests"


def test_entering_a_city_is_not_generic():
    # the linker reads weights below 0.5 as generic words that join the event before them
    best = first("Insurgents pushed into the western districts of the city late on Friday.")
    assert best.sub_event_type == "Non-state actor overtakes territory" and best.weight >= 0.5


def test_rejecting_a_deal_is_not_denying_the_rally():
    assert sub_of("Protesters rejected the deal and rallied outside parliament.") == "Peaceful protest"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Supporters of two rival candidates clashed with stones and machetes in the market.",
            "Mob violence",
        ),
        ("A crowd attacked a police convoy escorting a suspect and freed him.", "Mob violence"),
        ("Gunmen opened fire on a crowd at a wedding, killing six guests.", "Attack"),
    ],
)
def test_crowds_doing_violence_are_mobs_and_crowds_shot_at_are_victims(text, expected):
    assert sub_of(text) == expected


def test_a_strike_called_for_next_week_has_not_happened():
    assert first("The union called a general strike for next Monday.") is None
    assert sub_of("Students held a peaceful march to the governor's office.") == "Peaceful protest"


@pytest.mark.parametrize(
    "text",
    [
        "An assault by the militants to capture the hilltop base was beaten back before dawn.",
        "Rebels launched a push to take control of the border crossing but were repelled.",
    ],
)
def test_taking_ground_after_to_is_a_goal_not_a_gain(text):
    taken = [t for t in triggers(text) if t.sub_event_type in ("Non-state actor overtakes territory",)]
    assert taken and all(t.hypothetical for t in taken)
    assert sub_of(text) != "Non-state actor overtakes territory"


def test_taking_ground_that_was_managed_is_a_gain():
    text = "After two days of fighting the rebels managed to capture the town of Kafr Nabl."
    assert sub_of(text) == "Non-state actor overtakes territory"


def test_police_firing_to_push_protesters_back_is_no_goal_of_territory():
    text = "Police fired pepper spray to push the marching students back from the square."
    assert sub_of(text) == "Protest with intervention"


@pytest.mark.parametrize(
    "text",
    [
        "Insurgents overran two army checkpoints on the road south of Baidoa overnight.",
        "The militants captured parts of the town after midnight before troops counter-attacked.",
    ],
)
def test_overrunning_posts_or_parts_of_a_town_is_the_fight(text):
    assert sub_of(text) == "Armed clash"


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of people marched through Ariha on Sunday to demand the release of detained relatives.",
        "Students protested in Dhaka against the arrest of their union leader.",
    ],
)
def test_detentions_a_protest_is_about_are_no_intervention(text):
    assert sub_of(text) == "Peaceful protest"


def test_people_arrested_as_they_marched_is_a_protest_with_intervention():
    assert (
        sub_of("Police arrested twenty students who marched on the ministry.") == "Protest with intervention"
    )
    assert sub_of("Police arrested five men suspected of organising protests last year.") == "Arrests"


@pytest.mark.parametrize(
    "text",
    [
        "Ten people were feared killed in renewed hostilities between two farming communities on Tuesday.",
        "Five fishermen are feared dead after gunmen attacked their boat near the creek on Monday.",
    ],
)
def test_feared_dead_reports_deaths_it_does_not_imagine_them(text):
    assert first(text) is not None


def test_a_feared_attack_is_still_a_fear():
    assert first("Residents feared an attack on the village after the soldiers left.") is None
