"""The SYNTHETIC corpus of the benchmark: CRM-like reports as .txt files the real ingester reads.

Everything this module writes is labelled synthetic: files are named ``synthetic-NNNNNN.txt`` and the
first line of each is :data:`SYNTHETIC_MARK`. Nothing here is a real CRM report.

Shape of a report (modelled on corpus/*.txt): a header (conference, body, "INFORME DE LA ..." title,
"City, Country" and a date line), a preamble sentence naming the participants, then 5-40 numbered
points, some with sub-points "a.", "b.", ...; ~15% of the reports are in English; years 1996-2026.

Words follow a Zipf law over a fixed vocabulary: real words of the two seed reports (copied below, so
the corpus does not change when corpus/ grows) plus lists written here. Function words are drawn from
their own Zipf list between content words, and multi-word CRM expressions ("trata de personas",
"países miembros") are inserted as units, so phrases occur as they do in real reports. A small list of
RARE_WORDS is sprinkled with a fixed low probability: the rare-term queries draw from it.

Deterministic: the same ``(target_units, seed)`` gives byte-identical files.
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
import random
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SYNTHETIC_MARK = "SYNTHETIC — generated for benchmarking"
FILE_PREFIX = "synthetic-"
MANIFEST = "synthetic-manifest.json"
GENERATOR_VERSION = 1  # bump when the output changes, so cached corpora are regenerated

YEARS = range(1996, 2027)
ENGLISH_SHARE = 0.15
POINTS = (5, 40)
SUB_POINT_SHARE = 0.3  # of points that have sub-points
SUB_POINTS = (2, 5)
RARE_WORD_RATE = 0.02  # per unit: the chance of one word from RARE_WORDS
ZIPF_EXPONENT = 1.05

# -- vocabulary ------------------------------------------------------------------------------------

# The words most frequent in any CRM report; ranked first in the Zipf order.
VERY_COMMON_ES = "países migrantes miembros migración crm reunión red personas regional".split()
VERY_COMMON_EN = "countries migrants member migration rcm meeting network persons regional".split()

# Content words of the two seed reports (corpus/*.txt), in their frequency order (function words,
# single letters and numerals removed). Copied, not read at run time: see the module docstring.
SEED_WORDS = """
trata sobre informe combate tráfico ilícito funcionarios enlace honduras estados nicaragua esfuerzos
avances américa guatemala plan técnica agradecer oim información tardar canadá costa rica salvador
unidos méxico panamá república dominicana presenta grupo consulta puntos cooperación delitos
organizaciones trabajo respecto matrices estudio tela mayo celebrada participación representantes
contenido siguientes retos coordinación internacional víctimas civiles migraciones rrocm fecha
presentación sociedad civil presidencia secretaría conferencia solicitar managua noviembre belice
buenas prácticas última indicadores contra siguiente instar secretaria febrero unodc resultados
materia coalición consultar actualización consolidado validación reconocer presentaron discutieron
interior destacaron extrarregional irregular importancia mayor efectividad enjuiciamiento cometen
efectiva protección discutió asimismo orientados asistir coincidieron necesidad continuar
desarrollando programas tendientes concienciación pública prevención expuso áreas podrían ampliar
reconociendo logrados ofreciendo disposición cooperar expresaron agradecimiento reiteraron interés
mecanismos hizo amplia revisión propuesta presentada pro témpore derivado anterior propone adoptar
actualizado constituiría anexo acción creación mantenimiento archivo contenga objetivos actividades
realizados grcm delegaciones compartir nuevos implementación elaborados solicitud relacionados
protocolo palermo acordó envíen sistematizará presentarla próxima insta cumplir compromisos
adquiridos marco particularmente establecido invitará participar presentar global énfasis toma nota
gestión elevar autoridades organización americanos ejemplo calidad acuerdos trabajos investigar
programa indicativo multianual latina parte comisión europea términos migratoria comparativas
legislación exhorta remitir comprometen enviar datos respectivos focales hará recibida establecida
enviado marzo membresía enviará semana abril presentará viceministerial recomendaciones combatir
regularmente
""".split()

# Written for this benchmark: words of CRM reports beyond the two seeds.
EXTRA_WORDS_ES = """
derechos humanos niñez adolescentes acompañados retorno asistido reintegración repatriación
albergues consular consulares protección lineamientos regionales flujos mixtos refugiados asilo
solicitantes desplazamiento forzado frontera fronteras fronteriza control migratorio documentos
identidad visas pasaportes estadísticas diagnóstico capacitación talleres seminario curso manual
guía procedimientos buenas prácticas intercambio experiencias mesa diálogo observadores organismos
internacionales cooperación técnica financiamiento fondo presupuesto aportes cuotas contribución
mandato vigencia declaración conjunta compromiso voluntad política género mujeres familia
reunificación trabajadores temporales laboral empleo remesas desarrollo integración comunidades
origen tránsito destino retornados deportados detenidos alternativas detención debido proceso
acceso justicia salud educación discriminación xenofobia racismo inclusión social campañas
información prevención sensibilización medios comunicación página web sitio plataforma sistema
registro base datos indicadores seguimiento evaluación informe anual propuesta documento borrador
versión final aprobación aprobado aprobar adoptado adoptar modificar revisar enmienda reglamento
funcionamiento estructura secretaría técnica presidencia temporal sede coordinación comité grupo
trabajo subgrupo equipo punto focal delegación delegado viceministro ministro cancillería
gobernación interior seguridad policía fiscalía ministerio público juez tribunal sanción delito
víctima asistencia integral atención psicosocial rescate identificación referencia protocolo
mecanismo hoja ruta agenda calendario próxima reunión celebrar sesión extraordinaria ordinaria
acta relatoría conclusiones acuerdos puntos compromisos pendientes avance cumplimiento plazo
fecha límite consultas consulta enviar remitir circular distribuir compartir publicar difundir
traducción idioma inglés español francés portugués región centroamericana norteamericana caribe
hemisferio continente nacional local municipal regional bilateral multilateral interinstitucional
""".split()

EXTRA_WORDS_EN = """
agreement agreements thank urge request note approve acknowledge instruct encourage welcome
reiterate technical secretariat presidency pro tempore consultation group vice ministerial liaison
officers consular protection trafficking smuggling victims assistance return reintegration
children adolescents unaccompanied human rights refugees asylum seekers forced displacement border
borders control documents identity visas passports statistics training workshop seminar guidelines
procedures good practices exchange experiences dialogue observers international organizations
cooperation funding fund budget contributions mandate joint declaration commitment political will
gender women family reunification temporary workers labour employment remittances development
integration communities origin transit destination returnees deportees detention alternatives due
process access justice health education discrimination xenophobia inclusion campaigns awareness
information prevention media website platform system registry database indicators follow evaluation
annual report proposal document draft final version approval adopted amend regulations structure
headquarters coordination committee working subgroup team focal point delegation delegate minister
foreign affairs security police prosecutor judge court sanction crime comprehensive care
psychosocial rescue identification referral protocol mechanism roadmap agenda calendar next session
extraordinary ordinary minutes conclusions pending progress compliance deadline consultations send
circulate distribute share publish disseminate translation language english spanish french region
central american north caribbean hemisphere national local municipal bilateral multilateral
""".split()

FUNCTION_WORDS_ES = """
de la el los las y en a para con por que del al se su sus un una como sobre entre sin ante desde
hasta durante mediante según lo esta este estas estos dicha dicho cada otros otras más también
""".split()
FUNCTION_WORDS_EN = """
the of and to in for on with by as at from that this these its their all each other more also
within between under through
""".split()

# Multi-word expressions inserted whole, so phrase queries have realistic hits.
EXPRESSIONS_ES = [
    "trata de personas", "tráfico ilícito de migrantes", "países miembros", "secretaría técnica",
    "protección consular", "presidencia pro témpore", "sociedad civil", "derechos humanos",
    "niñez migrante no acompañada", "plan de acción", "retorno asistido", "buenas prácticas",
    "grupo regional de consulta sobre migración", "red de funcionarios de enlace",
    "personas migrantes", "flujos migratorios mixtos", "puntos focales",
]
EXPRESSIONS_EN = [
    "trafficking in persons", "smuggling of migrants", "member countries", "technical secretariat",
    "consular protection", "presidency pro tempore", "civil society", "human rights",
    "unaccompanied migrant children", "plan of action", "assisted return", "good practices",
    "regional consultation group on migration", "liaison officer network",
]
ACRONYMS = ["RROCM", "OIM", "ST", "UNODC", "ACNUR", "GRCM", "PPT", "CRM", "OEA", "SICA", "UNICEF", "OIT"]
ACRONYM_SET = frozenset(ACRONYMS) | {"RCM", "RCGM"}

# Real words that occur rarely (a few per 10k units): the pool of the rare-term queries.
RARE_WORDS = """
apatridia reasentamiento tapachula desminado huracán terremoto pandemia vacunación consanguinidad
extraterritorial cartografía georreferenciación biometría criptografía maquila bananeras
cafetaleros cosecha estacionales jornaleros pescadores guardacostas balseros cayucos lanchas
naufragio hacinamiento hipotermia deshidratación morgue forense osamentas exhumación
odontológico dactiloscópico apostilla legalización notariado homologación convalidación
estenografía interpretación lenguas garífuna misquito quiché náhuatl kriol afrodescendientes
indígenas cimarrones
""".split()

OPENERS_ES = [
    "Agradecer a", "Instar a los Países Miembros a", "Solicitar a la Secretaría Técnica (ST)",
    "Tomar nota de", "Aprobar", "Reconocer", "Encomendar a la Presidencia Pro Témpore (PPT)",
    "Exhortar a", "Acoger con beneplácito", "Reiterar", "Respecto a", "Recomendar a",
]
OPENERS_EN = [
    "To thank", "To urge the Member Countries to", "To request the Technical Secretariat (TS) to",
    "To take note of", "To approve", "To acknowledge", "To instruct the Presidency Pro Tempore (PPT) to",
    "To encourage", "To welcome", "To reiterate", "With regard to", "To recommend",
]

# (city, country) of meetings; the country as a header writes it.
PLACES = [
    ("Managua", "Nicaragua"), ("Tegucigalpa", "Honduras"), ("San Salvador", "El Salvador"),
    ("Ciudad de Guatemala", "Guatemala"), ("Ciudad de Panamá", "Panamá"), ("San José", "Costa Rica"),
    ("Santo Domingo", "República Dominicana"), ("Ciudad de México", "México"), ("Ottawa", "Canadá"),
    ("Washington", "Estados Unidos de América"), ("Belmopan", "Belice"), ("Tela", "Honduras"),
    ("Antigua Guatemala", "Guatemala"), ("Puebla", "México"), ("Roatán", "Honduras"),
]
MEMBERS = [
    "Belice", "Canadá", "Costa Rica", "El Salvador", "Estados Unidos de América", "Guatemala",
    "Honduras", "México", "Nicaragua", "Panamá", "República Dominicana",
]
MEMBERS_EN = [
    "Belize", "Canada", "Costa Rica", "El Salvador", "the United States of America", "Guatemala",
    "Honduras", "Mexico", "Nicaragua", "Panama", "the Dominican Republic",
]
MONTHS_ES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
MONTHS_EN = "January February March April May June July August September October November December".split()

# (body key, Spanish name, English name): the bodies whose reports CRM archives hold.
# The Spanish name carries its article ("la Red", "el Grupo").
BODIES = [
    ("viceministerial", "la Reunión Viceministerial", "Vice-Ministerial Meeting"),
    ("grcm", "el Grupo Regional de Consulta sobre Migración (GRCM)", "Regional Consultation Group on Migration (RCGM)"),
    ("red_trafico_trata",
     "la Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas",
     "Liaison Officer Network to Combat Smuggling of Migrants and Trafficking in Persons"),
    ("red_proteccion_consular", "la Red de Funcionarios de Enlace en Protección Consular",
     "Liaison Officers Network on Consular Protection"),
    ("grupo_ad_hoc", "el Grupo ad hoc sobre Niñez Migrante", "Ad Hoc Working Group on Migrant Children"),
]


# -- sampling --------------------------------------------------------------------------------------


class ZipfSampler:
    """Draws items with probability proportional to 1 / rank**exponent (rank 1 = first item)."""

    def __init__(self, items: list[str], exponent: float = ZIPF_EXPONENT):
        self.items = items
        self.cumulative = list(itertools.accumulate(1.0 / (r ** exponent) for r in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def _ordered_unique(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(w for words in lists for w in words))


@dataclass(frozen=True)
class Language:
    code: str
    content: ZipfSampler
    function: ZipfSampler
    expressions: list[str]
    openers: list[str]


def _languages() -> dict[str, Language]:
    return {
        "es": Language("es", ZipfSampler(_ordered_unique(VERY_COMMON_ES, SEED_WORDS, EXTRA_WORDS_ES)),
                       ZipfSampler(FUNCTION_WORDS_ES), EXPRESSIONS_ES, OPENERS_ES),
        "en": Language("en", ZipfSampler(_ordered_unique(VERY_COMMON_EN, EXTRA_WORDS_EN)),
                       ZipfSampler(FUNCTION_WORDS_EN), EXPRESSIONS_EN, OPENERS_EN),
    }


def sentence(rng: random.Random, lang: Language, words: int) -> str:
    """One agreement sentence of about ``words`` words: an opener, then Zipf words, expressions and
    acronyms, function words between them (about 40% of running text, as in Spanish prose)."""
    out = [rng.choice(lang.openers)]
    if rng.random() < RARE_WORD_RATE:
        out.append(rng.choice(RARE_WORDS))
    while len(out) < words:
        roll = rng.random()
        if roll < 0.08:
            out.append(rng.choice(lang.expressions))
        elif roll < 0.12:
            out.append(rng.choice(ACRONYMS))
        else:
            word = lang.content.draw(rng)
            out.append(word.upper() if word.upper() in ACRONYM_SET else word)
        if rng.random() < 0.45 and len(out) < words - 1:  # never end on "de" or "a"
            out.append(lang.function.draw(rng))
    if rng.random() < 0.2:  # deadlines and years inside agreements, as real reports write them
        year = rng.choice(YEARS)
        out.append(f"a más tardar el {rng.randint(1, 28)} de {rng.choice(MONTHS_ES)} de {year}" if lang.code == "es"
                   else f"no later than {rng.choice(MONTHS_EN)} {rng.randint(1, 28)}, {year}")
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


# -- reports ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticReport:
    name: str
    text: str
    units: int  # preamble + points + sub-points, as the splitter should find them
    year: int
    language: str
    body_key: str


def make_report(rng: random.Random, number: int, languages: dict[str, Language]) -> SyntheticReport:
    code = "en" if rng.random() < ENGLISH_SHARE else "es"
    lang = languages[code]
    body_key, body_es, body_en = rng.choice(BODIES)
    city, country = rng.choice(PLACES)
    year = rng.choice(YEARS)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    present = sorted(rng.sample(range(len(MEMBERS)), rng.randint(6, len(MEMBERS))))
    lines = [SYNTHETIC_MARK, ""]
    if code == "es":
        participants = ", ".join(MEMBERS[i] for i in present[:-1]) + " y " + MEMBERS[present[-1]]
        lines += [
            "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)", "",
            f"INFORME DE LA REUNIÓN DE {body_es.upper()}" if body_key != "viceministerial"
            else f"INFORME DE {body_es.upper()}", "",
            f"{city}, {country}", f"{day} de {MONTHS_ES[month - 1]} de {year}", "",
            f"{body_es[0].upper()}{body_es[1:]} de los Países Miembros de la CRM, en reunión celebrada el {day} de "
            f"{MONTHS_ES[month - 1]} de {year} en {city}, {country}, con la participación de los "
            f"representantes de {participants}, presenta su informe contenido en los siguientes puntos:",
        ]
    else:
        participants = ", ".join(MEMBERS_EN[i] for i in present[:-1]) + " and " + MEMBERS_EN[present[-1]]
        lines += [
            "REGIONAL CONFERENCE ON MIGRATION (RCM)", "",
            f"REPORT OF THE {body_en.upper()}" if body_key == "viceministerial"
            else f"REPORT OF THE MEETING OF THE {body_en.upper()}", "",
            f"{city}, {country}", f"{MONTHS_EN[month - 1]} {day}, {year}", "",
            f"The {body_en} of the Member Countries of the RCM, at its meeting held on "
            f"{MONTHS_EN[month - 1]} {day}, {year} in {city}, with the participation of the "
            f"representatives of {participants}, presents its report in the following points:",
        ]
    units = 1
    for point in range(1, rng.randint(*POINTS) + 1):
        lines.append("")
        lines.append(f"{point}. {sentence(rng, lang, rng.randint(15, 60))}")
        units += 1
        if rng.random() < SUB_POINT_SHARE:
            lines.append("")
            for letter in "abcdefgh"[:rng.randint(*SUB_POINTS)]:
                lines.append(f"{letter}. {sentence(rng, lang, rng.randint(8, 30))}")
                units += 1
    return SyntheticReport(f"{FILE_PREFIX}{number:06d}.txt", "\n".join(lines) + "\n", units, year, code, body_key)


def generate_reports(target_units: int, seed: int = 7):
    """Yield synthetic reports until they hold at least ``target_units`` units in total."""
    rng = random.Random(seed)
    languages = _languages()
    total = 0
    for number in itertools.count(1):
        if total >= target_units:
            return
        report = make_report(rng, number, languages)
        total += report.units
        yield report


@dataclass(frozen=True)
class CorpusInfo:
    directory: str
    files: int
    units: int
    english: int
    seed: int
    target_units: int
    generator_version: int = GENERATOR_VERSION


def write_corpus(directory: Path, target_units: int, seed: int = 7) -> CorpusInfo:
    """Write the synthetic corpus into ``directory`` (reused as it is when already complete)."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = directory / MANIFEST
    if manifest.is_file():
        info = CorpusInfo(**json.loads(manifest.read_text(encoding="utf-8")))
        if (info.seed, info.target_units, info.generator_version) == (seed, target_units, GENERATOR_VERSION):
            log.info("reusing the synthetic corpus in %s (%d files)", directory, info.files)
            return info
    for old in directory.glob(f"{FILE_PREFIX}*.txt"):
        old.unlink()
    files = units = english = 0
    for report in generate_reports(target_units, seed):
        (directory / report.name).write_text(report.text, encoding="utf-8")
        files += 1
        units += report.units
        english += report.language == "en"
    info = CorpusInfo(str(directory), files, units, english, seed, target_units)
    # The manifest is not a .txt, so the ingester skips it.
    manifest.write_text(json.dumps(asdict(info), indent=1), encoding="utf-8")
    log.info("wrote %d synthetic reports (%d units) to %s", files, units, directory)
    return info
