"""factsheets.load: plain YAML only, with the line and column of every key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsheets.load import MAX_FILE_BYTES, dotted, load_yaml, read_bytes
from factsheets.problems import InvalidInput, Problem

NAME = "data/cards/x.yml"


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def problems_of(tmp_path: Path, content: str | bytes) -> list[Problem]:
    with pytest.raises(InvalidInput) as raised:
        load_yaml(write(tmp_path, content), tmp_path)
    return raised.value.problems


def only_problem(tmp_path: Path, content: str | bytes) -> Problem:
    problems = problems_of(tmp_path, content)
    assert len(problems) == 1, problems
    return problems[0]


# --- positions -----------------------------------------------------------------------------


def test_values_and_keys_keep_their_line_and_column(tmp_path):
    text = "a: 1\nb:\n  c: text\n  d:\n    - x\n    - {e: 2}\n"
    document = load_yaml(write(tmp_path, text), tmp_path)

    assert document.file == NAME
    assert document.data == {"a": 1, "b": {"c": "text", "d": ["x", {"e": 2}]}}
    assert document.keys[("a",)] == (1, 1)
    assert document.values[("a",)] == (1, 4)
    assert document.keys[("b", "c")] == (3, 3)
    assert document.values[("b", "c")] == (3, 6)
    assert document.values[("b", "d", 0)] == (5, 7)
    assert document.values[("b", "d", 1, "e")] == (6, 11)
    assert document.keys[("b", "d", 1, "e")] == (6, 8)


def test_position_falls_back_to_the_closest_ancestor(tmp_path):
    document = load_yaml(write(tmp_path, "a: 1\nb:\n  c: 2\n"), tmp_path)

    assert document.position(("b", "missing")) == (3, 3)  # b's value: the map that starts at c
    assert document.position(("b", "c"), of_key=True) == (3, 3)
    assert document.position(("b", "c")) == (3, 6)
    assert document.position(("nowhere", "deep")) == (1, 1)


def test_dotted_writes_field_paths_as_editors_do():
    assert dotted(("organisations", 0, "name")) == "organisations[0].name"
    assert dotted(("budget", "total_meur")) == "budget.total_meur"
    assert dotted(()) == ""


def test_a_file_outside_root_keeps_its_own_path(tmp_path):
    path = write(tmp_path, "a: [")
    elsewhere = tmp_path / "unrelated"
    elsewhere.mkdir()
    with pytest.raises(InvalidInput) as raised:
        load_yaml(path, elsewhere)
    assert raised.value.problems[0].file == path.as_posix()


# --- duplicate keys ------------------------------------------------------------------------


def test_duplicate_key_names_its_place_and_the_first_line(tmp_path):
    problem = only_problem(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n")
    assert problem == Problem(NAME, 4, 3, "b.c", "duplicate key 'c' (first given on line 3): keep one of them")


def test_every_duplicate_key_is_reported(tmp_path):
    problems = problems_of(tmp_path, "id: a\nkind: x\nid: b\nkind: y\n")
    assert [str(p) for p in problems] == [
        "data/cards/x.yml:3:1: id: duplicate key 'id' (first given on line 1): keep one of them",
        "data/cards/x.yml:4:1: kind: duplicate key 'kind' (first given on line 2): keep one of them",
    ]


def test_a_key_that_is_not_a_name_is_refused(tmp_path):
    problem = only_problem(tmp_path, "a: 1\n2: two\n")
    assert (problem.line, problem.col, problem.field) == (2, 1, "")
    assert "keys must be names, got 2" in problem.message


# --- tags, anchors, aliases ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "shown"),
    [
        ("a: 1\nb: !!python/object:os.system x\n", 2, 4, "tag:yaml.org,2002:python/object:os.system"),
        ("a: !!python/object/apply:os.system ['ls']\n", 1, 4, "python/object/apply:os.system"),
        ("a: 1\nb: !foo x\n", 2, 4, "!foo"),
        ("a: !!str 12\n", 1, 4, "tag:yaml.org,2002:str"),
        ("!foo a: 1\n", 1, 1, "!foo"),
    ],
)
def test_tags_are_refused_where_they_appear(tmp_path, text, line, col, shown):
    problem = only_problem(tmp_path, text)
    assert (problem.file, problem.line, problem.col, problem.field) == (NAME, line, col, "")
    assert "YAML tags" in problem.message
    assert shown in problem.message


def test_anchors_are_refused_with_their_place(tmp_path):
    problem = only_problem(tmp_path, "a: 1\nb: &x 2\nc: *x\n")
    assert problem == Problem(NAME, 2, 4, "", "anchors (&x) are not allowed; write the value out")


def test_an_anchor_on_a_map_is_refused(tmp_path):
    problem = only_problem(tmp_path, "a: &base\n  b: 1\n")
    assert (problem.line, problem.col) == (1, 4)
    assert "anchors (&base)" in problem.message


def test_aliases_are_refused_with_their_place(tmp_path):
    problem = only_problem(tmp_path, "a: 1\nb:\n  c: *x\n")
    assert problem == Problem(NAME, 3, 6, "", "aliases (*x) are not allowed; write the value out")


def test_billion_laughs_stops_at_the_first_anchor(tmp_path):
    laughs = 'a: &a ["lol", "lol"]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n'
    problem = only_problem(tmp_path, laughs)
    assert (problem.line, problem.col) == (1, 4)
    assert "anchors (&a)" in problem.message


# --- syntax errors -------------------------------------------------------------------------


def test_syntax_error_reports_the_line_and_column_of_the_error(tmp_path):
    problem = only_problem(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert (problem.file, problem.line, problem.col, problem.field) == (NAME, 2, 4, "")  # the [ left open
    assert problem.message == "the [ that starts here is not closed: end it with ]"


def test_a_tab_for_indentation_is_reported_at_the_tab(tmp_path):
    problem = only_problem(tmp_path, "a:\n  b: 1\n\tc: 2\n")
    assert (problem.line, problem.col) == (3, 1)
    assert problem.message.startswith("a tab in the indentation")


def test_two_documents_in_one_file_are_refused(tmp_path):
    problem = only_problem(tmp_path, "a: 1\n---\nb: 2\n")
    assert (problem.line, problem.col) == (2, 1)
    assert problem.message.startswith("a second document starts here (---)")


def test_a_control_character_does_not_escape_as_an_exception(tmp_path):
    problem = only_problem(tmp_path, "id: x\nkind: \x00\n")
    assert problem.file == NAME
    assert "control character (#x0000)" in problem.message


def test_a_control_character_is_reported_at_its_place(tmp_path):
    problem = only_problem(tmp_path, "id: x\nkind: \x07\n")
    assert (problem.line, problem.col) == (2, 7)


def test_deep_nesting_is_refused_without_a_crash(tmp_path):
    problem = only_problem(tmp_path, "a: " + "[" * 50_000)
    assert problem.file == NAME
    assert problem.line == 1


# --- encoding, size, empty files -----------------------------------------------------------


def test_latin1_bytes_name_the_line_and_column_of_the_bad_byte(tmp_path):
    problem = only_problem(tmp_path, b"id: x\ntitle: caf\xe9\n")
    assert (problem.file, problem.line, problem.col, problem.field) == (NAME, 2, 11, "")
    assert "not UTF-8" in problem.message
    assert "0xe9" in problem.message


def test_utf16_is_not_utf8(tmp_path):
    problem = only_problem(tmp_path, "id: x\n".encode("utf-16"))
    assert (problem.line, problem.col) == (1, 1)
    assert "not UTF-8 (byte 0xff)" in problem.message


def test_a_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path):
    document = load_yaml(write(tmp_path, "\ufeffid: x\n".encode()), tmp_path)
    assert document.data == {"id": "x"}
    assert document.keys[("id",)] == (1, 1)


def test_a_file_over_the_limit_is_refused_before_it_is_parsed(tmp_path):
    problem = only_problem(tmp_path, b"a: " + b"[" * MAX_FILE_BYTES)
    assert (problem.file, problem.line, problem.col, problem.field) == (NAME, 1, 1, "")
    assert f"at most {MAX_FILE_BYTES:,} bytes" in problem.message


def test_a_file_of_exactly_the_limit_is_read(tmp_path):
    text = "a: 1\n"
    text += "#" * (MAX_FILE_BYTES - len(text))
    assert len(text.encode()) == MAX_FILE_BYTES
    assert load_yaml(write(tmp_path, text), tmp_path).data == {"a": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("  \n\n\t\n", "the file is empty"),
        ("# only a comment\n", "the file holds no data"),
    ],
)
def test_empty_files_are_problems_not_crashes(tmp_path, content, message):
    assert only_problem(tmp_path, content) == Problem(NAME, 1, 1, "", message)


def test_a_value_pyyaml_cannot_build_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "data" / "cards" / "x.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("=: 1\nb: =\n")
    with pytest.raises(InvalidInput) as raised:
        load_yaml(path, tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "data/cards/x.yml:1:1: cannot read '='; put it in quotes",
        "data/cards/x.yml:2:4: b: cannot read '='; put it in quotes",
    ]


def test_a_fraction_with_three_decimals_is_an_ordinary_number(tmp_path):
    path = tmp_path / "data" / "cards" / "x.yml"
    path.parent.mkdir(parents=True)
    path.write_text("a: 0.125\nb: 1.350\n", encoding="utf-8")
    document = load_yaml(path, tmp_path)
    assert document.data["a"] == 0.125
    assert list(document.dotted_thousands) == [("b",)]


# --- only regular files --------------------------------------------------------------------


def test_a_device_is_refused_before_it_is_read():
    with pytest.raises(InvalidInput) as raised:
        read_bytes(Path("/dev/zero"), "data/cards/zero.yml")  # reading it would never end
    assert [str(problem) for problem in raised.value.problems] == ["data/cards/zero.yml:1:1: is a device, not a file"]


def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "x.yml"
    with socket.socket(socket.AF_UNIX) as server, pytest.raises(InvalidInput) as raised:
        server.bind(str(path))
        load_yaml(path, tmp_path)
    assert raised.value.problems[0].message == "is a socket, not a regular file"


def test_a_file_larger_than_the_limit_is_refused_without_reading_it_all(tmp_path):
    path = write(tmp_path, b"a: 1\n" + b"#" * 100)
    with pytest.raises(InvalidInput) as raised:
        read_bytes(path, NAME, limit=50)
    assert "larger than 50 bytes" in raised.value.problems[0].message


def test_a_symlink_is_named_as_itself_never_as_its_target(tmp_path):
    target = tmp_path / "secret-target.yml"
    target.write_text("a: 1\n")
    link = tmp_path / "data" / "cards" / "x.yml"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    with pytest.raises(InvalidInput) as raised:
        load_yaml(link, tmp_path)
    [problem] = raised.value.problems
    assert problem.file == NAME and "secret-target" not in str(problem)
