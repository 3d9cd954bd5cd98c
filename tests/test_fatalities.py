"""The fatalities stage on sentences written for these tests (ACLED's conventions for figures)."""

from __future__ import annotations

import pytest

from conflictwire.extract import fatalities, nlp, numbers


def counts(text: str):
    doc = nlp.parse(nlp.normalise(text))
    out = fatalities.find(doc)
    for c in out:
        assert doc.text[c.start : c.end] == c.text
    return out


def incident_killed(found) -> int:
    """What an incident's fatalities add up to: killed counts that are not parts, periods, restatements or
    details of a lead total."""
    return sum(
        c.best
        for c in found
        if c.outcome == "killed"
        and not (c.part_of or c.cumulative)
        and c.repeat_of is None
        and c.within is None
    )


def vague(word: str) -> int:
    toks = numbers.tokenize(word)
    return numbers.parse(toks, 0).best


def test_seed_phrasings():
    found = counts(
        "A rescue group said early on Monday that at least 25 people had been killed in air raids on the "
        "province. In the provincial capital at least seven people died and many others were hurt, medics said."
    )
    killed = [c for c in found if c.outcome == "killed"]
    assert [(c.best, c.at_least) for c in killed] == [(25, True), (7, True)]
    hurt = [c for c in found if c.outcome == "injured"]
    assert len(hurt) == 1 and hurt[0].vague and hurt[0].best == vague("many")


def test_children_and_who():
    (c,) = counts("On Sunday raids on villages outside the city killed ten children, the rescuers said.")
    assert (c.outcome, c.best, c.who) == ("killed", 10, "children")


def test_cumulative_toll_with_a_part():
    found = counts("Since November 27, the death toll from the raids has risen to 56, including 20 children.")
    assert [(c.best, c.cumulative, c.part_of, c.who) for c in found] == [
        (56, True, False, ""),
        (20, True, True, "children"),
    ]
    assert incident_killed(found) == 0


@pytest.mark.parametrize(
    "text",
    [
        "The war has killed hundreds of thousands of people.",
        "The conflict, which began in 2011, has claimed hundreds of thousands of lives.",
        "So far this year, 300 people have been killed in the province.",
        "Over the past week, 42 civilians died in the shelling.",
    ],
)
def test_cumulative_cues(text):
    found = counts(text)
    assert found and all(c.cumulative for c in found)
    assert incident_killed(found) == 0


def test_hundreds_of_thousands_is_read_as_a_figure_not_a_year():
    found = counts("The conflict, which began in 2011, has claimed hundreds of thousands of lives.")
    assert [c.best for c in found] == [100000]


@pytest.mark.parametrize(
    ("text", "low", "best", "high"),
    [
        ("Between 5 and 7 villagers died when the shell landed.", 5, 5, 7),
        ("Medics said 5-7 villagers died when the shell landed.", 5, 5, 7),
        ("Five or six herders were shot dead near the well.", 5, 5, 6),
        ("More than 30 people were killed in the raid.", 30, 30, 30),
        ("Twenty-one soldiers were killed at the checkpoint.", 21, 21, 21),
        ("Two hundred and fifty people were killed in the massacre.", 250, 250, 250),
        ("The attack killed 1,200 people over two days.", 1200, 1200, 1200),
        ("A dozen miners were killed by the gunmen.", 12, 12, 12),
    ],
)
def test_figures_and_ranges_keep_the_conservative_best(text, low, best, high):
    (c,) = [c for c in counts(text) if c.outcome == "killed"]
    assert (c.low, c.best, c.high) == (low, best, high)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Dozens of people were killed in the bombing.", "dozens"),
        ("Hundreds of civilians were killed during the siege.", "hundreds"),
        ("Several soldiers died when the convoy hit a mine.", "several"),
        ("A few villagers were killed by the stray shells.", "a few"),
        ("Some soldiers died in the ambush, the group said.", "some"),
    ],
)
def test_vague_words_become_acled_numbers(text, word):
    (c,) = counts(text)
    assert c.vague and c.outcome == "killed" and c.best == vague(word)


