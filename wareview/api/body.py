"""How the API reads a request's JSON body: one place that refuses, with words, any body the endpoints could not
take, before a schema or a form sees it.

- Not UTF-8, or not JSON: a 400 that says where it stops being JSON.
- Not a JSON object (`[…]`, `"text"`, a number): every endpoint that takes a body takes an object.
- Nested deeper than Python's recursion allows (`[[[[…]]]]`): no field of any endpoint nests that deep.
- A lone surrogate anywhere, in a value or a key: JSON can spell half of a UTF-16 pair on its own (`"\\ud800"`),
  which is no character; Python keeps it, and the first thing to encode it as UTF-8 (a form's check, the
  database's driver) fails with a UnicodeEncodeError. A whole pair (`"\\ud83d\\ude80"`) is read as the one
  character it spells, as any JSON reader does.

ninja turns an error raised here into its own 400 with vague words; api.py answers `BodyRefused` with the words
given here instead.
"""

import json
import re

from django.http import HttpRequest
from ninja.parser import Parser

# A code point between U+D800 and U+DFFF in a str can only be a surrogate left alone by the JSON reader.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyRefused(ValueError):
    """The body cannot be taken, with the words for the caller."""


class JsonObjectParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BodyRefused(f"The request body is not UTF-8 text (byte {error.start + 1} is not).") from None
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise BodyRefused("The request body must be a JSON object ({…}) with the fields to send.")
            place = lone_surrogate_at(data, "")
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            raise BodyRefused(f"The request body is not valid JSON: {where}: {error.msg}.") from None
        except RecursionError:  # Python's reader, and the walk below, go one call deeper for each level
            raise BodyRefused("The request body nests its arrays or objects too deeply.") from None
        if place is not None:
            where = f"{place}: " if place else ""
            raise BodyRefused(
                f"{where}the text holds a lone surrogate (half of a UTF-16 pair, such as \\ud800), which is not "
                "a character; send it as valid Unicode."
            )
        return data


def lone_surrogate_at(value: object, path: str) -> str | None:
    """The path of the first string holding a lone surrogate, in the API's error style ("tags[1]"; a key's own
    problem is told at the object holding it), or None."""
    if isinstance(value, str):
        return path if LONE_SURROGATE.search(value) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = lone_surrogate_at(item, f"{path}[{index}]")
            if found is not None:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            if LONE_SURROGATE.search(key):
                return path
            found = lone_surrogate_at(item, f"{path}.{key}" if path else key)
            if found is not None:
                return found
    return None
