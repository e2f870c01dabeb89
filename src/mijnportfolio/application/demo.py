"""The demo data of product.md section 6 (``mijnportfolio seed-demo``). Never in production."""

from __future__ import annotations

import datetime as dt
import uuid

from mijnportfolio.domain.catalogue import (
    CoreTask,
    Criterion,
    Exam,
    ExamPart,
    Module,
    Programme,
    WorkProcess,
)
from mijnportfolio.domain.examination import local_time
from mijnportfolio.domain.examination.assessment import Assessment, finalize
from mijnportfolio.domain.examination.planning import Attempt, PartPlanning
from mijnportfolio.domain.faq import FaqItem
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.scores import DEFAULT_JUSTIFICATION_RULE, DEFAULT_PASS_MARK, Descriptors, Score
from mijnportfolio.domain.students import ParticipantGroup, Student

from .ports.common import Clock, PasswordHasher
from .examination.results import attempt_outcome
from .ports.unit_of_work import UnitOfWorkFactory, saved_id

DEMO_PASSWORD = "demo1234"
DEMO_ORGANISATION = "Demo ROC"

DEMO_STAFF = (
    ("admin@demo.nl", Role.ADMIN, "Anna", None, "Beheer"),
    ("begeleider@demo.nl", Role.SUPERVISOR, "Bas", "de", "Begeleider"),
    ("examinator@demo.nl", Role.EXAMINER, "Eva", "van", "Examinator"),
    ("examinator2@demo.nl", Role.EXAMINER, "Erik", None, "Tweede"),
    ("opleider@demo.nl", Role.TRAINER, "Olga", None, "Opleider"),
    # A second supervisor and trainer with a student of their own: permission checks need
    # someone whose students begeleider@demo.nl and opleider@demo.nl may not see.
    ("begeleider2@demo.nl", Role.SUPERVISOR, "Britt", "van", "Dam"),
    ("opleider2@demo.nl", Role.TRAINER, "Omar", None, "Yilmaz"),
)


class DemoRefused(RuntimeError):
    """Demo accounts with a known password must never exist in production."""


def seed_demo(uow_factory: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher, *, production: bool) -> str:
    """Create the demo organisation and accounts; running it again changes nothing."""
    if production:
        raise DemoRefused(
            "seed-demo is geweigerd: MIJNPORTFOLIO_ENV=production. Demo-accounts met een bekend "
            "wachtwoord horen niet in productie."
        )
    password_hash = hasher.hash(DEMO_PASSWORD)
    with uow_factory() as uow:
        organisation = uow.organisations.get_by_name(DEMO_ORGANISATION)
        if organisation is None:
            organisation = Organisation(name=DEMO_ORGANISATION, examiners_may_plan=True)
            uow.organisations.add(organisation)
            uow.flush()
        staff: dict[str, User] = {}
        for email, role, first, infix, last in DEMO_STAFF:
            user = uow.users.get_by_email(email)
            if user is None:
                user = User(
                    email=email, role=role, first_name=first, infix=infix, last_name=last,
                    organisation_id=None if role is Role.ADMIN else organisation.id,
                    password_hash=password_hash, created_at=clock.now(),
                )
                uow.users.add(user)
            staff[email] = user
        uow.flush()
        extra = _seed_catalogue_and_students(uow, clock, organisation, staff, password_hash)
        uow.commit()
    return f"Demodata geladen: organisatie '{DEMO_ORGANISATION}', wachtwoord '{DEMO_PASSWORD}'.{extra}"


# --- catalogue, groups, students and FAQ --------------------------------------------------
#
# The exam below follows the structure of the exam definition file (code, core_tasks,
# parts with criteria per work process, descriptors per score), so that it reads like an
# exam an examination office would upload. Core tasks and work processes are modelled on the
# basisdeel of the qualification dossier Verzorgende-IG (crebo 25491, level 3).

VIG_CREBO = "25491"
MZ_CREBO = "25492"


def _d(one: str, two: str, three: str, four: str, five: str) -> dict[str, str]:
    return {"1": one, "2": two, "3": three, "4": four, "5": five}


