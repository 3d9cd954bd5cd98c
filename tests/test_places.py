"""The places stage on sentences written for these tests: real gazetteer, real spaCy pipeline, no mocks."""

from __future__ import annotations

import pickle

import pytest

from conflictwire.extract import gazetteer, nlp, places


def find(text: str):
    return places.find(nlp.parse(nlp.normalise(text)))


def by_text(found, text: str):
    hits = [p for p in found if p.text == text]
    assert hits, f"{text!r} not found among {[p.text for p in found]}"
    return hits[0]


def km(p, lat: float, lon: float) -> float:
    return gazetteer.haversine_km(p.latitude, p.longitude, lat, lon)


def test_transliteration_khansir_is_khanasir_in_aleppo_governorate():
    found = find(
        "Opposition fighters pushed south from Aleppo on Sunday and took Khansir town, which sits on the "
        "army's supply road into the city."
    )
    p = by_text(found, "Khansir")
    assert p.name == "Khanasir"
    assert p.country == "Syria" and p.iso == 760
    assert p.admin1 == "Aleppo"
    assert p.geo_precision == 1 and p.kind == "town"
    assert km(p, 35.78, 37.50) < 10


def test_sheikh_najjar_is_an_industrial_zone_near_aleppo():
    found = find("Fighters said they had seized the Sheikh Najjar industrial zone on the edge of Aleppo.")
    p = by_text(found, "Sheikh Najjar industrial zone")
    assert p.kind == "site"
    assert p.admin1 == "Aleppo"
    assert p.geo_precision == 2
    assert km(p, 36.20, 37.16) < 20  # a few km north-east of the city centre


def test_idlib_alone_is_the_city_and_idlib_province_is_the_region():
    found = find(
        "Jets struck a market in Idlib on Monday. Later the rebels extended their hold over Idlib province."
    )
    city, region = [p for p in found if p.text.startswith("Idlib")]
    assert city.text == "Idlib" and city.kind == "town" and city.geo_precision == 1
    assert region.text == "Idlib province" and region.kind == "region" and region.geo_precision == 3
    assert city.admin1 == region.admin1 == "Idlib"


def test_aleppo_tagged_norp_by_the_small_model_is_still_the_city():
    found = find("Crowds gathered in Aleppo after the army pulled out.")
    p = by_text(found, "Aleppo")
    assert p.country == "Syria" and p.kind == "town" and p.population > 1_000_000


@pytest.mark.parametrize(
    ("sentence", "written", "name", "country", "admin1", "lat", "lon"),
    [
        (
            "A missile hit an apartment block in Kharkiv overnight, the regional governor said.",
            "Kharkiv",
            "Kharkiv",
            "Ukraine",
            "Kharkiv",
            49.99,
            36.23,
        ),
        (
            "Older residents still call the city Kharkov; shelling there wounded four people on Friday.",
            "Kharkov",
            "Kharkiv",
            "Ukraine",
            "Kharkiv",
            49.99,
            36.23,
        ),
        (
            "The Rapid Support Forces shelled El Fasher again, aid workers in North Darfur reported.",
            "El Fasher",
            "El Fasher",
            "Sudan",
            "North Darfur",
            13.63,
            25.35,
        ),
        (
            "M23 rebels entered Goma, the largest city in eastern Congo, after days of fighting.",
            "Goma",
            "Goma",
            "Democratic Republic of Congo",
            "Nord-Kivu",
            -1.68,
            29.23,
        ),
    ],
)
def test_conflict_towns_resolve_to_their_country_region_and_point(
    sentence, written, name, country, admin1, lat, lon
):
    p = by_text(find(sentence), written)
    assert (p.name, p.country, p.admin1) == (name, country, admin1)
    assert km(p, lat, lon) < 10


def test_myanmar_township_is_the_town_with_precision_two_and_shan_is_split_like_acled():
    found = find(
        "On 4 March, soldiers shelled farmland in Kyaukme Township (Kyaukme District, Shan State). "
        "A day later a bomb went off in Kengtung."
    )
    township = by_text(found, "Kyaukme Township")
    assert township.geo_precision == 2
    assert township.country == "Myanmar" and township.iso == 104
    assert township.admin1 == "Shan-North"
    kengtung = [p for p in found if p.text == "Kengtung"][0]
    assert kengtung.admin1 == "Shan-East"
    state = by_text(found, "Shan State")
    assert state.kind == "region" and state.geo_precision == 3


def test_a_village_the_gazetteer_lacks_is_not_replaced_by_a_namesake_abroad():
    # "Man" and "Bo" are towns in Ivory Coast and Sierra Leone; here they are pieces of Myanmar village names.
    found = find(
        "Artillery rounds landed in Man Thit village and near Bo Taung village (Namhkan Township, Shan State)."
    )
    assert all(p.country == "Myanmar" for p in found), [(p.text, p.country) for p in found]
    assert not any(p.text in {"Man", "Bo"} for p in found)


def test_police_mark_and_weekdays_are_not_places():
    found = find(
        "Police said Mark Hamid, a local trader, was detained on Sunday after the march in Damascus. "
        "A bar owner described the scene."
    )
    texts = [p.text for p in found]
    assert "Damascus" in texts
    for word in ("Police", "Mark", "Sunday", "Hamid"):
        assert word not in texts


def test_a_common_word_counts_with_a_place_cue():
    # "Bar" is a town in Montenegro and in Ukraine's Vinnytsia region; "the town of" makes it one here.
    found = find("Drones struck the town of Bar in Ukraine's Vinnytsia region overnight.")
    p = by_text(found, "Bar")
    assert p.country == "Ukraine"


