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