VIG_EXAM = {
    "code": "LM",
    "name": "Proeve van bekwaamheid: Zorg en ondersteuning",
    "module": "Kwalificatiedeel Verzorgende-IG",
    "planning_instruction": (
        "Plan beide onderdelen in overleg met de praktijkopleider, tijdens een gewone dienst van "
        "de student. Onderdeel 1 (zorg verlenen) duurt ongeveer 3 uur, onderdeel 2 (afstemmen en "
        "kwaliteit) ongeveer 2 uur inclusief het reflectiegesprek. Kies een examinator die niet "
        "de eigen praktijkopleider van de student is."
    ),
    "location": "Op de leerwerkplek van de student (afdeling of wijkteam). Meld je bij de teamleider.",
    "max_attempts": 3,
    "core_tasks": [
        {
            "code": "B1-K1",
            "title": "Bieden van zorg en ondersteuning",
            "work_processes": [
                ("B1-K1-W1", "Inventariseert de behoefte aan zorg en ondersteuning"),
                ("B1-K1-W2", "Stelt het zorgplan op en/of bij"),
                ("B1-K1-W3", "Voert zorginterventies en begeleidingsactiviteiten uit"),
                ("B1-K1-W4", "Voert verpleegtechnische handelingen uit"),
                ("B1-K1-W5", "Reageert op onvoorziene en acute situaties"),
                ("B1-K1-W6", "Geeft informatie en advies over zorg en gezondheid"),
            ],
        },
        {
            "code": "B1-K2",
            "title": "Afstemmen en coördineren van zorg",
            "work_processes": [
                ("B1-K2-W1", "Stemt de zorgverlening af met zorgvrager, naasten en andere disciplines"),
                ("B1-K2-W2", "Coördineert de zorg en begeleidt collega's en stagiairs"),
                ("B1-K2-W3", "Bewaakt en bevordert de kwaliteit van zorg en de eigen deskundigheid"),
            ],
        },
    ],
    "parts": [
        {
            "number": 1,
            "title": "Zorg verlenen bij de zorgvrager",
            "criteria": [
                ("B1-K1-W1", False,
                 "De student brengt de gezondheidstoestand, wensen en mogelijkheden van de zorgvrager in "
                 "kaart door observatie en gesprek.",
                 _d("Brengt de situatie nauwelijks in kaart; belangrijke signalen worden gemist.",
                    "Brengt de situatie onvolledig in kaart en vraagt weinig door.",
                    "Brengt de belangrijkste gegevens in kaart en vraagt door waar nodig.",
                    "Brengt de situatie volledig in kaart en betrekt de wensen van de zorgvrager.",
                    "Brengt de situatie systematisch in kaart, betrekt naasten en ziet risico's vroeg.")),
                ("B1-K1-W1", False,
                 "De student signaleert veranderingen in de gezondheidstoestand en meldt die tijdig aan de "
                 "juiste persoon.",
                 _d("Signaleert veranderingen niet of meldt ze niet.",
                    "Signaleert veranderingen laat of meldt ze onvolledig.",
                    "Signaleert duidelijke veranderingen en meldt ze aan de verantwoordelijke.",
                    "Signaleert ook kleine veranderingen en meldt ze direct en onderbouwd.",
                    "Signaleert vroegtijdig, legt verbanden en stelt passende vervolgstappen voor.")),
                ("B1-K1-W2", False,
                 "De student stelt samen met de zorgvrager het zorgplan op of bij, met haalbare en meetbare "
                 "doelen.",
                 _d("Stelt geen bruikbaar zorgplan op.",
                    "Zorgplan is onvolledig; doelen zijn vaag of niet haalbaar.",
                    "Zorgplan is bruikbaar; de doelen zijn haalbaar.",
                    "Zorgplan is volledig, met meetbare doelen die met de zorgvrager zijn afgestemd.",
                    "Zorgplan is volledig en persoonsgericht; de zorgvrager houdt zichtbaar de regie.")),
                ("B1-K1-W2", False,
                 "De student rapporteert objectief, volledig en volgens de afspraken in het zorgdossier.",
                 _d("Rapporteert niet of met fouten die de zorg in gevaar brengen.",
                    "Rapporteert onvolledig of met meningen in plaats van feiten.",
                    "Rapporteert feitelijk en volgens de afspraken.",
                    "Rapporteert feitelijk, volledig en bondig, op tijd.",
                    "Rapporteert voorbeeldig; collega's kunnen direct verder met de zorg.")),
                ("B1-K1-W3", False,
                 "De student voert de zorg uit volgens het zorgplan en stimuleert de zelfredzaamheid van de "
                 "zorgvrager.",
                 _d("Wijkt af van het zorgplan en neemt taken over die de zorgvrager zelf kan.",
                    "Volgt het zorgplan grotendeels; stimuleert zelfredzaamheid nauwelijks.",
                    "Volgt het zorgplan en laat de zorgvrager doen wat die zelf kan.",
                    "Volgt het zorgplan en stimuleert de zelfredzaamheid actief.",
                    "Stemt de uitvoering telkens af op de zorgvrager en versterkt diens eigen regie.")),
                ("B1-K1-W3", True,
                 "De student werkt volgens de richtlijnen voor hygiëne, infectiepreventie en veiligheid.",
                 _d("Overtreedt hygiëne- of veiligheidsregels; de zorgvrager loopt risico.",
                    "Vergeet regelmatig hygiënemaatregelen; moet worden gecorrigeerd.",
                    "Past de richtlijnen voor hygiëne en veiligheid correct toe.",
                    "Past de richtlijnen consequent toe en legt uit waarom.",
                    "Past de richtlijnen consequent toe en spreekt anderen er ook op aan.")),
                ("B1-K1-W3", False,
                 "De student communiceert respectvol en afgestemd op de zorgvrager, met aandacht voor "
                 "privacy en eigen regie.",
                 _d("Communiceert respectloos of over de zorgvrager heen.",
                    "Communiceert weinig afgestemd; let nauwelijks op privacy.",
                    "Communiceert vriendelijk en respecteert de privacy.",
                    "Sluit in taal en tempo aan bij de zorgvrager en vraagt naar diens wensen.",
                    "Communiceert warm en professioneel, ook in lastige situaties.")),
                ("B1-K1-W4", True,
                 "De student voert verpleegtechnische handelingen (zoals medicatie toedienen) veilig en "
                 "volgens protocol uit.",
                 _d("Handelt onveilig of in strijd met het protocol.",
                    "Handelt onzeker en slaat stappen van het protocol over.",
                    "Voert de handeling veilig en volgens protocol uit.",
                    "Voert de handeling vlot, veilig en volgens protocol uit en controleert het resultaat.",
                    "Voert de handeling voorbeeldig uit en kan elke stap onderbouwen.")),
                ("B1-K1-W4", False,
                 "De student legt de handeling vooraf uit aan de zorgvrager en vraagt om toestemming.",
                 _d("Legt niets uit en vraagt geen toestemming.",
                    "Legt de handeling summier uit of vraagt pas achteraf.",
                    "Legt de handeling uit en vraagt toestemming.",
                    "Legt begrijpelijk uit, vraagt toestemming en checkt of het duidelijk is.",
                    "Legt uit op maat van de zorgvrager en stelt die zichtbaar gerust.")),
                ("B1-K1-W5", False,
                 "De student herkent een onvoorziene of acute situatie, blijft rustig en schakelt op tijd "
                 "hulp in.",
                 _d("Herkent de situatie niet of handelt onjuist.",
                    "Herkent de situatie laat of schakelt te laat hulp in.",
                    "Herkent de situatie en schakelt volgens afspraak hulp in.",
                    "Handelt rustig en adequaat en informeert de juiste personen.",
                    "Handelt rustig en adequaat, neemt de regie en evalueert achteraf.")),
            ],
        },
        {
            "number": 2,
            "title": "Zorg afstemmen en kwaliteit bewaken",
            "criteria": [
                ("B1-K1-W6", False,
                 "De student geeft de zorgvrager en naasten begrijpelijke informatie en advies over "
                 "gezondheid en leefstijl.",
                 _d("Geeft geen of onjuiste informatie.",
                    "Geeft informatie die onvolledig of moeilijk te begrijpen is.",
                    "Geeft juiste en begrijpelijke informatie.",
                    "Geeft juiste informatie, afgestemd op de zorgvrager en naasten.",
                    "Geeft informatie en advies op maat en motiveert de zorgvrager tot gezond gedrag.")),
                ("B1-K1-W6", False,
                 "De student controleert of de informatie is begrepen en verwijst zo nodig door.",
                 _d("Controleert niet en verwijst niet door.",
                    "Controleert nauwelijks; verwijst niet door waar dat nodig is.",
                    "Controleert of de informatie is begrepen.",
                    "Controleert of de informatie is begrepen en verwijst passend door.",
                    "Controleert actief, herhaalt op maat en verwijst gericht door.")),
                ("B1-K2-W1", False,
                 "De student stemt de zorg af met de zorgvrager, naasten en andere disciplines en legt de "
                 "afspraken vast.",
                 _d("Stemt niet af; afspraken ontbreken.",
                    "Stemt beperkt af; afspraken zijn onduidelijk.",
                    "Stemt af met de betrokkenen en legt de afspraken vast.",
                    "Stemt tijdig en volledig af en bewaakt de afspraken.",
                    "Stemt proactief af en brengt de betrokkenen samen rond de zorgvrager.")),
                ("B1-K2-W1", False,
                 "De student draagt de zorg mondeling en schriftelijk over volgens een vaste structuur "
                 "(bijvoorbeeld SBAR).",
                 _d("Draagt niet of onjuist over.",
                    "Draagt onvolledig of ongestructureerd over.",
                    "Draagt volledig over volgens de afgesproken structuur.",
                    "Draagt bondig en volledig over en controleert of het is overgekomen.",
                    "Draagt voorbeeldig over; de opvolger kan zonder vragen verder.")),
                ("B1-K2-W2", False,
                 "De student plant de eigen zorgtaken, stelt prioriteiten en stemt die af met het team.",
                 _d("Werkt ongepland; belangrijke taken blijven liggen.",
                    "Plant beperkt; prioriteiten kloppen niet altijd.",
                    "Plant de eigen taken en stelt de juiste prioriteiten.",
                    "Plant efficiënt en past de planning aan bij veranderingen.",
                    "Plant efficiënt en coördineert ook de taken van anderen.")),
                ("B1-K2-W2", False,
                 "De student geeft een collega of stagiair duidelijke instructie en feedback bij een "
                 "zorgtaak.",
                 _d("Geeft geen of onjuiste instructie.",
                    "Geeft onduidelijke instructie of geen feedback.",
                    "Geeft duidelijke instructie en feedback.",
                    "Geeft duidelijke instructie en opbouwende feedback, afgestemd op de ander.",
                    "Begeleidt de ander zichtbaar naar meer zelfstandigheid.")),
                ("B1-K2-W3", False,
                 "De student signaleert knelpunten in de kwaliteit of veiligheid van de zorg en doet "
                 "verbetervoorstellen.",
                 _d("Signaleert geen knelpunten.",
                    "Signaleert knelpunten maar doet er niets mee.",
                    "Signaleert knelpunten en meldt ze volgens de procedure.",
                    "Signaleert knelpunten en doet een onderbouwd verbetervoorstel.",
                    "Doet een onderbouwd voorstel en helpt het in het team in te voeren.")),
                ("B1-K2-W3", False,
                 "De student reflecteert op het eigen handelen, vraagt feedback en benoemt leerpunten.",
                 _d("Reflecteert niet en staat niet open voor feedback.",
                    "Reflecteert oppervlakkig; leerpunten zijn vaag.",
                    "Reflecteert op het eigen handelen en benoemt leerpunten.",
                    "Reflecteert kritisch, vraagt zelf feedback en maakt concrete afspraken.",
                    "Reflecteert diepgaand en laat zien hoe eerdere leerpunten zijn opgepakt.")),
                ("B1-K2-W3", False,
                 "De student handelt volgens de beroepscode en de wet- en regelgeving (onder andere "
                 "privacy en de meldcode).",
                 _d("Handelt in strijd met de beroepscode of de wet.",
                    "Kent de regels onvoldoende en handelt er niet altijd naar.",
                    "Handelt volgens de beroepscode en de geldende regels.",
                    "Handelt volgens de regels en kan ze toelichten.",
                    "Handelt volgens de regels en weegt dilemma's zorgvuldig af.")),
            ],
        },
    ],
}