def test_vague_word_values_follow_the_data_file():
    assert vague("dozens") == 12 and vague("hundreds") == 100 and vague("tens") == 10
    assert vague("a dozen") == 12  # an exact figure, not a vague word


def test_two_groups_in_one_clause_are_two_counts():
    found = counts("Two soldiers and three civilians were killed when the bus hit a landmine.")
    assert [(c.best, c.who, c.outcome) for c in found] == [
        (2, "soldiers", "killed"),
        (3, "civilians", "killed"),
    ]
    found = counts("The blast killed four fighters and two children.")
    assert [(c.best, c.who) for c in found] == [(4, "fighters"), (2, "children")]


def test_killing_one_and_injuring_nine():
    found = counts("Gunmen opened fire on the market, killing one and injuring nine.")
    assert [(c.outcome, c.best) for c in found] == [("killed", 1), ("injured", 9)]


def test_injured_are_never_killed():
    found = counts("Twelve people were wounded and 40 others were hurt in the blast.")
    assert {c.outcome for c in found} == {"injured"}
    assert incident_killed(found) == 0


@pytest.mark.parametrize(
    ("text", "outcome", "best"),
    [
        ("Militants abducted 14 students from the school.", "abducted", 14),
        ("Police arrested 30 protesters in the square.", "arrested", 30),
        ("More than 2,000 families were displaced by the fighting.", "displaced", 2000),
        ("Seven people were killed or wounded in the crossfire.", "other", 7),
    ],
)
def test_other_outcomes(text, outcome, best):
    (c,) = counts(text)
    assert (c.outcome, c.best) == (outcome, best)


def test_singular_victims():
    assert incident_killed(counts("A child was killed when the shell hit the house.")) == 1
    assert incident_killed(counts("The attack left a 12-year-old boy dead.")) == 1
    found = counts("A police officer and the village chief were killed and two others were badly hurt.")
    assert incident_killed(found) == 2


def test_subject_whose_verb_comes_later():
    found = counts(
        "Eight members of a village defence group, including their commander, were killed overnight by bandits."
    )
    assert incident_killed(found) == 8
    assert any(c.part_of for c in found)


def test_whole_and_part_share_the_verb():
    found = counts("About 15 troops including a lieutenant were killed and many others were wounded.")
    assert incident_killed(found) == 15


def test_ages_dates_money_vehicles_and_houses_are_not_counts():
    text = (
        "On 3 May a 45-year-old trader was killed in the town, where 12 houses and three vehicles burned "
        "and $500 was stolen; the militia, founded in 2015, has 4,000 fighters."
    )
    found = counts(text)
    assert [(c.outcome, c.best) for c in found] == [("killed", 1)]


def test_a_restated_count_is_flagged_not_added():
    found = counts(
        "Gunmen killed five farmers on Monday. The five victims were buried on Tuesday in the village."
    )
    assert incident_killed(found) == 5
    assert found[1].repeat_of == 0


def test_a_vague_restatement_is_not_added():
    found = counts("Three soldiers died in the blast. Several soldiers were killed, the group claimed.")
    assert incident_killed(found) == 3


def test_others_are_in_addition():
    found = counts("Two guards died in the first blast. Two more died in the second blast an hour later.")
    assert incident_killed(found) == 4


def test_hedged_figures_are_not_counted():
    found = counts(
        "A commander said as many as 40 soldiers could have been killed, but this was not confirmed."
    )
    assert incident_killed(found) == 0


def test_perpetrators_before_an_active_verb_are_not_victims():
    found = counts("Two suicide bombers killed 10 worshippers at the mosque.")
    assert [(c.best, c.who) for c in found] == [(10, "people")] or [(c.best) for c in found] == [10]


def test_death_toll_wording():
    assert incident_killed(counts("The death toll from the bombing rose to 30 on Friday.")) == 30
    assert incident_killed(counts("Officials put the toll at five dead and 45 wounded.")) == 5


