"""CSV that a spreadsheet opens as text: no cell is ever read as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (also after spaces, line breaks or a double quote,
and in their full-width forms), or with a tab or carriage return; such a cell gets a quote in front, which keeps it
text. Where the decimal mark is a comma, spreadsheets split a CSV file on `;` and may not honour its double quotes,
so a `;` or a line break inside a cell can start a new cell: a formula character after one gets a quote in front
too (`Later; '=HYPERLINK(…)`). Every cell is written between double quotes.
"""

import csv
import re
from typing import IO, Any

FORMULA_CHARACTERS = "=+\\-@＝＋－＠"
CONTROL_STARTS = ("\t", "\r")
# A formula character where a spreadsheet may start a cell: at the start, or after `;`, a tab or a line break,
# with spaces or double quotes between.
FORMULA_AT_A_CELL_START = re.compile(rf"(^|[;\t\r\n])([\s\"]*)(?=[{FORMULA_CHARACTERS}])")


def spreadsheet_text(value: str) -> str:
    """`value`, with a quote in front of each formula a spreadsheet could run."""
    if value.startswith(CONTROL_STARTS):
        value = "'" + value
    return FORMULA_AT_A_CELL_START.sub(r"\1\2'", value)


def spreadsheet_cell(value: object) -> object:
    """A cell of any type: text made safe by `spreadsheet_text`, numbers as they are."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def csv_writer(output: IO[str]) -> Any:
    """A writer that quotes every cell and ends lines the way spreadsheets and importers expect."""
    return csv.writer(output, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def csv_dict_writer(output: IO[str], fieldnames: list[str]) -> csv.DictWriter:
    return csv.DictWriter(output, fieldnames=fieldnames, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