MZ_EXAM = {
    "code": "BG",
    "name": "Proeve Begeleiden van de cliënt",
    "module": "Kwalificatiedeel Maatschappelijke Zorg",
    "planning_instruction": "Plan de proeve tijdens een begeleidingsmoment met een vaste cliënt.",
    "location": "Op de leerwerkplek van de student.",
    "max_attempts": 3,
    "core_tasks": [
        {
            "code": "B1-K1",
            "title": "Bieden van begeleiding en ondersteuning",
            "work_processes": [
                ("B1-K1-W1", "Stelt een ondersteuningsplan op"),
                ("B1-K1-W2", "Begeleidt de cliënt bij dagelijkse activiteiten"),
            ],
        },
    ],
    "parts": [
        {
            "number": 1,
            "title": "Begeleiden",
            "criteria": [
                ("B1-K1-W1", False,
                 "De student stelt samen met de cliënt een ondersteuningsplan op met haalbare doelen.",
                 _d("Geen bruikbaar plan.", "Plan onvolledig.", "Plan bruikbaar.",
                    "Plan volledig en afgestemd.", "Plan volledig; de cliënt houdt de regie.")),
                ("B1-K1-W2", False,
                 "De student begeleidt de cliënt en sluit aan bij diens mogelijkheden.",
                 _d("Neemt alles over.", "Sluit weinig aan.", "Sluit aan bij de cliënt.",
                    "Stimuleert de cliënt actief.", "Versterkt zichtbaar de eigen kracht van de cliënt.")),
                ("B1-K1-W2", True,
                 "De student handelt veilig en signaleert grensoverschrijdend gedrag.",
                 _d("Handelt onveilig.", "Signaleert laat.", "Handelt veilig en signaleert.",
                    "Handelt veilig en bespreekt signalen.", "Handelt veilig en voorkomt escalatie.")),
            ],
        },
    ],
}

