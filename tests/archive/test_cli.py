"""The command group end to end, on real files, through click's runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.backends import Backend
from tests.conftest import MANAGUA, TELA, export, open_archive, run_cli


def test_every_command_has_help(data_dir: Path) -> None:
    from archive.cli import cli

    for name in cli.commands:
        code, out, _ = run_cli(data_dir, name, "--help")
        assert code == 0 and "Usage:" in out, name


def test_ingest_then_export_gives_the_seed_structures(data_dir: Path, seeds_dir: Path) -> None:
    code, out, _ = run_cli(data_dir, "ingest", str(seeds_dir))
    assert code == 0
    assert "added 2, unchanged 0, updated 0, failed 0" in out
    reports = {r["source"]: r for r in export(data_dir)["reports"]}
    for seed in (MANAGUA, TELA):
        expected = json.loads(seed.with_suffix(".expected.json").read_text(encoding="utf-8"))
        got = reports[seed.name]
        assert [a["label"] for a in got["agreements"]] == expected["labels"]
        for key in ("city", "country", "date", "year", "body_key"):
            assert got[key] == expected["meeting"][key], key
        assert got["participant_keys"] == expected["meeting"]["participants"]
        assert got["language"] == expected["language"]
        assert got["format"] == "txt" and len(got["sha256"]) == 64
        preamble = got["agreements"][0]
        assert preamble["label"] == "preamble" and preamble["parent"] is None
    managua = reports[MANAGUA.name]
    assert len(managua["participants"]) == 11 and managua["date"] == "2014-11-24"
    assert {a["label"]: a["parent"] for a in managua["agreements"]}["2.d"] == "2"
    assert len(reports[TELA.name]["participants"]) == 10


def test_second_ingest_is_a_no_op(data_dir: Path, seeds_dir: Path) -> None:
    run_cli(data_dir, "ingest", str(seeds_dir))
    before = export(data_dir)
    code, out, _ = run_cli(data_dir, "ingest", "--json", str(seeds_dir))
    assert code == 0
    summary = json.loads(out)
    assert (summary["added"], summary["unchanged"], summary["updated"], summary["failed"]) == (0, 2, 0, 0)
    assert export(data_dir) == before


def test_a_corrupt_pdf_fails_alone_with_its_reason(data_dir: Path, seeds_dir: Path) -> None:
    (seeds_dir / "roto.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage")
    code, out, err = run_cli(data_dir, "ingest", str(seeds_dir))
    assert code == 1
    assert "added 2, unchanged 0, updated 0, failed 1" in out
    failure = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failure) == 1 and "roto.pdf" in failure[0] and "PDF" in failure[0]
    assert len(export(data_dir)["reports"]) == 2


def test_changed_file_with_same_name_is_updated_and_old_original_kept(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / "informe.txt"
    shutil.copy(TELA, target)
    run_cli(data_dir, "ingest", str(folder))
    first = export(data_dir)["reports"][0]
    target.write_text(TELA.read_text(encoding="utf-8") + "\n5. Se acuerda un punto nuevo sobre retornos.\n",
                      encoding="utf-8")
    code, out, _ = run_cli(data_dir, "ingest", str(folder))
    assert code == 0 and "updated 1" in out
    second = export(data_dir)["reports"]
    assert len(second) == 1 and second[0]["id"] == first["id"]
    assert second[0]["agreements"][-1]["label"] == "5"
    with open_archive(data_dir) as archive:
        assert {first["sha256"], second[0]["sha256"]} <= archive.store.hashes()
    code, out, _ = run_cli(data_dir, "search", "--json", "retornos")
    assert json.loads(out)["total"] == 1


def test_sidecar_overrides_extracted_fields(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TELA, folder / "tela.txt")
    (folder / "tela.txt.meta.json").write_text(json.dumps({"city": "La Ceiba", "date": "2008-05-07"}))
    code, _, _ = run_cli(data_dir, "ingest", str(folder))
    assert code == 0
    report = export(data_dir)["reports"][0]
    assert report["city"] == "La Ceiba" and report["date"] == "2008-05-07" and report["country"] == "Honduras"


def test_list_show_stats_on_the_corpus(ingested_data: Path) -> None:
    code, out, _ = run_cli(ingested_data, "list")
    assert code == 0 and "Managua" in out and "Tela" in out and "2008" in out
    code, out, _ = run_cli(ingested_data, "show", "000_cf50010547db6d03")
    assert code == 0 and "[2.d]" in out and "Managua, Nicaragua" in out
    code, out, _ = run_cli(ingested_data, "show", "--json", "003_5b39909ca16edb25")
    assert json.loads(out)["city"] == "Tela"
    code, out, _ = run_cli(ingested_data, "stats", "--json")
    stats = json.loads(out)
    assert stats["reports"] == stats["indexed_reports"] >= 2
    assert stats["agreements"] == 20  # Managua: preamble + 14 points and sub-points; Tela: preamble + 4


def test_unknown_report_is_a_one_line_error(ingested_data: Path) -> None:
    code, _, err = run_cli(ingested_data, "show", "no-such-report")
    assert code == 1 and "no report with id 'no-such-report'" in err and "Traceback" not in err


def test_a_file_name_given_for_a_report_id_is_answered_with_its_id(ingested_data: Path) -> None:
    code, _, err = run_cli(ingested_data, "show", "corpus/000_cf50010547db6d03.txt")
    assert code == 1 and "the report of the file 'corpus/000_cf50010547db6d03.txt' has the id '000_cf50010547db6d03'" in err
    code, out, _ = run_cli(ingested_data, "precedents", "--json", "000_cf50010547db6d03.txt", "5")
    assert code == 1 and "has the id '000_cf50010547db6d03'" in json.loads(out)["error"]
    code, _, err = run_cli(ingested_data, "show", "no-such-report.txt")
    assert code == 1 and "has the id" not in err  # no file of that name: the plain error


def test_search_precedents_timeline_and_reindex(ingested_data: Path, tmp_path: Path, backend: Backend) -> None:
    data = backend.copy_node(ingested_data, tmp_path / "copy")
    code, out, _ = run_cli(data, "search", "--json", "RROCM")
    result = json.loads(out)
    found = {(h["report_id"], h["label"]) for h in result["hits"]}
    assert {("003_5b39909ca16edb25", "3"), ("000_cf50010547db6d03", "5")} <= found
    assert result["by_year"] == {"2008": 1, "2014": 1}
    code, out, _ = run_cli(data, "search", "rrocm")
    assert code == 0 and "Managua" in out and "[5]" in out
    code, out, _ = run_cli(data, "precedents", "--json", "000_cf50010547db6d03", "5")
    assert ("003_5b39909ca16edb25", "3") in {(p["report_id"], p["label"]) for p in json.loads(out)["precedents"]}
    code, out, _ = run_cli(data, "timeline", "--json", "rrocm")
    assert [y["year"] for y in json.loads(out)["years"] if y["agreements"]] == [2008, 2014]
    code, out, _ = run_cli(data, "reindex")
    assert code == 0 and "rebuilt" in out
    code, out, _ = run_cli(data, "reindex", "--if-needed")
    assert code == 0 and "up to date" in out
    code, out, _ = run_cli(data, "check")
    assert code == 0 and out.strip().endswith("ok")


@pytest.mark.parametrize("query", ['"((', "AND", "*", "x" * 10_000, "año:abc", "\x00\u202e"])
def test_hostile_queries_never_print_a_traceback(ingested_data: Path, query: str) -> None:
    code, out, err = run_cli(ingested_data, "search", "--json", query)
    assert "Traceback" not in out + err
    assert code in (0, 2)
    if code == 0:
        assert "total" in json.loads(out)
    else:
        assert set(json.loads(out)) == {"error"}  # with --json, an error is JSON too


def test_index_lost_is_detected_and_repaired(ingested_data: Path, tmp_path: Path, backend: Backend) -> None:
    data = backend.copy_node(ingested_data, tmp_path / "copy")
    shutil.rmtree(data / "index")
    code, out, _ = run_cli(data, "check")
    assert code == 1 and "index" in out
    code, out, _ = run_cli(data, "check", "--repair")
    assert code == 0 and "repaired" in out
    code, out, _ = run_cli(data, "search", "--json", "RROCM")
    assert json.loads(out)["total"] == 2


@pytest.mark.parametrize("fmt", ["pdf", "two-column pdf", "docx"])
def test_pdf_and_docx_versions_of_the_seeds_give_the_same_structure(data_dir: Path, tmp_path: Path,
                                                                    fmt: str) -> None:
    from tests.fixtures_docs import seed_to_docx, seed_to_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    for seed in (MANAGUA, TELA):
        if fmt == "docx":
            seed_to_docx(seed, folder / f"{seed.stem}.docx")
        else:
            seed_to_pdf(seed, folder / f"{seed.stem}.pdf", two_columns=fmt.startswith("two"))
    code, out, err = run_cli(data_dir, "ingest", str(folder))
    assert code == 0, out + err
    reports = {Path(r["source"]).stem: r for r in export(data_dir)["reports"]}
    for seed in (MANAGUA, TELA):
        expected = json.loads(seed.with_suffix(".expected.json").read_text(encoding="utf-8"))
        got = reports[seed.stem]
        assert got["format"] == fmt.split()[-1]
        assert [a["label"] for a in got["agreements"]] == expected["labels"]
        for key in ("city", "country", "date", "year", "body_key"):
            assert got[key] == expected["meeting"][key], key
        assert got["participant_keys"] == expected["meeting"]["participants"]
        assert got["language"] == "es"
        assert all(isinstance(a["page"], int) and a["page"] >= 1 for a in got["agreements"])
    if fmt != "docx":  # the fixture breaks a page inside a point: later points are on page 2
        assert reports[MANAGUA.stem]["agreements"][-1]["page"] >= 2


def test_search_limit_goes_up_to_1000(tmp_path: Path) -> None:
    """--limit documents 1..1000: a page of more than 200 hits (the core's old cap) is served whole."""
    folder = tmp_path / "src"
    folder.mkdir()
    points = "\n\n".join(f"{n}. Fortalecer la cooperación contra la trata de personas, acción {n}." for n in range(1, 301))
    (folder / "grande.txt").write_text(
        "INFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\n\n"
        "Tela, Honduras\n6 de mayo de 2008\n\nEl Grupo acordó lo siguiente:\n\n" + points + "\n", encoding="utf-8")
    data = tmp_path / "data"
    code, out, err = run_cli(data, "ingest", str(folder))
    assert code == 0, out + err
    code, out, err = run_cli(data, "search", "trata", "--limit", "1000", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["total"] == 300 and len(result["hits"]) == 300 and result["per_page"] == 1000
    code, out, err = run_cli(data, "search", "trata", "--limit", "250", "--page", "2", "--json")
    assert code == 0, err
    assert len(json.loads(out)["hits"]) == 50
    code, _out, err = run_cli(data, "search", "trata", "--limit", "1001")
    assert code == 2 and "1001" in err


@pytest.mark.parametrize("query", ["año:abc", "año:", "AND"])
def test_a_query_error_is_one_line_not_a_usage_block(ingested_data: Path, query: str) -> None:
    code, _out, err = run_cli(ingested_data, "search", query)
    assert code == 2 and "Error:" in err
    assert "Usage:" not in err and "--help" not in err


def test_search_lists_each_meeting_once_with_its_hits(ingested_data: Path) -> None:
    """Hits ranked across meetings interleave them; the listing shows a meeting once, its hits together,
    in the order of its best hit (as the web does)."""
    code, out, _ = run_cli(ingested_data, "search", "--json", "migra*")
    ranked = [h["report_id"] for h in json.loads(out)["hits"]]
    assert len(set(ranked)) >= 2
    code, out, _ = run_cli(ingested_data, "search", "migra*")
    assert code == 0
    headers = [line.rsplit(" · ", 1)[-1] for line in out.splitlines() if " · " in line and not line.startswith(" ")]
    assert headers == list(dict.fromkeys(ranked))
    listed = [line for line in out.splitlines() if line.startswith("  [")]
    assert len(listed) == len(ranked)


def test_a_query_that_starts_with_a_dash_goes_after_double_dash(ingested_data: Path) -> None:
    code, out, _ = run_cli(ingested_data, "search", "--help")
    assert "search -- '-pais:honduras migrantes'" in " ".join(out.split())
    code, out, err = run_cli(ingested_data, "search", "--json", "--", "-pais:honduras migrantes")
    assert code == 0, err
    assert json.loads(out)["total"] > 0


# -- the same input read as the web and the API read it -----------------------------------------------

def _search_json(data: Path, *args: str) -> tuple[int, dict, str]:
    code, out, err = run_cli(data, "search", "--json", *args)
    return code, json.loads(out), err


@pytest.mark.parametrize("year", ["0", "99999", "1850", "2101", "abc", "2008-2200", "-", "2014-abc"])
def test_a_year_outside_1900_2100_or_not_a_year_is_refused_naming_year(ingested_data: Path, year: str) -> None:
    code, _out, err = run_cli(ingested_data, "search", "migrantes", "--year", year)
    assert code == 2 and "--year" in err and "1900" in err and "2100" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize(("year", "years"), [
    ("2008", {"2008"}), ("2008-2014", {"2008", "2014"}), ("2008..2014", {"2008", "2014"}),
    ("2010-", {"2014"}), ("2010..", {"2014"}), ("-2010", {"2008"}), ("..2010", {"2008"}),
])
def test_year_takes_a_year_a_range_or_an_open_range(ingested_data: Path, year: str, years: set[str]) -> None:
    code, result, err = _search_json(ingested_data, "", "--year", year)
    assert code == 0, err
    assert set(result["by_year"]) == years and result["total"] > 0


def test_search_help_documents_the_open_ranges(data_dir: Path) -> None:
    code, out, _ = run_cli(data_dir, "search", "--help")
    text = " ".join(out.split())
    assert code == 0 and "from a year on (2010-)" in text and "up to one (-2010)" in text


def test_a_year_range_written_backwards_is_read_the_right_way_round_and_said_so(ingested_data: Path) -> None:
    code, backwards, err = _search_json(ingested_data, "migrantes", "--year", "2014-2008")
    assert code == 0, err
    assert "reversed" in err and "2008-2014" in err
    _, forwards, forward_err = _search_json(ingested_data, "migrantes", "--year", "2008-2014")
    assert backwards == forwards and "reversed" not in forward_err


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_without_a_filter_is_refused_as_the_api_refuses_it(ingested_data: Path, query: str) -> None:
    code, out, err = run_cli(ingested_data, "search", query)
    assert code == 2 and "give a query or at least one filter" in err and "agreements" not in out
    assert "Usage:" not in err


def test_an_empty_query_with_a_filter_lists_the_filtered_agreements(ingested_data: Path) -> None:
    code, result, err = _search_json(ingested_data, "  ", "--year", "2014")
    assert code == 0, err
    assert result["by_year"] == {"2014": result["total"]} and result["total"] > 0
    code, out, err = run_cli(ingested_data, "search", "", "--lang", "es")
    assert code == 0 and "agreements" in out, err


def test_a_search_that_finds_nothing_says_what_translate_finds(ingested_data: Path) -> None:
    code, out, err = run_cli(ingested_data, "search", "migrant smuggling")  # in no report as written
    _, translated, _ = _search_json(ingested_data, "migrant smuggling", "--translate")
    assert code == 0 and out.startswith("0 agreements"), err
    assert translated["total"] > 0
    assert f"with --translate (the other language's equivalents): {translated['total']} agreements" in out
    _, plain, _ = _search_json(ingested_data, "migrant smuggling")
    assert plain["translated_total"] == translated["total"] and translated["translated_total"] is None


def test_an_empty_timeline_term_is_refused(ingested_data: Path) -> None:
    code, out, err = run_cli(ingested_data, "timeline", " ")
    assert code == 2 and "give a term" in err and not out


@pytest.mark.parametrize(("args", "code", "wording"), [
    (["search", "--json", "migrantes", "--year", "0"], 2, "--year"),
    (["search", "--json", ""], 2, "give a query or at least one filter"),
    (["search", "--json", "año:abc"], 2, "Invalid year"),
    (["search", "--json", "trata", "--limit", "1001"], 2, "1001"),
    (["search", "--json"], 2, "QUERY"),
    (["search", "--json", "trata", "--sort", "nope"], 2, "nope"),
    (["timeline", "--json", ""], 2, "give a term"),
    (["timeline", "--json", "AND"], 2, "no words"),
    (["show", "--json", "no-such-report"], 1, "no-such-report"),
    (["precedents", "--json", "no-such-report", "1"], 1, "no-such-report"),
    (["commitments", "--json", "--actor", "nobody"], 2, "not a glossary key"),
    (["commitments", "--json", "--year", "1850"], 2, "--year"),
    (["glossary", "--json", "--kind", "nope"], 2, "nope"),
    (["list", "--json", "--nope"], 2, "--nope"),
])
def test_with_json_an_error_is_a_json_object_on_stdout(ingested_data: Path, args: list[str], code: int,
                                                        wording: str) -> None:
    got, out, err = run_cli(ingested_data, *args)
    assert got == code, out + err
    assert set(json.loads(out)) == {"error"} and wording in json.loads(out)["error"]
    assert "Usage:" not in out + err and "Traceback" not in out + err


def test_without_json_an_error_stays_plain_text(ingested_data: Path) -> None:
    code, out, err = run_cli(ingested_data, "show", "no-such-report")
    assert code == 1 and not out and err.startswith("Error: ")
    code, out, _ = run_cli(ingested_data, "--help")
    assert '{"error": "..."}' in out


def test_a_timeline_that_finds_nothing_offers_the_search_s_did_you_mean(ingested_data: Path) -> None:
    code, out, _ = run_cli(ingested_data, "search", "--json", "migrantez")
    assert json.loads(out)["total"] == 0 and json.loads(out)["suggestion"] == "migrantes"
    code, out, err = run_cli(ingested_data, "timeline", "migrantez")
    assert code == 0, err
    assert "no matches" in out and "did you mean: migrantes" in out
    code, out, err = run_cli(ingested_data, "timeline", "--json", "migrantez")
    assert code == 0, err
    timeline = json.loads(out)
    assert timeline["total"] == 0 and timeline["suggestion"] == "migrantes"
    code, out, _ = run_cli(ingested_data, "timeline", "--json", "migrantes")
    assert json.loads(out)["total"] > 0 and json.loads(out)["suggestion"] is None


# -- start-up ------------------------------------------------------------------------------------------

def test_the_command_group_loads_without_the_index_or_the_ingest_path() -> None:
    """`crm-archive --help` (and every usage error) must not wait ~0.9 s for numpy, Whoosh, the extractors and
    the commitment reader: the commands import them when they run."""
    import subprocess
    import sys

    heavy = ("numpy", "whoosh", "pdfminer", "docx", "PIL", "flask", "index", "ingest.pipeline", "ingest.commitments",
             "archive.archive", "archive.ingesting")
    probe = f"import sys; import archive.cli; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_ingest_help_still_shows_the_limits_defaults(data_dir: Path) -> None:
    from archive.ingesting import Limits

    code, out, _ = run_cli(data_dir, "ingest", "--help")
    text = " ".join(out.split())
    assert code == 0
    limits = Limits()
    for value in (limits.max_bytes, limits.timeout, limits.workers):
        assert f"default: {value}" in text
