"""Every string the web UI shows, in Spanish (the default) and English, plus dates and display names.

One place so a translator edits one file, and so a test can check both languages carry the same keys.
Strings are ``str.format`` templates; entries that depend on a count are ``(singular, plural)`` pairs.
"""

from __future__ import annotations

from datetime import date

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"

MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}

# Names of document languages (the `language` facet), shown in the UI language.
LANGUAGE_NAMES = {
    "es": {"es": "español", "en": "inglés", "fr": "francés", "pt": "portugués"},
    "en": {"es": "Spanish", "en": "English", "fr": "French", "pt": "Portuguese"},
}

STRINGS: dict[str, dict[str, str | tuple[str, str]]] = {
    "es": {
        "site_name": "Archivo de la CRM",
        "site_tagline": "Informes y acuerdos de la Conferencia Regional sobre Migración (Proceso Puebla)",
        "skip_to_content": "Saltar al contenido",
        "nav_search": "Buscar",
        "nav_meetings": "Reuniones",
        "nav_timeline": "Línea de tiempo",
        "nav_api": "API",
        "switch_language": "English",
        "switch_language_title": "Read this page in English",
        "search_label": "Buscar en los acuerdos",
        "search_placeholder": "p. ej. trata de personas",
        "search_button": "Buscar",
        "search_examples": "Ejemplos:",
        "search_help": ("Las palabras se combinan con Y; use \"comillas\" para frases, O u OR en mayúsculas "
                        "(«o» es una palabra más), -exclusión, prefijo*, y filtros como año:2014. "
                        "En las palabras, las tildes y mayúsculas no importan."),
        "search_intro": ("Busque en el texto de los acuerdos de todas las reuniones de la CRM, de 1996 en adelante. "
                         "Cada resultado lleva a un enlace permanente que puede citar."),
        "filters": "Filtros",
        "refine": "Refinar",
        "refine_summary": "Años y orden",
        "year_from": "Desde (año)",
        "year_to": "Hasta (año)",
        "sort": "Ordenar por",
        "sort_relevance": "relevancia",
        "sort_date": "fecha",
        "apply": "Aplicar",
        "clear_filters": "Quitar filtros",
        "facet_year": "Año",
        "facet_body": "Órgano",
        "facet_country": "País sede",
        "facet_language": "Idioma del documento",
        "remove_filter": "quitar",
        "facet_city": "Ciudad",
        "filter_in_query": "en la consulta",
        "filter_excluded": "excepto",
        "filters_conflict": "Todos los filtros se aplican a la vez, y los de {fields} no coinciden entre sí.",
        "results_total": ("{n} acuerdo encontrado", "{n} acuerdos encontrados"),
        "results_in_meetings": ("en {n} reunión de esta página", "en {n} reuniones de esta página"),
        "no_results": "Ningún acuerdo coincide con la búsqueda.",
        "did_you_mean": "¿Quiso decir",
        "translated_total": ("Buscando también en el otro idioma hay {n} acuerdo:",
                             "Buscando también en el otro idioma hay {n} acuerdos:"),
        "translated_link": "ver con los equivalentes del tesauro",
        # glossary, expansions, translation, versions (issue 13)
        "nav_glossary": "Glosario",
        "glossary_title": "Glosario de la CRM",
        "glossary_intro": ("Órganos, organizaciones, programas, funciones, países e instrumentos que nombran los informes, "
                           "con sus nombres en español e inglés y sus siglas. Buscar una entidad encuentra todas sus formas."),
        "glossary_count": ("{n} entidad", "{n} entidades"),
        "glossary_contents": "Tipos",
        "kind_body": "Órganos de la CRM",
        "kind_organisation": "Organizaciones",
        "kind_programme": "Programas e iniciativas",
        "kind_role": "Funciones",
        "kind_country": "Países",
        "kind_instrument": "Instrumentos",
        "glossary_acronyms": "Siglas",
        "glossary_variants": "Otras formas",
        "glossary_mentions": ("{n} acuerdo", "{n} acuerdos"),
        "glossary_in_reports": ("en {n} informe", "en {n} informes"),
        "glossary_no_mentions": "Sin menciones en el archivo",
        "glossary_by_year": "Por año",
        "glossary_year_link": "{year}: {count}",
        "glossary_member": "país miembro",
        "glossary_search": "Buscar",
        "glossary_timeline": "Línea de tiempo",
        "expansion_also": "También:",
        "expansion_literal": "buscar solo «{typed}»",
        "expansion_translated": "También en el otro idioma:",
        "expansion_untranslated": "sin traducir",
        "translate_checkbox": "buscar también en el otro idioma (español ↔ inglés)",
        "translate_help": "Busca también los términos equivalentes del tesauro en el otro idioma.",
        "version_link": "Versión en {language}",
        "versions_heading": "Otras versiones",
        "same_as_heading": "El mismo documento en otro formato",
        "same_agreement": "El mismo acuerdo en {language}: {label}",
        "also_in": "También en",
        "chart_title": "Acuerdos encontrados por año",
        "chart_bar": ("{year}: {n} acuerdo — ver solo este año", "{year}: {n} acuerdos — ver solo este año"),
        "chart_empty": "Sin datos para el gráfico.",
        "page_of": "Página {page} de {pages}",
        "previous": "Anterior",
        "next": "Siguiente",
        "pagination": "Paginación",
        "agreement": "acuerdo",
        "paragraph": "párrafo",
        "preamble": "preámbulo",
        "label_prefix": "Punto",
        "page_abbr": "p. {page}",
        "ocr_badge": "texto obtenido por OCR",
        "page_image": "imagen de la página {page}",
        "permalink": "Enlace permanente",
        "open_agreement": "Abrir el acuerdo {label}",
        "download_csv": "Descargar resultados (CSV)",
        "error_syntax": "No se pudo entender la búsqueda: {detail}",
        "error_query_too_long": "La búsqueda es demasiado larga (máximo {max} caracteres).",
        "error_bad_encoding": "La dirección tiene caracteres mal codificados (bytes que no son UTF-8, como %FF): "
                              "escriba la búsqueda de nuevo en el cuadro.",
        "error_bad_number": "El valor «{value}» de «{field}» no es válido y se ignoró.",
        "error_rejected_value": "El valor «{value}» de «{field}» no es válido; se rechazó la solicitud.",
        "error_page_beyond": "La página {page} no existe; se muestra la página {last}.",
        "error_year_order": "El año inicial es posterior al final; se intercambiaron.",
        "meetings_title": "Reuniones",
        "meetings_intro": "Todos los informes archivados, por año y órgano.",
        "meetings_count": ("{n} informe", "{n} informes"),
        "all_years": "Todos los años",
        "all_bodies": "Todos los órganos",
        "year": "Año",
        "body": "Órgano",
        "filter": "Filtrar",
        "no_meetings": "No hay informes con estos filtros.",
        "agreements_count": ("{n} acuerdo", "{n} acuerdos"),
        "unknown_date": "fecha desconocida",
        "unknown": "—",
        "report_metadata": "Datos de la reunión",
        "meeting_number": "Número",
        "title_as_written": "Título",
        "place": "Lugar",
        "date": "Fecha",
        "language": "Idioma",
        "participants": "Países participantes",
        "observers": "Observadores",
        "source_file": "Archivo",
        "format": "Formato",
        "download_original": "Descargar el original",
        "view_text": "Ver el texto extraído",
        "agreements": "Acuerdos",
        "ocr_note": "Texto obtenido por OCR (confianza media {conf}%); puede contener errores.",
        "in_report": "En el informe",
        "parent_agreement": "Forma parte de",
        "sub_agreements": "Incluye",
        "citation": "Cita",
        "citation_help": "Seleccione el bloque para copiar la cita.",
        "precedents": "Precedentes",
        "precedents_intro": "Acuerdos de reuniones anteriores con texto parecido.",
        "no_precedents": "No se encontraron precedentes en reuniones anteriores.",
        "similarity": "similitud {score}",
        "whole_report": "Ver el informe completo",
        "timeline_title": "Un término a lo largo de los años",
        "timeline_intro": "Cuántos acuerdos mencionan un término cada año.",
        "timeline_label": "Término",
        "timeline_placeholder": "p. ej. rrocm",
        "timeline_show": "Mostrar",
        "timeline_chart": "Acuerdos que mencionan «{term}» por año",
        "timeline_none": "Ningún acuerdo menciona «{term}».",
        "timeline_year_link": ("{n} acuerdo", "{n} acuerdos"),
        "timeline_reports": "Informes",
        "timeline_agreements": "Acuerdos",
        "timeline_total": "Total",
        "not_found_title": "Página no encontrada",
        "not_found_text": "No existe un informe ni un acuerdo con esa dirección.",
        "bad_request_title": "Solicitud no válida",
        "method_not_allowed_title": "Método no permitido",
        "method_not_allowed_text": "Este archivo es de solo lectura.",
        "server_error_title": "Error del servidor",
        "server_error_text": "Algo falló al atender la solicitud. Inténtelo de nuevo más tarde.",
        "back_home": "Volver a la búsqueda",
        "footer": "Archivo documental de la Conferencia Regional sobre Migración. Datos también en la",
        "footer_api": "API JSON",
        # -- research: commitments, participation, countries, citations (issue 15)
        "nav_commitments": "Compromisos",
        "nav_participation": "Participación",
        "commitments_title": "Compromisos y plazos",
        "commitments_intro": ("Lo que cada reunión pidió, a quién y para cuándo, leído de los acuerdos. Cada compromiso "
                              "lleva a su acuerdo."),
        "commitments_count": ("{n} compromiso", "{n} compromisos"),
        "commitments_of_total": "de {total} en el archivo",
        "commitments_none": "Ningún compromiso coincide con estos filtros.",
        "commitments_calendar_name": "Compromisos de la CRM",
        "filter_actor": "Quién debe actuar",
        "meeting_year": "Año de la reunión",
        "all_actors": "Todos",
        "filter_status": "Estado",
        "status_any": "Cualquiera",
        "status_overdue": "Vencidos",
        "status_pending": "Pendientes",
        "due_after_label": "Vencen desde",
        "due_before_label": "Vencen hasta",
        "col_due": "Fecha límite",
        "col_commitment": "Compromiso",
        "col_actors": "Quién",
        "col_agreement": "Acuerdo",
        "badge_overdue": "vencido",
        "badge_pending": "pendiente",
        "badge_undated": "sin fecha",
        "window": "periodo: {range}",
        "no_actor": "no se indica",
        "as_of": "Estado al {date}.",
        "download_ics": "Calendario (iCalendar)",
        "subscribe_help": "Puede suscribirse a la dirección del calendario desde su aplicación de calendario; los filtros elegidos se mantienen.",
        "data_json": "JSON",
        "data_csv": "CSV",
        "participation_title": "Participación por reunión",
        "participation_intro": "Qué países participaron en cada reunión archivada, como sede, participantes u observadores.",
        "participation_legend": "Leyenda",
        "status_host": "sede",
        "status_participant": "participó",
        "status_observer": "observador",
        "status_absent": "ausente o sin dato",
        "col_meeting": "Reunión",
        "col_countries_present": "Países",
        "totals_row": "Reuniones en que participó",
        "not_listed": "El informe no enumera a los participantes.",
        "participation_none": "No hay reuniones con estos filtros.",
        "participation_scroll_help": "La tabla se desplaza hacia los lados en pantallas estrechas.",
        "country_member": "Estado miembro de la CRM",
        "country_not_member": "País que no es miembro de la CRM",
        "country_summary": "De {total} reuniones archivadas: sede de {host}, participante en {participant}, observador en {observer}.",
        "country_meetings": "Reuniones",
        "country_commitments": "Compromisos que le corresponden",
        "country_no_commitments": "Ningún compromiso nombra a este país.",
        "country_all_commitments": "Ver en la lista de compromisos",
        "citation_author": "Conferencia Regional sobre Migración",
        "citation_genre": "Informe de reunión",
        "citation_accessed": "consultado el {date}",
        "citation_download": "Descargar la cita",
        "citation_format_text": "Texto",
        "citation_formats_help": "Para Zotero, Mendeley, EndNote u otro gestor de referencias.",
        "report_citation": "Cita del informe",
        "commitments_in_report": "Compromisos de esta reunión",
        "unit_commitments": "Plazos que fija este acuerdo",
    },
    "en": {
        "site_name": "CRM Archive",
        "site_tagline": "Reports and agreements of the Regional Conference on Migration (Puebla Process)",
        "skip_to_content": "Skip to content",
        "nav_search": "Search",
        "nav_meetings": "Meetings",
        "nav_timeline": "Timeline",
        "nav_api": "API",
        "switch_language": "Español",
        "switch_language_title": "Ver esta página en español",
        "search_label": "Search the agreements",
        "search_placeholder": "e.g. trafficking in persons",
        "search_button": "Search",
        "search_examples": "Examples:",
        "search_help": ("Words are combined with AND; use \"quotes\" for phrases, OR in capitals (\"or\" is a "
                        "word like any other), -exclusion, prefix*, and filters such as year:2014 (or año:2014). "
                        "In words, accents and case never matter."),
        "search_intro": ("Search the text of the agreements of every CRM meeting since 1996. "
                         "Each result leads to a permanent link you can cite."),
        "filters": "Filters",
        "refine": "Refine",
        "refine_summary": "Years and order",
        "year_from": "From (year)",
        "year_to": "To (year)",
        "sort": "Sort by",
        "sort_relevance": "relevance",
        "sort_date": "date",
        "apply": "Apply",
        "clear_filters": "Clear filters",
        "facet_year": "Year",
        "facet_body": "Body",
        "facet_country": "Host country",
        "facet_language": "Document language",
        "remove_filter": "remove",
        "facet_city": "City",
        "filter_in_query": "in the query",
        "filter_excluded": "except",
        "filters_conflict": "Every filter applies at once, and those on {fields} disagree with each other.",
        "results_total": ("{n} agreement found", "{n} agreements found"),
        "results_in_meetings": ("in {n} meeting on this page", "in {n} meetings on this page"),
        "no_results": "No agreement matches the search.",
        "did_you_mean": "Did you mean",
        "translated_total": ("Also searching the other language finds {n} agreement:",
                             "Also searching the other language finds {n} agreements:"),
        "translated_link": "see them with the thesaurus's equivalents",
        # glossary, expansions, translation, versions (issue 13)
        "nav_glossary": "Glossary",
        "glossary_title": "CRM glossary",
        "glossary_intro": ("Bodies, organisations, programmes, roles, countries and instruments named in the reports, "
                           "with their Spanish and English names and acronyms. Searching an entity finds all its forms."),
        "glossary_count": ("{n} entity", "{n} entities"),
        "glossary_contents": "Kinds",
        "kind_body": "RCM bodies",
        "kind_organisation": "Organisations",
        "kind_programme": "Programmes and initiatives",
        "kind_role": "Roles",
        "kind_country": "Countries",
        "kind_instrument": "Instruments",
        "glossary_acronyms": "Acronyms",
        "glossary_variants": "Other forms",
        "glossary_mentions": ("{n} agreement", "{n} agreements"),
        "glossary_in_reports": ("in {n} report", "in {n} reports"),
        "glossary_no_mentions": "Not mentioned in the archive",
        "glossary_by_year": "By year",
        "glossary_year_link": "{year}: {count}",
        "glossary_member": "member state",
        "glossary_search": "Search",
        "glossary_timeline": "Timeline",
        "expansion_also": "Also:",
        "expansion_literal": "search only “{typed}”",
        "expansion_translated": "Also in the other language:",
        "expansion_untranslated": "without translation",
        "translate_checkbox": "also search the other language (Spanish ↔ English)",
        "translate_help": "Also searches the thesaurus's equivalent terms in the other language.",
        "version_link": "{language} version",
        "versions_heading": "Other versions",
        "same_as_heading": "The same document in another format",
        "same_agreement": "The same agreement in {language}: {label}",
        "also_in": "Also in",
        "chart_title": "Matching agreements per year",
        "chart_bar": ("{year}: {n} agreement — show only this year", "{year}: {n} agreements — show only this year"),
        "chart_empty": "No data for the chart.",
        "page_of": "Page {page} of {pages}",
        "previous": "Previous",
        "next": "Next",
        "pagination": "Pagination",
        "agreement": "agreement",
        "paragraph": "paragraph",
        "preamble": "preamble",
        "label_prefix": "Point",
        "page_abbr": "p. {page}",
        "ocr_badge": "text obtained by OCR",
        "page_image": "image of page {page}",
        "permalink": "Permanent link",
        "open_agreement": "Open agreement {label}",
        "download_csv": "Download results (CSV)",
        "error_syntax": "The search could not be understood: {detail}",
        "error_query_too_long": "The search is too long (at most {max} characters).",
        "error_bad_encoding": "The address has badly encoded characters (bytes that are not UTF-8, such as %FF): "
                              "type the search again in the box.",
        "error_bad_number": "The value “{value}” of “{field}” is not valid and was ignored.",
        "error_rejected_value": "The value “{value}” of “{field}” is not valid; the request was rejected.",
        "error_page_beyond": "Page {page} does not exist; showing page {last}.",
        "error_year_order": "The start year was after the end year; they were swapped.",
        "meetings_title": "Meetings",
        "meetings_intro": "Every archived report, by year and body.",
        "meetings_count": ("{n} report", "{n} reports"),
        "all_years": "All years",
        "all_bodies": "All bodies",
        "year": "Year",
        "body": "Body",
        "filter": "Filter",
        "no_meetings": "No reports match these filters.",
        "agreements_count": ("{n} agreement", "{n} agreements"),
        "unknown_date": "date unknown",
        "unknown": "—",
        "report_metadata": "About the meeting",
        "meeting_number": "Number",
        "title_as_written": "Title",
        "place": "Place",
        "date": "Date",
        "language": "Language",
        "participants": "Participating countries",
        "observers": "Observers",
        "source_file": "File",
        "format": "Format",
        "download_original": "Download the original",
        "view_text": "View the extracted text",
        "agreements": "Agreements",
        "ocr_note": "Text obtained by OCR (mean confidence {conf}%); it may contain errors.",
        "in_report": "In the report",
        "parent_agreement": "Part of",
        "sub_agreements": "Includes",
        "citation": "Citation",
        "citation_help": "Select the block to copy the citation.",
        "precedents": "Precedents",
        "precedents_intro": "Agreements of earlier meetings with similar text.",
        "no_precedents": "No precedents were found in earlier meetings.",
        "similarity": "similarity {score}",
        "whole_report": "See the whole report",
        "timeline_title": "A term across the years",
        "timeline_intro": "How many agreements mention a term each year.",
        "timeline_label": "Term",
        "timeline_placeholder": "e.g. rrocm",
        "timeline_show": "Show",
        "timeline_chart": "Agreements mentioning “{term}” per year",
        "timeline_none": "No agreement mentions “{term}”.",
        "timeline_year_link": ("{n} agreement", "{n} agreements"),
        "timeline_reports": "Reports",
        "timeline_agreements": "Agreements",
        "timeline_total": "Total",
        "not_found_title": "Page not found",
        "not_found_text": "There is no report or agreement at this address.",
        "bad_request_title": "Bad request",
        "method_not_allowed_title": "Method not allowed",
        "method_not_allowed_text": "This archive is read-only.",
        "server_error_title": "Server error",
        "server_error_text": "Something failed while handling the request. Please try again later.",
        "back_home": "Back to search",
        "footer": "Document archive of the Regional Conference on Migration. Data also available through the",
        "footer_api": "JSON API",
        # -- research: commitments, participation, countries, citations (issue 15)
        "nav_commitments": "Commitments",
        "nav_participation": "Participation",
        "commitments_title": "Commitments and deadlines",
        "commitments_intro": ("What each meeting asked of whom and by when, read from the agreements. Each commitment "
                              "leads to its agreement."),
        "commitments_count": ("{n} commitment", "{n} commitments"),
        "commitments_of_total": "of {total} in the archive",
        "commitments_none": "No commitment matches these filters.",
        "commitments_calendar_name": "CRM commitments",
        "filter_actor": "Who must act",
        "meeting_year": "Meeting year",
        "all_actors": "Anyone",
        "filter_status": "Status",
        "status_any": "Any",
        "status_overdue": "Overdue",
        "status_pending": "Pending",
        "due_after_label": "Due from",
        "due_before_label": "Due until",
        "col_due": "Deadline",
        "col_commitment": "Commitment",
        "col_actors": "Who",
        "col_agreement": "Agreement",
        "badge_overdue": "overdue",
        "badge_pending": "pending",
        "badge_undated": "no date",
        "window": "period: {range}",
        "no_actor": "not stated",
        "as_of": "Status as of {date}.",
        "download_ics": "Calendar (iCalendar)",
        "subscribe_help": "You can subscribe to the calendar address from your calendar application; the chosen filters are kept.",
        "data_json": "JSON",
        "data_csv": "CSV",
        "participation_title": "Participation by meeting",
        "participation_intro": "Which countries took part in each archived meeting, as host, participants or observers.",
        "participation_legend": "Legend",
        "status_host": "host",
        "status_participant": "took part",
        "status_observer": "observer",
        "status_absent": "absent or unknown",
        "col_meeting": "Meeting",
        "col_countries_present": "Countries",
        "totals_row": "Meetings attended",
        "not_listed": "The report does not list the participants.",
        "participation_none": "No meetings match these filters.",
        "participation_scroll_help": "The table scrolls sideways on narrow screens.",
        "country_member": "Member State of the RCM",
        "country_not_member": "Country that is not a member of the RCM",
        "country_summary": "Of {total} archived meetings: host of {host}, participant in {participant}, observer in {observer}.",
        "country_meetings": "Meetings",
        "country_commitments": "Commitments assigned to it",
        "country_no_commitments": "No commitment names this country.",
        "country_all_commitments": "See in the list of commitments",
        "citation_author": "Regional Conference on Migration",
        "citation_genre": "Meeting report",
        "citation_accessed": "accessed {date}",
        "citation_download": "Download the citation",
        "citation_format_text": "Text",
        "citation_formats_help": "For Zotero, Mendeley, EndNote or another reference manager.",
        "report_citation": "Citation of the report",
        "commitments_in_report": "Commitments of this meeting",
        "unit_commitments": "Deadlines this agreement sets",
    },
}

