"""The ids in the API's paths (`/reviews/{id:review_id}`): digits that fit the 64-bit signed integer a database
id column holds at most.

A larger number names no object, but handed to a query it is refused by SQLite's driver with an OverflowError (a
500; PostgreSQL's compares it and finds nothing). Left unmatched here, such an address is the API's JSON 404, as
for any address that names nothing, before any query runs.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is past the largest id")  # Django reads this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
