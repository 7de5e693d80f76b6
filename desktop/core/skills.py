"""The skill catalogue: what people can offer and what tasks ask for.

Skills come from a curated, bilingual catalogue so that "Førstehjælp" on one
site and "First aid" on another are the same thing, and a manager looking for
first aiders finds both. Knowledge the catalogue has no word for is still
welcome as a free tag (`#tegnsprog for børn`): the point of Knop is to surface
competences nobody thought to record, so the catalogue must never be the limit.

Ids are dotted slugs (`care.dementia`) and never change once published, because
person-skills, tasks and endorsements on every device refer to them. Labels may
be reworded freely.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "BY_ID",
    "CATALOGUE",
    "CATEGORIES",
    "FREE_TAG_MAX",
    "FREE_TAG_PREFIX",
    "Skill",
    "is_free_tag",
    "is_known",
    "label",
    "normalise_free_tag",
]


@dataclass(frozen=True, slots=True)
class Skill:
    """One catalogue entry; `id` is what gets stored, `da`/`en` are what people read."""

    id: str
    category: str
    da: str
    en: str


# Category id -> (Danish, English). Order is the order the UI lists them in.
CATEGORIES: dict[str, tuple[str, str]] = {
    "care": ("Omsorg og sundhed", "Care and health"),
    "pedagogy": ("Pædagogik og undervisning", "Pedagogy and teaching"),
    "language": ("Sprog og tolkning", "Languages and interpreting"),
    "it": ("IT og digitalt", "IT and digital"),
    "office": ("Administration og økonomi", "Administration and finance"),
    "food": ("Mad og køkken", "Food and kitchen"),
    "culture": ("Kultur og kreativitet", "Arts and culture"),
    "sport": ("Idræt og bevægelse", "Sport and movement"),
    "craft": ("Håndværk og vedligehold", "Crafts and maintenance"),
    "outdoor": ("Natur og have", "Nature and gardening"),
    "transport": ("Transport og kørsel", "Transport and driving"),
    "safety": ("Sikkerhed og førstehjælp", "Safety and first aid"),
    "events": ("Arrangementer og kommunikation", "Events and communication"),
}


def _entries(category: str, *rows: tuple[str, str, str]) -> tuple[Skill, ...]:
    # Rows name only the part after the category, so an id cannot drift away
    # from the category it is filed under.
    return tuple(Skill(f"{category}.{slug}", category, da, en) for slug, da, en in rows)


CATALOGUE: tuple[Skill, ...] = (
    *_entries(
        "care",
        ("dementia", "Demensomsorg", "Dementia care"),
        ("personal", "Personlig pleje", "Personal care"),
        ("medication", "Medicinhåndtering", "Medication handling"),
        ("transfers", "Forflytning og hjælpemidler", "Patient transfers and mobility aids"),
        ("palliative", "Palliativ pleje", "Palliative care"),
        ("nutrition", "Ernæring til ældre", "Nutrition for older people"),
        ("rehabilitation", "Rehabilitering og genoptræning", "Rehabilitation and retraining"),
        ("mental_health", "Psykisk sundhed", "Mental health support"),
        ("relatives", "Samarbejde med pårørende", "Working with relatives"),
        ("sensory", "Sansestimulering", "Sensory stimulation"),
        ("companionship", "Besøgsven og samvær", "Companionship and visiting"),
        ("welfare_tech", "Velfærdsteknologi", "Welfare technology"),
        ("reminiscence", "Erindringsarbejde", "Reminiscence work"),
    ),
    *_entries(
        "pedagogy",
        ("general", "Pædagogik", "Pedagogy"),
        ("early_years", "Småbørnspædagogik", "Early childhood pedagogy"),
        ("language_stimulation", "Sprogstimulering", "Language stimulation"),
        ("reading_aloud", "Højtlæsning", "Reading aloud"),
        ("homework", "Lektiehjælp", "Homework help"),
        ("special_needs", "Specialpædagogik", "Special needs education"),
        ("autism", "Autismepædagogik", "Autism-specific pedagogy"),
        ("substitute", "Vikartimer", "Substitute teaching"),
        ("maths", "Matematikundervisning", "Maths teaching"),
        ("science", "Natur/teknologi og naturfag", "Science teaching"),
        ("english", "Engelskundervisning", "English teaching"),
        ("danish_second", "Dansk som andetsprog", "Danish as a second language"),
        ("conflict", "Konfliktmægling", "Conflict mediation"),
        ("outdoor", "Udeskole og naturpædagogik", "Outdoor education"),
        ("play", "Leg og aktiviteter", "Play and activities"),
    ),
    *_entries(
        "language",
        ("arabic", "Arabisk", "Arabic"),
        ("somali", "Somali", "Somali"),
        ("ukrainian", "Ukrainsk", "Ukrainian"),
        ("tigrinya", "Tigrinya", "Tigrinya"),
        ("turkish", "Tyrkisk", "Turkish"),
        ("farsi", "Persisk (farsi)", "Persian (Farsi)"),
        ("dari", "Dari", "Dari"),
        ("kurdish", "Kurdisk", "Kurdish"),
        ("urdu", "Urdu", "Urdu"),
        ("polish", "Polsk", "Polish"),
        ("romanian", "Rumænsk", "Romanian"),
        ("bosnian", "Bosnisk", "Bosnian"),
        ("vietnamese", "Vietnamesisk", "Vietnamese"),
        ("english", "Engelsk", "English"),
        ("german", "Tysk", "German"),
        ("sign", "Dansk tegnsprog", "Danish Sign Language"),
        ("proofreading", "Korrekturlæsning", "Proofreading"),
    ),
    *_entries(
        "it",
        ("support", "IT-support", "IT support"),
        ("excel", "Excel og regneark", "Excel and spreadsheets"),
        ("word", "Word og tekstbehandling", "Word processing"),
        ("presentations", "PowerPoint og præsentationer", "PowerPoint and presentations"),
        ("tablets", "Tablets og apps", "Tablets and apps"),
        ("citizen_help", "Digital hjælp til borgere (MitID, e-Boks)",
         "Helping citizens with digital services (MitID, e-Boks)"),
        ("web", "Hjemmesider", "Websites"),
        ("gdpr", "Databeskyttelse (GDPR)", "Data protection (GDPR)"),
        ("programming", "Programmering", "Programming"),
        ("printers", "Netværk og printere", "Networks and printers"),
        ("aula", "Aula og forældrekommunikation", "Aula and parent communication"),
        ("video", "Videoredigering", "Video editing"),
    ),
    *_entries(
        "office",
        ("budget", "Budget og regnskab", "Budgeting and accounting"),
        ("procurement", "Indkøb og udbud", "Procurement and tendering"),
        ("case_work", "Sagsbehandling", "Case handling"),
        ("minutes", "Referatskrivning", "Minute taking"),
        ("plain_language", "Klarsprog", "Plain language writing"),
        ("archive", "Journalisering og arkiv", "Records and archiving"),
        ("reception", "Reception og telefon", "Reception and switchboard"),
        ("project", "Projektledelse", "Project management"),
        ("hr", "Personaleadministration", "HR administration"),
        ("rota", "Vagtplanlægning", "Rota planning"),
        ("grants", "Fondsansøgninger", "Grant applications"),
    ),
    *_entries(
        "food",
        ("group_cooking", "Madlavning til store grupper", "Cooking for groups"),
        ("baking", "Bagning", "Baking"),
        ("hygiene", "Hygiejnebevis (fødevarer)", "Food hygiene certificate"),
        ("special_diets", "Specialkost og allergier", "Special diets and allergies"),
        ("texture_modified", "Konsistenstilpasset kost", "Texture-modified diets"),
        ("with_children", "Madlavning med børn", "Cooking with children"),
    ),
    *_entries(
        "culture",
        ("music", "Musik", "Music"),
        ("choir", "Korledelse", "Choir leading"),
        ("guitar", "Guitar", "Guitar"),
        ("piano", "Klaver", "Piano"),
        ("singalong", "Fællessang", "Community singing"),
        ("drama", "Drama og teater", "Drama and theatre"),
        ("art", "Billedkunst og maleri", "Visual arts and painting"),
        ("crafts", "Kreative værksteder", "Arts and crafts workshops"),
        ("needlework", "Strik og håndarbejde", "Knitting and needlework"),
        ("dance", "Dans", "Dance"),
        ("storytelling", "Fortælling", "Storytelling"),
        ("photography", "Fotografering", "Photography"),
    ),
    *_entries(
        "sport",
        ("swimming", "Svømmeundervisning", "Swimming instruction"),
        ("lifeguard", "Livredderprøve", "Lifeguard certificate"),
        ("football", "Fodboldtræning", "Football coaching"),
        ("senior_exercise", "Træning for ældre", "Exercise for older people"),
        ("yoga", "Yoga og afspænding", "Yoga and relaxation"),
        ("gymnastics", "Gymnastik", "Gymnastics"),
        ("cycling", "Cykelundervisning", "Cycling instruction"),
        ("rickshaw", "Rickshawpilot (Cykling uden alder)", "Rickshaw pilot (Cycling Without Age)"),
        ("motor_skills", "Motorik for børn", "Motor skills for children"),
    ),
    *_entries(
        "craft",
        ("carpentry", "Tømrer- og snedkerarbejde", "Carpentry and joinery"),
        ("painting", "Malerarbejde", "Painting and decorating"),
        ("electrical", "El-arbejde (autoriseret)", "Electrical work (licensed)"),
        ("plumbing", "VVS-arbejde", "Plumbing"),
        ("bike_repair", "Cykelreparation", "Bicycle repair"),
        ("furniture", "Møbelrestaurering", "Furniture restoration"),
        ("sewing", "Syning og tøjreparation", "Sewing and mending"),
        ("handyman", "Småreparationer", "Odd jobs and small repairs"),
        ("playground", "Legepladsinspektion", "Playground inspection"),
    ),
    *_entries(
        "outdoor",
        ("gardening", "Havearbejde", "Gardening"),
        ("kitchen_garden", "Køkkenhave", "Kitchen garden"),
        ("landscaping", "Anlægsgartneri", "Landscaping"),
        ("nature_guide", "Naturvejledning", "Nature guiding"),
        ("campfire", "Bål og friluftsliv", "Campfires and outdoor life"),
        ("animals", "Dyrehold", "Animal care"),
        ("beekeeping", "Biavl", "Beekeeping"),
        ("snow", "Snerydning og glatførebekæmpelse", "Snow and ice clearing"),
    ),
    *_entries(
        "transport",
        ("licence_b", "Kørekort B (bil)", "Driving licence B (car)"),
        ("licence_d1", "Kørekort D1 (minibus)", "Minibus licence (D1)"),
        ("licence_d", "Kørekort D (bus)", "Bus driving licence (D)"),
        ("licence_be", "Kørekort BE (trailer)", "Trailer licence (BE)"),
        ("wheelchair", "Kørsel med kørestolsbrugere", "Driving wheelchair users"),
    ),
    *_entries(
        "safety",
        ("first_aid", "Førstehjælp", "First aid"),
        ("first_aid_children", "Børneførstehjælp", "Paediatric first aid"),
        ("defibrillator", "Hjertestarter", "Defibrillator (AED)"),
        ("fire", "Brandsikkerhed", "Fire safety"),
        ("infection_control", "Infektionshygiejne", "Infection control"),
        ("work_environment", "Arbejdsmiljø", "Occupational health and safety"),
    ),
    *_entries(
        "events",
        ("planning", "Planlægning af arrangementer", "Event planning"),
        ("sound_light", "Lyd og lys", "Sound and lighting"),
        ("decoration", "Pynt og dekoration", "Decorating"),
        ("newsletters", "Kommunikation og nyhedsbreve", "Communication and newsletters"),
        ("social_media", "Sociale medier", "Social media"),
        ("graphic_design", "Grafisk design", "Graphic design"),
        ("volunteers", "Frivilligkoordinering", "Volunteer coordination"),
        ("excursions", "Udflugter og ture", "Trips and outings"),
        ("facilitation", "Mødefacilitering", "Meeting facilitation"),
    ),
)

BY_ID: dict[str, Skill] = {skill.id: skill for skill in CATALOGUE}

FREE_TAG_PREFIX = "#"
# Long enough for "tegnsprog for børn med høretab", short enough to sit in a
# chip in the UI; well inside the 80 characters the operations accept.
FREE_TAG_MAX = 60

_WHITESPACE = re.compile(r"\s+")


def is_free_tag(skill: str) -> bool:
    """True for anything written as a free tag, valid or not; see `normalise_free_tag`."""
    return isinstance(skill, str) and skill.startswith(FREE_TAG_PREFIX)


def normalise_free_tag(text: str) -> str:
    """The one spelling a free tag is stored under.

    Free tags are typed by hand on many machines; without one spelling,
    "#Tegnsprog", "# tegnsprog" and "#tegnsprog " would become three skills
    nobody can search for together. The result is lowercase, NFC (so an "å"
    typed on a Mac matches one typed on Windows), single-spaced, starts with
    "#" and is at most `FREE_TAG_MAX` characters long, "#" included; longer
    text is cut at a word boundary where possible.

    Raises ValueError when nothing is left, or when the text holds control
    or other invisible characters that would make two tags look alike.
    """
    if not isinstance(text, str):
        raise ValueError("a free tag must be text")
    body = unicodedata.normalize("NFC", text).strip().lstrip(FREE_TAG_PREFIX)
    body = _WHITESPACE.sub(" ", body).strip().lower()
    if not body:
        raise ValueError("a free tag needs some text besides '#'")
    if any(unicodedata.category(ch).startswith("C") for ch in body):
        raise ValueError("a free tag may not contain control or invisible characters")
    room = FREE_TAG_MAX - len(FREE_TAG_PREFIX)
    if len(body) > room:
        cut = body[:room]
        # Prefer losing a whole word to leaving half of one.
        space = cut.rfind(" ")
        body = (cut[:space] if space > room // 2 else cut).rstrip()
    return FREE_TAG_PREFIX + body


def is_known(skill: str) -> bool:
    """A catalogue id, or a free tag already in its stored spelling.

    Only the normalised spelling counts, so the rules never store two spellings
    of one tag; clients normalise before they send.
    """
    if not isinstance(skill, str):
        return False
    if skill in BY_ID:
        return True
    if not is_free_tag(skill):
        return False
    try:
        return normalise_free_tag(skill) == skill
    except ValueError:
        return False


def label(skill: str, language: str) -> str:
    """What to show for a stored skill in "da" or "en" (a region such as "en_GB" is fine).

    Free tags show without their "#". An id the catalogue does not know (one
    added by a newer client, say) is shown as it is rather than hidden.
    """
    code = language.replace("-", "_").split("_", 1)[0].lower()
    if code not in ("da", "en"):
        raise ValueError(f"no skill labels in language {language!r}; use 'da' or 'en'")
    if is_free_tag(skill):
        return skill[len(FREE_TAG_PREFIX):]
    entry = BY_ID.get(skill)
    if entry is None:
        return skill
    return entry.da if code == "da" else entry.en
