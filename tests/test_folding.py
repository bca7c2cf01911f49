"""The one folding rule, in its two forms, agrees with itself."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.folding import fold, fold_in_place


@pytest.mark.parametrize("text, folded", [
    ("Declaración", "declaracion"), ("MIGRACIÓN", "migracion"), ("Secretaría Técnica", "secretaria tecnica"),
    ("niñez", "ninez"), ("Año", "ano"), ("PAÍSES", "paises"), ("Canadá", "canada"), ("Pro-Tempore", "pro-tempore"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded == fold_in_place(text)


@given(st.text())
def test_fold_in_place_keeps_length(text: str) -> None:
    assert len(fold_in_place(text)) == len(text)


@given(st.text(alphabet=st.sampled_from("abcñÑáéíóúüÁÉÍÓÚÜ -.,;:()0123456789 ABCXYZ\n\u2013")))
def test_both_forms_agree_on_report_text(text: str) -> None:
    assert fold_in_place(text) == fold(text)