def test_markup_left_in_scraped_text_does_not_break_a_phrase():
    assert incident_killed(counts("A car bomb <b>killed</b> six people outside the ministry.")) == 6


def test_people_who_speak_are_sources_not_victims():
    found = counts("Gunmen shot dead four traders at the market, a police officer and a nurse said.")
    assert incident_killed(found) == 4


def test_groups_between_dashes_or_in_brackets_are_parts():
    assert incident_killed(counts("Nine people - seven pupils and two teachers - died in the fire.")) == 9
    assert (
        incident_killed(counts("Twelve villagers were killed (residents put the figure at 30) on Monday."))
        == 12
    )


def test_perpetrators_of_an_active_perfect_are_not_counted():
    assert incident_killed(counts("Three gunmen shot dead a village chief on Friday.")) == 1
    assert incident_killed(counts("Militants have killed 14 farmers near the river.")) == 14


def test_one_of_a_group():
    assert incident_killed(counts("One of the guards at the depot was killed in the blast.")) == 1


def test_pronoun_victim():
    assert incident_killed(counts("He was shot dead outside his home on Tuesday.")) == 1


def test_named_victim_and_apposition_are_one_person():
    found = counts("Gunmen shot dead Ahmed Musa, a local councillor, in his shop on Sunday.")
    assert incident_killed(found) == 1


def test_details_after_a_lead_total_point_at_it():
    found = counts(
        "At least 25 people were killed in air raids across the province on Sunday. "
        "In the provincial capital, seven people died when a market was hit."
    )
    assert [c.within for c in found] == [None, 0]
    assert incident_killed(found) == 25


def test_groups_in_one_sentence_add_up_even_in_the_lead():
    assert incident_killed(counts("Four civilians and three off-duty officers were killed at a bar.")) == 7


def test_a_day_is_an_incident_but_a_week_is_a_period():
    day = counts("Five civilians were killed over the past 24 hours in the city.")
    week = counts("Five civilians were killed over the past week in the city.")
    assert [c.cumulative for c in day] == [False] and [c.cumulative for c in week] == [True]


def test_one_of_the_injured_later_died():
    found = counts(
        "Three traders were wounded by the blast. One of them (a woman who sold fruit) later died in hospital."
    )
    assert incident_killed(found) == 1
    assert [c.outcome for c in found] == ["injured", "killed"]


def test_animals_are_not_victims():
    assert incident_killed(counts("A buffalo was killed and a cow was killed when the mine went off.")) == 0


def test_the_tighter_coordination_wins():
    found = counts("The shells wounded five farmers and a monk, and another farmer died.")
    assert [(c.outcome, c.best) for c in found] == [("injured", 5), ("injured", 1), ("killed", 1)]


def test_a_denial_is_not_a_victim_count():
    found = counts("The army spokesman denied the claim, stating that no soldiers were killed.")
    assert incident_killed(found) == 0


def test_two_accounts_of_one_toll_keep_the_lower():
    found = counts(
        "A local radio said four guards were killed in the blast, while the army reported that two guards died."
    )
    assert incident_killed(found) == 2
    assert found[0].repeat_of == 1


def test_killed_and_wounded_together_are_casualties_not_deaths():
    (c,) = counts("At least 40 people were killed and wounded in the clash.")
    assert c.outcome == "other"
    found = counts("Five people were killed and injured nine others.")
    assert [(c.outcome, c.best) for c in found] == [("killed", 5), ("injured", 9)]


@pytest.mark.parametrize(
    "text, killed",
    [
        ("Soldiers shot dead four nurses at a clinic in revenge for the deaths of six of their comrades.", 4),
        ("Gunmen stormed the market to avenge the killing of two commanders, shooting dead nine traders.", 9),
        ("In a reprisal attack, gunmen killed twelve villagers on Tuesday, police said.", 12),
    ],
)
def test_deaths_an_attack_avenges_are_not_its_own(text, killed):
    assert incident_killed(counts(text)) == killed