DEMO_GROUPS = (
    ("VIG-3A", "Klas", "Verzorgende-IG, derde leerjaar, klas A"),
    ("VIG-3B", "Klas", "Verzorgende-IG, derde leerjaar, klas B"),
    ("Zorgcentrum De Linde", "Locatie", "Verpleeghuis en kleinschalig wonen, Utrecht"),
    ("Thuiszorg Oost", "Locatie", "Wijkteams thuiszorg, regio Oost"),
)

# (number, e-mail, first name, infix, last name, cohort, supervisor, trainer, groups)
# Demostudent 1 (LM passed), 2 (LM failed) and 3 (not planned) are the students of the
# manual; 4 to 7 are meant to show the other statuses of product.md 3.3 (partially planned,
# partially planned and started, planned, started). They get their attempts and plannings
# when the planning issue lands: a status is computed from attempts, plannings and scores,
# which cannot be seeded before those exist.
DEMO_STUDENTS = (
    ("100001", "student1@demo.nl", "Demostudent", None, "1", "2025", "begeleider@demo.nl", "opleider@demo.nl",
     ("VIG-3A", "Zorgcentrum De Linde")),
    ("100002", "student2@demo.nl", "Demostudent", None, "2", "2025", "begeleider@demo.nl", "opleider@demo.nl",
     ("VIG-3A", "Thuiszorg Oost")),
    ("100003", "student3@demo.nl", "Demostudent", None, "3", "2025", "begeleider@demo.nl", None,
     ("VIG-3B", "Zorgcentrum De Linde")),
    ("100004", "student4@demo.nl", "Demostudent", None, "4", "2026", "begeleider@demo.nl", "opleider@demo.nl",
     ("VIG-3B", "Thuiszorg Oost")),
    ("100005", "student5@demo.nl", "Demostudent", None, "5", "2026", "begeleider@demo.nl", None,
     ("VIG-3B", "Zorgcentrum De Linde")),
    ("100006", "student6@demo.nl", "Demostudent", None, "6", "2026", "begeleider@demo.nl", None,
     ("VIG-3A",)),
    ("100007", "student7@demo.nl", "Demostudent", None, "7", "2026", "begeleider@demo.nl", "opleider@demo.nl",
     ("VIG-3A", "Thuiszorg Oost")),
    # Linked to the second supervisor and trainer only: begeleider@demo.nl must not see them.
    ("200001", "anderestudent@demo.nl", None, None, "Anderestudent", "2025", "begeleider2@demo.nl",
     "opleider2@demo.nl", ("VIG-3B",)),
)