# Example queries shown under the search box; the same in both languages because the reports are mostly Spanish.
EXAMPLE_QUERIES = ("rrocm", "\"trata de personas\"", "niñez año:2014", "retorno OR repatriación")


def normalize_language(value: str | None) -> str | None:
    """The UI language code for a user-supplied value, or None when it is not one we speak."""
    if not value:
        return None
    code = value.strip().lower()[:2]
    return code if code in LANGUAGES else None


def translate(lang: str, key: str, n: int | None = None, **values: object) -> str:
    """The string ``key`` in ``lang``; ``n`` picks singular/plural and is available as ``{n}``."""
    entry = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE]).get(key)
    if entry is None:
        entry = STRINGS[DEFAULT_LANGUAGE][key]  # a KeyError here is a missing string: a bug to see
    if isinstance(entry, tuple):
        entry = entry[0] if n == 1 else entry[1]
    if n is not None:
        values["n"] = format_number(n, lang)
    return entry.format(**values) if values else entry


def format_number(n: int, lang: str) -> str:
    """``12 345`` in Spanish (RAE: a space, and only from five digits), ``12,345`` in English."""
    if lang == "en":
        return f"{n:,}"
    return f"{n:,}".replace(",", "\u00a0") if abs(n) >= 10_000 else str(n)


