from hypothesis import given
from hypothesis import strategies as st

from lessons import markup


def test_spans_split_numbers_and_code() -> None:
    text = "Max {{256 KB}} per message; call `ChangeMessageVisibility` to extend."
    assert list(markup.spans(text)) == [
        ("text", "Max "),
        ("number", "256 KB"),
        ("text", " per message; call "),
        ("code", "ChangeMessageVisibility"),
        ("text", " to extend."),
    ]
    assert markup.plain(text) == "Max 256 KB per message; call ChangeMessageVisibility to extend."
    assert markup.key_numbers(text) == ["256 KB"]


def test_unbalanced_marks_are_reported() -> None:
    assert markup.unbalanced("fine {{1}} and `x`") is None
    assert markup.unbalanced("broken {{1} here") == "unbalanced {{ }} number mark"
    assert markup.unbalanced("broken `x here") == "unbalanced ` code mark"
    assert markup.unbalanced("${VariableName} is fine") is None


def test_update_heading_without_a_known_date() -> None:
    assert markup.update_heading("Dec 2020") == "Update (since Dec 2020)"
    assert markup.update_heading("\u2014") == "Update"
    assert markup.update_heading("") == "Update"


@given(st.text(alphabet="ab {}`1", max_size=30))
def test_plain_is_the_text_of_its_spans(text: str) -> None:
    assert markup.plain(text) == "".join(piece for _, piece in markup.spans(text))


def test_fold_ignores_markup_case_and_spacing_but_not_punctuation() -> None:
    assert markup.fold("  Elastic  Network {{Interface}} ") == "elastic network interface"
    assert markup.fold("`SSE-KMS`") == "sse-kms"
    assert markup.fold("SSE-KMS") != markup.fold("SSE KMS")
