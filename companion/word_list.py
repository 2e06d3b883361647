"""Feeling words as one line of text, and back, without losing any word.

The editor shows an entry's words separated by commas. A word of a person's own may itself hold a
comma ("tired, wired"), a quote, or spaces at its ends: such a word is shown in double quotes
(a quote inside doubled, as in CSV), so reading the line back gives exactly the words shown.
"""

from __future__ import annotations


def needs_quotes(word: str) -> bool:
    return "," in word or '"' in word or word != word.strip()


def join_words(words: list[str] | tuple[str, ...]) -> str:
    """The words as the editor shows them: `frazzled, "tired, wired"`."""
    return ", ".join(
        '"' + word.replace('"', '""') + '"' if needs_quotes(word) else word for word in words
    )


def split_words(line: str) -> list[str]:
    """The words of a line, each once (the first spelling kept), in order.

    A word outside quotes loses the spaces at its ends; a quoted one keeps everything between
    its quotes. An empty word (",,") is no word. A quote left open runs to the end of the line.
    """
    words: list[str] = []
    seen: set[str] = set()
    i, n = 0, len(line)
    while i <= n:
        while i < n and line[i] == " ":
            i += 1
        if i < n and line[i] == '"':
            i += 1
            word = []
            while i < n:
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        word.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                word.append(line[i])
                i += 1
            text = "".join(word)
            # Anything between the closing quote and the next comma is kept with the word.
            end = line.find(",", i)
            end = n if end == -1 else end
            text += line[i:end].rstrip()
        else:
            end = line.find(",", i)
            end = n if end == -1 else end
            text = line[i:end].strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            words.append(text)
        i = end + 1
    return words