def format_date(value: date | str | None, lang: str) -> str | None:
    """``24 de noviembre de 2014`` / ``November 24, 2014``; None when there is no (readable) date."""
    value = _as_date(value)
    if value is None:
        return None
    month = MONTHS.get(lang, MONTHS[DEFAULT_LANGUAGE])[value.month - 1]
    if lang == "en":
        return f"{month} {value.day}, {value.year}"
    return f"{value.day} de {month} de {value.year}"


def format_date_range(start: date | str | None, end: date | str | None, lang: str) -> str | None:
    """A meeting's dates: one day, or ``24 al 26 de noviembre de 2014`` / ``November 24–26, 2014``."""
    start, end = _as_date(start), _as_date(end)
    if start is None:
        return None
    if end is None or end <= start:
        return format_date(start, lang)
    months = MONTHS.get(lang, MONTHS[DEFAULT_LANGUAGE])
    if lang == "en":
        if (start.year, start.month) == (end.year, end.month):
            return f"{months[start.month - 1]} {start.day}–{end.day}, {start.year}"
        if start.year == end.year:
            return f"{months[start.month - 1]} {start.day} – {months[end.month - 1]} {end.day}, {start.year}"
        return f"{format_date(start, lang)} – {format_date(end, lang)}"
    # Two consecutive days are "12 y 13 de junio", a longer range "24 al 26 de noviembre".
    joiner = "y" if (end - start).days == 1 else "al"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} {joiner} {end.day} de {months[start.month - 1]} de {start.year}"
    if start.year == end.year:
        return f"{start.day} de {months[start.month - 1]} {joiner} {end.day} de {months[end.month - 1]} de {start.year}"
    return f"{format_date(start, lang)} al {format_date(end, lang)}"


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def core_message(message: str, lang: str) -> str:
    """The part of a core error message in ``lang``.

    The core words user-facing errors as ``"<Spanish> / <English>"`` (index.query); a page shows one
    language. A message without exactly one separator is shown whole.
    """
    parts = message.split(" / ")
    if len(parts) != 2:
        return message
    return (parts[1] if lang == "en" else parts[0]).strip()