DEMO_FAQ = (
    (
        "Hoe plan ik een examen in?",
        "Ga in het menu naar 'Examendashboard' en kies de opleiding. Je ziet dan per student de examens "
        "van die opleiding.\nKlik in de cel van de student en het examen op het plan-icoon "
        "('Inplannen').\n\nKies per onderdeel of je het nu wilt inplannen, vul begin- en eindtijd, "
        "locatie en de beoordelaar(s) in en sla op. De examinator(en) en de student krijgen een "
        "bevestiging per e-mail, met een agenda-afspraak als bijlage.",
    ),
    (
        "Wanneer kan een student een herkansing doen?",
        "Een herkansing kan pas als de laatste poging 'Niet behaald' is. Die cel is rood in het "
        "examenoverzicht; klik erop om de herkansing in te plannen.\nElk examen heeft een maximum "
        "aantal pogingen. Is dat bereikt, neem dan contact op met de examencommissie.",
    ),
    (
        "Hoe importeer ik studenten uit een Excel- of CSV-bestand?",
        "Ga naar 'Mijn Portfolio' en klik op 'Importeren'. Download zo nodig eerst het "
        "voorbeeldbestand.\nKies je bestand, koppel de kolommen aan de velden en los eventuele "
        "onduidelijkheden op (bijvoorbeeld een opleiding of praktijkbegeleider die niet herkend "
        "wordt). In het overzicht zie je welke regels worden toegevoegd of bijgewerkt en welke "
        "niet. Klik daarna op 'Importeer studenten'.",
    ),
    (
        "Ik ben mijn wachtwoord vergeten. Wat nu?",
        "Klik op de inlogpagina op 'Wachtwoord vergeten?' en vul je e-mailadres in. Je krijgt een "
        "e-mail met een link waarmee je een nieuw wachtwoord kiest. De link is één uur geldig.\n"
        "Geen e-mail ontvangen? Kijk in je map met ongewenste e-mail of vraag de beheerder om een "
        "nieuwe link.",
    ),
    (
        "Wie kan mijn portfolio en resultaten zien?",
        "Jouw praktijkbegeleider, je praktijkopleider en de examinatoren van jouw examens kunnen je "
        "portfolio en resultaten zien, net als de beheerders van het examenplatform. Andere "
        "studenten kunnen dat niet.",
    ),
    (
        "Kan ik een beoordeling nog aanpassen nadat ik die heb ingestuurd?",
        "Nee. Een ingestuurde beoordeling is definitief. Is er toch een fout gemaakt, dan kan een "
        "beheerder de beoordeling corrigeren na een besluit van de examencommissie. De reden en de "
        "oude en nieuwe scores worden daarbij vastgelegd.",
    ),
)


