"""Reading JSON a piece at a time: a history file or an export is walked value by value, so no
file's size, nesting or numbers can take the memory or end the program (companion/storage.py
reads every file through it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

# One value (one entry, say) may be at most this many characters: the largest entry the model
# allows is well under 100,000. A bigger one is not ours, and would only fill the memory.
MAX_JSON_VALUE = 4 * 1024 * 1024
_CHUNK = 1024 * 1024
_WHITESPACE = " \t\n\r"


class JsonProblem(Exception):
    """What is wrong with a JSON file, worded as the end of a sentence ("is not valid JSON…")."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class JsonStream:
    """One JSON document read from a file a value at a time, never whole.

    The caller walks the document's outer structure (`members`, `items`) and takes each inner
    value whole (`value`), so a 200 MB history file or export is parsed one entry at a time and
    the memory used is that of the entries kept. Each value is parsed by the json module's C
    scanner; every way a file can fail to be JSON companion can use (broken JSON, not UTF-8,
    nesting the parser cannot follow, a number with thousands of digits, one value of many
    megabytes) ends in JsonProblem, never another exception.
    """

    def __init__(self, handle: BinaryIO, name: Path | str, *, limit: int | None = None,
                 max_value: int = MAX_JSON_VALUE) -> None:
        import codecs
        import json

        self._file = handle
        self._name = str(name)
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._scan = json.JSONDecoder().raw_decode
        self._decode_error = json.JSONDecodeError
        self._buffer = ""
        self._position = 0
        self._lines_before = 0  # line breaks in the text already dropped from the buffer
        self._column_before = 0  # characters of the last line in that text
        self._eof = False
        self._decoded = False  # has any text come out of the file yet
        self._read = 0
        self._limit = limit
        self._max_value = max_value
        self.too_large = False

    # -- the structure --------------------------------------------------------------------

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the file)."""
        while True:
            buffer, position = self._buffer, self._position
            while position < len(buffer) and buffer[position] in _WHITESPACE:
                position += 1
            self._position = position
            if position < len(buffer):
                return buffer[position]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self._fail("is not valid JSON")
        self._position += 1

    def members(self) -> Iterator[str]:
        """An object's keys, one at a time; read each value (`value`, or its own structure)
        before asking for the next key."""
        self.expect("{")
        if self.peek() == "}":
            self._position += 1
            return
        while True:
            if self.peek() != '"':
                self._fail("is not valid JSON")
            key = self.value()
            self.expect(":")
            yield key
            following = self.peek()
            self._position += 1
            if following == "}":
                return
            if following != ",":
                self._position -= 1
                self._fail("is not valid JSON")

    def items(self) -> Iterator[int]:
        """An array's items, counted from 1; read each before asking for the next."""
        self.expect("[")
        if self.peek() == "]":
            self._position += 1
            return
        number = 0
        while True:
            number += 1
            yield number
            following = self.peek()
            self._position += 1
            if following == "]":
                return
            if following != ",":
                self._position -= 1
                self._fail("is not valid JSON")

    def end(self) -> None:
        """JsonProblem unless only whitespace is left."""
        if self.peek():
            self._fail("is not valid JSON")

    # -- one value ----------------------------------------------------------------------------

    def value(self) -> Any:
        """The next value, whole: an entry, a name, a number…"""
        if not self.peek():
            self._fail("is not valid JSON (it ends too early)")
        while True:
            start = self._position
            try:
                value, end = self._scan(self._buffer, start)
            except self._decode_error as error:
                # Most often the value goes on past what has been read so far. Read as much
                # again as is held, so a long value is parsed a few times, not once a chunk.
                # (Reading may move the text in the buffer: the error's place is kept relative.)
                offset = error.pos - start
                held = len(self._buffer) - start
                if held <= self._max_value and self._fill(held):
                    continue
                self._fail("is not valid JSON", at=self._position + offset)
            except RecursionError:
                self._fail_plain("is nested too deeply to be a companion file")
            except ValueError as error:  # int("9" * 5000): Python's limit on digits
                if "digits" in str(error):
                    self._fail_plain("holds a number with thousands of digits")
                self._fail_plain(f"is not valid JSON ({error})")
            # A number ending exactly where the text read so far ends may go on in the file.
            if end == len(self._buffer) and self._fill(end - self._position):
                continue
            self._position = end
            return value

    # -- the text -----------------------------------------------------------------------------

    def _fill(self, at_least: int = 0) -> bool:
        """Read more of the file into the buffer; False at its end."""
        if self._eof:
            return False
        want = max(_CHUNK, at_least)
        if self._limit is not None:
            want = min(want, self._limit + 1 - self._read)
        try:
            raw = self._file.read(want) if want > 0 else b""
        except OSError as error:
            self._fail_plain(f"could not be read ({error.strerror or error})")
        self._read += len(raw)
        if self._limit is not None and self._read > self._limit:
            self.too_large = True
            self._fail_plain(f"is larger than {self._limit // (1024 * 1024)} MB")
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError:
            self._fail_plain("is not text (it may be damaged)")
        if not raw:
            self._eof = True
        if "\x00" in text:
            self._fail_plain("is not text (it may be damaged)")
        if self._position:
            dropped = self._buffer.count("\n", 0, self._position)
            self._lines_before += dropped
            if dropped:
                line_start = self._buffer.rfind("\n", 0, self._position) + 1
                self._column_before = self._position - line_start
            else:
                self._column_before += self._position
            self._buffer = self._buffer[self._position:]
            self._position = 0
        if not self._decoded and text:
            self._decoded = True
            if text.startswith("\ufeff"):
                text = text[1:]  # a byte order mark, as some editors write
        self._buffer += text
        return bool(raw) or bool(text)

    def _fail(self, reason: str, at: int | None = None) -> NoReturn:
        at = self._position if at is None else at
        line = self._lines_before + self._buffer.count("\n", 0, at) + 1
        start = self._buffer.rfind("\n", 0, at)
        column = at - start if start >= 0 else self._column_before + at + 1
        raise JsonProblem(f"{reason} (line {line}, column {column})")

    def _fail_plain(self, reason: str) -> NoReturn:
        raise JsonProblem(reason)