def language_name(code: str | None, lang: str) -> str:
    if not code:
        return translate(lang, "unknown")
    return LANGUAGE_NAMES.get(lang, {}).get(code, code)


def body_name(key: str | None, lang: str) -> str | None:
    """The display name of a CRM body from its key (ingest.bodies); the key itself when unknown."""
    if not key:
        return None
    try:
        from ingest.bodies import BODIES
    except ImportError:  # the registry of bodies is optional for the UI: fall back to the key
        return key
    body = BODIES.get(key)
    if body is None:
        return key
    return (getattr(body, "name_en", None) if lang == "en" else None) or getattr(body, "name_es", None) or key


def specific_body_name(key: str | None, lang: str) -> str | None:
    """Like ``body_name``, but None for the catch-all "other" body, which says nothing in a heading or citation."""
    return None if key in (None, "", "other") else body_name(key, lang)


def country_name(name: str | None, lang: str) -> str | None:
    """A country as the page names it: its glossary name in ``lang`` ("México" -> "Mexico" in English,
    "the Dominican Republic" -> "República Dominicana" in Spanish); a name the glossary does not know
    as a country is shown as given."""
    if not name:
        return name
    from archive.glossary import glossary

    entity = glossary().lookup(name)
    return entity.name(lang) if entity is not None and entity.kind == "country" else name


def agreement_name(label: str, lang: str) -> str:
    """``acuerdo 2.d`` / ``agreement 2.d``; the preamble has its own word."""
    if label == "preamble":
        return translate(lang, "preamble")
    if label[:1] == "p" and label[1:2].isdigit():  # a paragraph of a report that numbers nothing: "p3-1"
        return f"{translate(lang, 'paragraph')} {label[1:]}"
    return f"{translate(lang, 'agreement')} {label}"


def citation(body: str | None, city: str | None, when: date | str | None, label: str, lang: str,
             title: str | None = None) -> str:
    """A ready citation: ``<body>, <city>, <date>, acuerdo <label>``; missing parts are left out.

    ``body`` is best the registered name of the body (``specific_body_name``), which is properly cased;
    the title as written is the fallback.
    """
    parts = [body or title, city, format_date(when, lang), agreement_name(label, lang)]
    return ", ".join(p for p in parts if p)