def _seed_catalogue_and_students(uow, clock, organisation, staff, password_hash) -> str:
    """Programmes and exams, participant groups, students and FAQ of the demo.

    Each piece is looked up first and only created when missing, so a second run changes
    nothing; pieces that exist are left as they are (an admin may have edited them).
    """
    vig = _programme(uow, "Verzorgende-IG", VIG_CREBO, 3)
    mz = _programme(uow, "Maatschappelijke Zorg", MZ_CREBO, 3)
    _exam(uow, vig, VIG_EXAM)
    _exam(uow, mz, MZ_EXAM)

    groups = {}
    for name, category, description in DEMO_GROUPS:
        group = uow.groups.get_by_name(organisation.id, name)
        if group is None:
            group = ParticipantGroup(
                organisation_id=organisation.id, name=name, category=category, description=description
            )
            uow.groups.add(group)
        groups[name] = group
    uow.flush()

    created = 0
    for number, email, first, infix, last, cohort, supervisor, trainer, group_names in DEMO_STUDENTS:
        if uow.users.get_by_email(email) is not None or uow.students.get_by_number(organisation.id, number):
            continue
        user = User(
            email=email, role=Role.STUDENT, first_name=first, infix=infix, last_name=last,
            organisation_id=organisation.id, password_hash=password_hash, created_at=clock.now(),
        )
        uow.users.add(user)
        uow.flush()
        student = Student(
            organisation_id=organisation.id,
            student_number=number,
            user=user,
            programme_id=saved_id(vig.id),
            supervisor_id=staff[supervisor].id,
            trainer_id=staff[trainer].id if trainer else None,
            cohort=cohort,
            groups={groups[g] for g in group_names},
        )
        uow.students.add(student)
        created += 1
    uow.flush()

    _seed_attempts(uow, clock, organisation, staff)

    if not list(uow.faq.list()):
        # Only into an empty FAQ: an admin's own questions (or deletions) are never undone.
        for position, (question, answer) in enumerate(DEMO_FAQ, start=1):
            uow.faq.add(FaqItem(question=question, answer=answer, position=position))
        uow.flush()

    return (
        f" Opleiding 'Verzorgende-IG' (crebo {VIG_CREBO}) met examen {VIG_EXAM['code']}; "
        f"{created} nieuwe demostudent(en) (student1@demo.nl ...)."
    )


