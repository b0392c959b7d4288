"""CSV cells a spreadsheet would run as a formula stay text, whatever comes before the formula character."""

import csv
import io

import pytest

from wareview.lib.spreadsheet import csv_writer, spreadsheet_cell, spreadsheet_text

FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        (" =1+2", " '=1+2"),
        ("\n=1+2", "\n'=1+2"),
        ('"=1+2', "\"'=1+2"),
        ("\t=1", "'\t'=1"),
        ("\rx", "'\rx"),
        ("＝1+2", "'＝1+2"),
        ("Later; =HYPERLINK(x)", "Later; '=HYPERLINK(x)"),
        ("first line\n@cmd", "first line\n'@cmd"),
    ],
)
def test_a_formula_a_spreadsheet_could_run_gets_a_quote_in_front(value, safe):
    assert spreadsheet_text(value) == safe


@pytest.mark.parametrize("value", ["", "Checkout", "a = b", "x-1", "50 %", "a, =b"])
def test_plain_text_is_left_as_it_is(value):
    assert spreadsheet_text(value) == value


def test_numbers_stay_numbers():
    assert spreadsheet_cell(-3) == -3 and spreadsheet_cell("-3") == "'-3"


def starts_a_formula(cell: str) -> bool:
    return cell.lstrip(' \t\r\n"').startswith(FORMULA_STARTS)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_spreadsheet_that_splits_on_commas_or_semicolons_starts_no_cell_at_a_formula(delimiter):
    output = io.StringIO()
    row = ['caching;=HYPERLINK("x")', "a; -1", 'two\n"=lines"', " @x"]
    csv_writer(output).writerow([spreadsheet_text(value) for value in row])
    text = output.getvalue()
    cells = [cell for line in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in line]
    cells += [cell for line in text.splitlines() for cell in line.split(delimiter)]  # a reader ignoring quotes
    assert not [cell for cell in cells if starts_a_formula(cell)]