def test_country_context_chooses_among_places_of_the_same_name():
    # Tripoli is both Libya's capital and Lebanon's second city.
    lebanon = by_text(
        find("An Israeli strike hit a flat in Tripoli, in northern Lebanon, on Tuesday."), "Tripoli"
    )
    libya = by_text(
        find("Rival militias clashed in Tripoli as Libya's government called for calm."), "Tripoli"
    )
    assert lebanon.country == "Lebanon" and lebanon.iso == 422
    assert libya.country == "Libya" and libya.iso == 434
    assert km(lebanon, 34.43, 35.84) < 10
    assert km(libya, 32.89, 13.19) < 10


@pytest.mark.parametrize(
    ("sentence", "written"),
    [
        ("Two shells fell near Mariupol late on Wednesday.", "Mariupol"),
        ("Clashes broke out 10 km south of Kadugli in South Kordofan.", "Kadugli"),
        ("Fighting continued on the outskirts of Khartoum.", "Khartoum"),
        ("Air strikes in and around Idlib killed civilians.", "Idlib"),
    ],
)
def test_near_a_town_gives_precision_two(sentence, written):
    p = by_text(find(sentence), written)
    assert p.near is True
    assert p.geo_precision == 2


def test_town_itself_keeps_precision_one():
    p = by_text(find("Two shells fell in Mariupol late on Wednesday."), "Mariupol")
    assert p.near is False and p.geo_precision == 1


def test_direction_before_a_region_is_part_of_the_region():
    found = find("Government troops advanced in northern Hama province.")
    p = by_text(found, "Hama province")
    assert p.kind == "region" and p.geo_precision == 2


def test_supplement_camps_and_the_gaza_strip():
    found = find("An air strike hit Jabalia camp in the Gaza Strip, and tanks moved on Rafah crossing.")
    camp = by_text(found, "Jabalia camp")
    assert camp.kind == "site" and camp.country == "Palestine" and camp.iso == 275
    strip = by_text(found, "Gaza Strip")
    assert strip.kind == "region" and strip.geo_precision == 3
    crossing = by_text(found, "Rafah crossing")
    assert crossing.kind == "site"


def test_countries_are_kind_country_and_offsets_point_into_the_text():
    text = "Syria and Turkey traded accusations after the strike near Azaz."
    found = find(text)
    syria = by_text(found, "Syria")
    assert syria.kind == "country" and syria.geo_precision == 3 and syria.iso == 760
    for p in found:
        assert text[p.start : p.end] == p.text
    assert [p.start for p in found] == sorted(p.start for p in found)


def test_index_is_cached_and_reloads_the_same(tmp_path, monkeypatch):
    # A fresh cache directory: the index is built, written atomically, and a second load reads the pickle.
    monkeypatch.setenv("CONFLICTWIRE_CACHE", str(tmp_path))
    path = gazetteer.cache_path()
    assert path.parent == tmp_path and not path.exists()
    gaz = gazetteer.get()  # the process-wide index; written to the new cache dir below
    with path.open("wb") as fh:
        pickle.dump(gaz, fh)
    with path.open("rb") as fh:
        again = pickle.load(fh)
    assert again.candidates("aleppo") == gaz.candidates("aleppo")
    assert {again.rows[r][gazetteer.KIND] for r in again.candidates("aleppo")} == {"town", "region"}
    assert len(again.rows) == len(gaz.rows) > 200_000


def test_norm_folds_accents_apostrophes_and_hyphens():
    assert gazetteer.norm("Khanāşir") == "khanasir"
    assert gazetteer.norm("Ma'rib") == "marib"
    assert gazetteer.norm("Deir ez-Zor") == "deir ez zor"


def test_district_in_the_parentheses_gives_admin2_to_the_places_of_that_sentence():
    found = find("Soldiers shelled fields near Namtu (Namtu Township, Kyaukme District, Shan State).")
    town = by_text(found, "Namtu")
    assert town.near is True and town.geo_precision == 2
    assert town.admin2 == "Kyaukme"
    assert by_text(found, "Shan State").admin2 == ""


def test_a_village_named_like_one_in_another_region_is_not_moved_there():
    # GeoNames has a Kyaung Kone near Yangon; this one is in Kachin State, which the gazetteer does not list.
    found = find(
        "Mortar rounds hit Kyaung Kone village (Shwegu Township, Bhamo District, Kachin State) at dawn."
    )
    assert all(p.admin1 == "Kachin" for p in found if p.kind != "country"), [
        (p.text, p.admin1) for p in found
    ]
    assert by_text(found, "Kachin State").geo_precision == 3


def test_a_provincial_seat_spelt_unlike_geonames_is_still_the_town():
    # GeoNames writes the city "Hamah"; the province table writes "Hama". The town wins, with the usual spelling.
    p = by_text(find("Rebel units entered Hama on Thursday after the army withdrew."), "Hama")
    assert p.kind == "town" and p.geo_precision == 1
    assert p.name == "Hama" and p.admin1 == "Hama"


def test_a_country_capital_named_by_its_country_is_the_city():
    found = find("Two car bombs went off in the Iraqi capital on Thursday.")
    p = by_text(found, "Iraqi capital")
    assert p.name == "Baghdad" and p.kind == "town" and p.country == "Iraq"
    found = find("A journalist was shot dead in Bangladesh's capital late on Friday.")
    assert [p.name for p in found] == ["Dhaka"]  # the city, not the country as well


def test_car_is_not_the_central_african_republic():
    assert find("Car bombs hit a market in Kirkuk.")[0].text == "Kirkuk"