# Every status of the overview (product.md 3.3) for exam LM, relative to the moment of seeding:
# (student number, attempt number, [(part number, days from now, final)], good scores, examiner 2 may submit).
# The final parts get real assessments; the outcome follows from their scores by the exam's rule.
DEMO_ATTEMPTS = (
    ("100001", 1, [(1, -40, True), (2, -39, True)], True, False),  # Demostudent 1: LM behaald
    ("100002", 1, [(1, -35, True), (2, -34, True)], False, False),  # Demostudent 2: LM niet behaald
    # Demostudent 3: nothing planned yet.
    ("100004", 1, [(1, 10, False)], True, False),  # part 1 planned, not started: grey/white striped
    ("100005", 1, [(1, -2, False)], True, True),  # part 1 started, part 2 unplanned: blue/white striped
    ("100006", 1, [(1, 14, False), (2, 14, False)], True, False),  # all planned, not started: grey
    ("100007", 1, [(1, -60, True), (2, -59, True)], False, False),  # Demostudent 7 failed attempt 1 ...
    # ... and retakes: part 1 of attempt 2 is final, part 2 waits for its assessment (blue).
    ("100007", 2, [(1, -3, True), (2, -1, False)], True, False),
)


def _seed_attempts(uow, clock, organisation, staff) -> None:
    """Attempts and plannings of the demo, made with the domain's own objects (no e-mail)."""
    vig = uow.programmes.get_by_crebo(VIG_CREBO)
    exam = uow.exams.get_by_code(saved_id(vig.id), VIG_EXAM["code"]) if vig else None
    if exam is None:
        return
    parts = {p.number: p for p in exam.parts}
    examiner, second = staff["examinator@demo.nl"], staff["examinator2@demo.nl"]
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    for number, attempt_number, planned, good, second_may_submit in DEMO_ATTEMPTS:
        student = uow.students.get_by_number(organisation.id, number)
        if student is None:
            continue
        latest = uow.attempts.latest(saved_id(student.id), saved_id(exam.id))
        if latest is not None and latest.number >= attempt_number:
            continue  # seeded before, or planned by someone since: leave it
        first_start = min(now + dt.timedelta(days=days) for _, days, _ in planned)
        attempt = Attempt(student_id=saved_id(student.id), exam_id=saved_id(exam.id), number=attempt_number,
                          created_at=min(now, first_start - dt.timedelta(days=7)))
        finals = []
        for part_number, days, final in planned:
            start = local_nine(now + dt.timedelta(days=days))
            planning = PartPlanning(
                part_id=saved_id(parts[part_number].id), starts_at=start, ends_at=start + dt.timedelta(hours=3),
                examiner1_id=saved_id(examiner.id), examiner2_id=saved_id(second.id), examiner2_may_submit=second_may_submit,
                location=exam.location, calendar_uid=f"{uuid.uuid4()}@mijnportfolio", planned_at=attempt.created_at,
            )
            attempt.plannings.append(planning)
            if final:
                finals.append((planning, parts[part_number]))
        uow.attempts.add(attempt)
        uow.flush()
        # Final results come from real assessments, scored and submitted as an examiner does.
        for planning, part in finals:
            done = planning.starts_at + dt.timedelta(hours=3)
            for examiner_id, final in ((planning.examiner1_id, True), (planning.examiner2_id, False)):
                if examiner_id is None:
                    continue
                assessment = Assessment(planning_id=saved_id(planning.id), examiner_id=examiner_id, started_at=planning.starts_at,
                                        updated_at=done)
                for position, criterion in enumerate(sorted(part.criteria, key=lambda c: c.position)):
                    score = _demo_score(good, position, second_examiner=not final)
                    assessment.record(saved_id(criterion.id), score, DEMO_JUSTIFICATIONS.get(score.value, ""), done)
                uow.assessments.add(assessment)
                uow.flush()
                if final:
                    planning.assessment_started_at = planning.starts_at
                    finalize(planning, assessment, examiner_id, done)
        if finals:
            outcome = attempt_outcome(uow, exam, attempt)
            attempt.record_outcome(outcome.passed if attempt.is_complete(parts_ids(exam)) else None,
                                   max(p.starts_at for p in attempt.plannings) + dt.timedelta(hours=3))
        uow.flush()


