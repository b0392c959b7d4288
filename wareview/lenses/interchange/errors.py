"""What a lens file that cannot be imported raises."""


class LensImportError(Exception):
    """A lens file that cannot be imported; `errors` lists every problem found, one message each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class LensFileError(LensImportError):
    """A file that is not JSON at all (or not strict JSON: NaN, Infinity)."""

    def __init__(self, message: str) -> None:
        super().__init__([message])
        self.message = message
