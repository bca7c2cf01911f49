"""`crm-archive commitments` and `crm-archive participation` through the real command group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

MANAGUA_ID = "000_cf50010547db6d03"


@pytest.mark.parametrize("command", ["commitments", "participation"])
def test_help(ingested_data: Path, command: str) -> None:
    code, out, _ = run_cli(ingested_data, command, "--help")
    assert code == 0 and "--json" in out


def test_commitments_table_and_json(ingested_data: Path) -> None:
    code, out, _ = run_cli(ingested_data, "commitments", "--actor", "secretaria_tecnica")
    assert code == 0
    assert "2015-03-31" in out and "4.b" in out and "1 commitments" in out and "2015-02-27" not in out
    code, out, _ = run_cli(ingested_data, "commitments", "--json", "--due-before", "2015-02-28")
    data = json.loads(out)
    assert [(c["report_id"], c["label"], c["due"]) for c in data["commitments"]] == [
        (MANAGUA_ID, "2.a", "2015-02-27"), (MANAGUA_ID, "4", "2015-02-27")]
    assert all(c["status"] in ("overdue", "pending") for c in data["commitments"])


def test_commitments_refuses_an_unknown_actor(ingested_data: Path) -> None:
    code, _, err = run_cli(ingested_data, "commitments", "--actor", "nobody")
    assert code == 2 and "not a glossary key" in err


def test_participation_table(ingested_data: Path) -> None:
    code, out, _ = run_cli(ingested_data, "participation")
    assert code == 0
    lines = out.splitlines()
    tela = next(line for line in lines if line.startswith("2008-05-06"))
    managua = next(line for line in lines if line.startswith("2014-11-24"))
    assert tela.split()[-1] == "10" and managua.split()[-1] == "11"
    assert tela.split()[2] == "." and managua.split()[2] == "P"  # Belize: absent at Tela, present at Managua
    assert "beli=Belice" in out


@pytest.mark.parametrize("body", ["red_trafico_trata", "Red de Funcionarios de Enlace para el Combate al Tráfico "
                                  "Ilícito de Migrantes y la Trata de Personas", "  red_trafico_trata "])
def test_participation_takes_a_body_by_key_or_name(ingested_data: Path, body: str) -> None:
    code, out, err = run_cli(ingested_data, "participation", "--body", body, "--json")
    assert code == 0, err
    assert {m["report_id"] for m in json.loads(out)["meetings"]} == {"000_cf50010547db6d03", "003_5b39909ca16edb25"}


def test_participation_refuses_a_body_that_is_none_as_commitments_refuses_an_actor(ingested_data: Path) -> None:
    """`participation --body red` (a key half typed) printed an empty matrix with exit status 0."""
    code, out, err = run_cli(ingested_data, "participation", "--body", "red")
    assert code == 2 and "'red' is not a body" in err and "red_trafico_trata" in err, out + err
    code, out, _ = run_cli(ingested_data, "participation", "--body", "red", "--json")
    assert code == 2 and "is not a body" in json.loads(out)["error"]
    code, out, _ = run_cli(ingested_data, "participation", "--body", "", "--json")  # empty: no filter
    assert code == 0 and len(json.loads(out)["meetings"]) == 2