DEMO_JUSTIFICATIONS = {
    1: "Niet laten zien tijdens de observatie.",
    2: "Onvoldoende: belangrijke stappen ontbraken en de student moest worden bijgestuurd.",
    5: "Uitstekend: zelfstandig, volledig en goed onderbouwd uitgevoerd.",
}


def _demo_score(passed: bool, position: int, *, second_examiner: bool) -> Score:
    """A plausible spread: a pass scores mostly 4 with an occasional 5 or 3, a fail mostly 2."""
    if passed:
        value = (4, 4, 5, 3, 4)[position % 5]
    else:
        value = (2, 2, 3, 2, 1)[position % 5]
    if second_examiner and position % 3 == 0:
        value = max(1, min(5, value + (1 if passed else -1)))
    return Score(value)


def parts_ids(exam: Exam) -> list[int]:
    return [saved_id(p.id) for p in exam.parts]


def local_nine(moment: dt.datetime) -> dt.datetime:
    """09:00 Dutch time on the day of ``moment``."""
    day = local_time.local(moment).date()
    return local_time.to_utc(day, dt.time(9, 0))


def _programme(uow, name: str, crebo: str, level: int) -> Programme:
    programme = uow.programmes.get_by_crebo(crebo)
    if programme is None:
        programme = Programme(name=name, crebo=crebo, level=level)
        uow.programmes.add(programme)
        uow.flush()
    return programme


def _exam(uow, programme: Programme, definition: dict) -> Exam:
    """The exam of ``definition`` (the structure of an exam definition file), unless the
    programme already has an exam with that code."""
    exam = uow.exams.get_by_code(programme.id, definition["code"])
    if exam is not None:
        return exam
    module = next((m for m in uow.modules.list_for_programme(programme.id) if m.name == definition["module"]), None)
    if module is None:
        module = Module(programme_id=saved_id(programme.id), name=definition["module"])
        uow.modules.add(module)
        uow.flush()
    core_tasks: list[CoreTask] = []
    work_processes: dict[str, WorkProcess] = {}
    for ct_position, ct in enumerate(definition["core_tasks"], start=1):
        core_task = CoreTask(code=ct["code"], title=ct["title"], position=ct_position)
        core_tasks.append(core_task)
        for code, title in ct["work_processes"]:
            work_processes[code] = WorkProcess(
                code=code, title=title, core_task=core_task, position=len(work_processes) + 1
            )
    parts = [
        ExamPart(
            number=part["number"],
            title=part["title"],
            criteria=[
                Criterion(
                    text=text, work_process=work_processes[wp], knock_out=knock_out,
                    descriptors=Descriptors.parse(descriptors), position=position,
                )
                for position, (wp, knock_out, text, descriptors) in enumerate(part["criteria"], start=1)
            ],
        )
        for part in definition["parts"]
    ]
    exam = Exam(
        programme_id=saved_id(programme.id),
        module_id=module.id,
        code=definition["code"],
        name=definition["name"],
        planning_instruction=definition["planning_instruction"],
        location=definition["location"],
        max_attempts=definition["max_attempts"],
        pass_mark=DEFAULT_PASS_MARK,
        justification_rule=DEFAULT_JUSTIFICATION_RULE,
        parts=parts,
        core_tasks=core_tasks,
        work_processes=list(work_processes.values()),
    )
    uow.exams.add(exam)
    uow.flush()
    return exam
