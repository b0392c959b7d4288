"""Reading a lens file as strict JSON, with errors that say where in the file, in words."""

import json
import re

from wareview.lenses.interchange.errors import LensFileError


class _Constant(ValueError):
    def __init__(self, constant: str) -> None:
        self.constant = constant


# A JSON string (skipped) or a bare constant outside any string (captured).
_STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity)')


def lens_parse(*, text: str | bytes) -> object:
    """Parse a lens file as strict JSON; raise LensFileError saying where it goes wrong, in words."""
    text = _decoded(text).removeprefix("\ufeff")
    if not text.strip():
        raise LensFileError("the file is empty")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _Constant as found:
        line, column = _line_and_column(text, _constant_offset(text))
        raise LensFileError(f"line {line}, column {column}: {found.constant} is not valid JSON") from None
    except json.JSONDecodeError as error:
        raise LensFileError(f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise LensFileError("the JSON is nested too deeply to be a lens") from None


def _decoded(text: str | bytes) -> str:
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LensFileError(f"byte {error.start}: not UTF-8 text ({error.reason})") from None


def _refuse_constant(constant: str) -> object:
    # Python's json accepts NaN and Infinity; JSON (and the AWS tool) does not.
    raise _Constant(constant)


def _constant_offset(text: str) -> int:
    """Where the first NaN or Infinity outside a string is: json.loads does not tell parse_constant."""
    return next(match.start(1) for match in _STRING_OR_CONSTANT.finditer(text) if match.group(1))


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
