"""`companion log`: a check-in in one command line, without the app.

`companion log 7 --feel frazzled --need tired` saves what it is given as a check-in (or, with
only --with/--what/--step/--done, a repair on its own), complete as far as it goes, and says
what it kept in one line. Everything is checked before anything is saved: an unknown need, body
signal, person or step is one line listing the known ones and exit 2, with nothing saved.

Feeling words are matched against data/feelings.toml and the person's own feelings.toml in any
case (`fed-up` and `Fed_Up` are "fed up"). A word it does not know is kept as the person's own
word, as the app's Name step keeps one, in a quadrant: the one given with --quadrant, or else
one found from what else they said (own_quadrant), and the line says which, so it is never a
silent guess. A word very close to a known one ("anxous") is taken for a typo: nothing is saved,
and the line names the word it resembles and how to keep it as typed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from companion.checkin import CheckInDraft
from companion.content import MAX_WORD, Choice, Content, FeelingWord, load_content
from companion.entries import MAX_LIST, MAX_NOTE, Feeling, InvalidEntry, Repair, check_entry_dict
from companion.exits import UsageError
from companion.text import printable
from companion.vocabulary import QUADRANTS

# A word this close to one of companion's (difflib's ratio) is taken for a typo of it:
# "anxous", "overwelmed". Measured on the built-in words: "knackered", "frazzled", "grumpy"
# are further than this from every one of them, "hangry" (0.91 to "angry") is not.
CLOSE = 0.8
# From this activation up, a word of the person's own without a quadrant is high energy.
HIGH_ENERGY = 5

# What the line says of a quadrant, for a word of the person's own.
QUADRANT_WORDS = {
    "high_unpleasant": "high energy, unpleasant",
    "high_pleasant": "high energy, pleasant",
    "low_pleasant": "low energy, pleasant",
    "low_unpleasant": "low energy, unpleasant",
}


class LogRequest(NamedTuple):
    """`companion log` as typed: keys already lower-cased with underscores by the parser."""

    activation: int | None = None
    feel: Sequence[str] = ()
    quadrant: str | None = None
    need: Sequence[str] = ()
    body: Sequence[str] = ()
    state: str | None = None
    note: str | None = None
    with_whom: str | None = None
    what: str | None = None
    step: str | None = None
    done: bool = False

    @classmethod
    def from_args(cls, args: Any) -> LogRequest:
        return cls(**{name: getattr(args, name) for name in cls._fields})


class Named(NamedTuple):
    """A feeling as it will be saved, and whether it is the person's own word."""

    feeling: Feeling
    own: bool = False
    close_to: tuple[str, ...] = ()  # vocabulary words it resembles
    guessed: bool = False  # an own word placed by own_quadrant, not by --quadrant


def run_log(data_dir: Path, request: LogRequest, *, now: datetime | None = None) -> int:
    """Check, save and say what was kept; UsageError (exit 2) before saving anything."""
    from companion.history import HistoryStore

    content = load_content(user_dir=data_dir)
    for warning in content.warnings:  # about the person's own feelings.toml or patterns.toml
        print(f"companion: {printable(warning)}", file=sys.stderr)
    draft, named = checked_draft(request, content, now=now)
    entry = draft.to_entry(complete=True)
    try:
        check_entry_dict(entry.to_dict())
    except InvalidEntry as error:  # e.g. bytes in the command line that are not text
        raise UsageError(f"{error}; nothing was saved.") from None
    HistoryStore(data_dir).save(entry)  # a StoreError is one line and exit 1 (cli.main)
    print(saved_line(draft, named, content))
    from companion.safety import help_lines, offers_help_for

    if offers_help_for(draft, content.safety):
        from companion.settings import load_settings

        settings, _ = load_settings(data_dir)
        for line in help_lines(content.safety, settings.contacts):
            print(line)
    return 0


def checked_draft(
    request: LogRequest, content: Content, *, now: datetime | None = None
) -> tuple[CheckInDraft, list[Named]]:
    """The check-in the command line describes, every part checked; UsageError otherwise."""
    repair = _repair(request, content)
    named = name_feelings(request.feel, request.quadrant, content,
                          activation=request.activation, state=request.state)
    parts = (request.activation is not None or named or request.need or request.body
             or request.state or request.note)
    if not parts and repair is None:
        raise UsageError(
            "there is nothing to log yet: give an activation from 0 to 10, or --feel, --need, "
            "--body, --state, --note, or --with/--what for a repair (see `companion log --help`)"
        )
    note = request.note or ""
    if len(note) > MAX_NOTE:
        raise UsageError(f"a note keeps up to {MAX_NOTE} characters, and this one has "
                         f"{len(note)}; nothing was saved.")
    draft = CheckInDraft(
        started_at=now or datetime.now().astimezone(),
        kind="checkin" if parts else "repair",
        activation_before=request.activation,
        state=request.state,
        body_signals=_keys(request.body, content.body_signals, "body signal", "--body"),
        needs=_keys(request.need, content.needs, "need", "--need"),
        note=note,
        feelings=[n.feeling for n in named],
        repair=repair,
    )
    return draft, named


def name_feelings(
    words: Iterable[str],
    quadrant: str | None,
    content: Content,
    *,
    activation: int | None = None,
    state: str | None = None,
) -> list[Named]:
    """Each word (once, in the order given) as the vocabulary has it, or as the person's own
    word: in `quadrant`, or where own_quadrant puts it. A word close to a known one is taken
    for a typo of it (UsageError) unless `quadrant` says it is meant."""
    vocabulary = {_spoken(w.word): w for q in content.quadrants for w in q.words}
    found: dict[str, FeelingWord | tuple[str, tuple[str, ...]]] = {}
    for typed in words:
        word = " ".join(typed.split())
        if _spoken(word) in found:
            continue
        known = vocabulary.get(_spoken(word))
        if known is None:
            _check_own_word(word)
            close = _close(_spoken(word), vocabulary, 3, CLOSE)
            if close and quadrant is None:
                raise UsageError(_looks_like_a_typo(word, close))
        found[_spoken(word)] = known if known is not None else (word, close)
    if len(found) > MAX_LIST:
        raise UsageError(f"a check-in keeps up to {MAX_LIST} feeling words; nothing was saved.")
    known_words = [w for w in found.values() if isinstance(w, FeelingWord)]
    if quadrant is not None and len(known_words) == len(found):
        raise UsageError(
            "--quadrant is for your own words, and every word here is in companion's list "
            "already (each has its quadrant); nothing was saved."
        )
    placed = quadrant or own_quadrant([w.quadrant for w in known_words], activation, state)
    return [
        Named(Feeling(w.word, w.quadrant)) if isinstance(w, FeelingWord)
        else Named(Feeling(w[0], placed), own=True, close_to=w[1], guessed=quadrant is None)
        for w in found.values()
    ]


def own_quadrant(beside: Sequence[str], activation: int | None, state: str | None) -> str:
    """Where a word of the person's own goes when they did not say: beside the words named with
    it if those share a quadrant; else high or low energy from how they said they are, on the
    unpleasant side (companion is for the moment you notice you are activated); else where the
    app's Name step opens. The line they are shown says where it went."""
    if len(set(beside)) == 1:
        return beside[0]
    if state == "shut_down" or (state != "revved_up" and activation is not None
                                and activation < HIGH_ENERGY):
        return "low_unpleasant"
    return "high_unpleasant"


def _spoken(word: str) -> str:
    """A word as it is compared: any case, and `fed-up` or `fed_up` for "fed up"."""
    return " ".join(word.lower().replace("_", " ").replace("-", " ").split())


def _check_own_word(word: str) -> None:
    if not word or not word.isprintable() or len(word) > MAX_WORD:
        raise UsageError(
            f"a feeling word needs 1 to {MAX_WORD} characters and no control characters, "
            f"not {printable(word)[:MAX_WORD + 10]!r}; nothing was saved."
        )


def _looks_like_a_typo(word: str, close: tuple[str, ...]) -> str:
    return (
        f"{printable(word)!r} is not one of companion's feeling words: did you mean "
        f"{_either(close)}? To keep it as your own word, add --quadrant with one of "
        f"{', '.join(QUADRANTS)}. Nothing was saved."
    )


def _keys(typed: Iterable[str], choices: tuple[Choice, ...], what: str, flag: str) -> list[str]:
    """Known keys in the order given, each once; an unknown one is a UsageError naming them
    all. A label typed as words (`need a break`) is its key (the parser made it need_a_break)."""
    by_label = {"_".join(c.label.lower().split()): c.key for c in choices}
    known = {c.key for c in choices}
    keys: list[str] = []
    for key in typed:
        key = key if key in known else by_label.get(key, key)
        if key not in known:
            raise UsageError(_unknown(key, what, flag, [c.key for c in choices]))
        if key not in keys:
            keys.append(key)
    if len(keys) > MAX_LIST:
        raise UsageError(f"a check-in keeps up to {MAX_LIST} of {flag}; nothing was saved.")
    return keys


def _unknown(key: str, what: str, flag: str, known: list[str]) -> str:
    close = _close(key, known, 1, 0.7)
    maybe = f" (did you mean {close[0]}?)" if close else ""
    return (f"there is no {what} called {printable(key)!r}{maybe}; {flag} takes one of: "
            f"{', '.join(known)}. Nothing was saved.")


def _repair(request: LogRequest, content: Content) -> Repair | None:
    if request.with_whom is None and request.what is None:
        if request.step is not None or request.done:
            raise UsageError("--step and --done describe a repair: add --with WHO or --what "
                             "TEXT; nothing was saved.")
        return None
    what = request.what or ""
    if len(what) > MAX_NOTE:
        raise UsageError(f"--what keeps up to {MAX_NOTE} characters, and this has {len(what)}; "
                         "nothing was saved.")
    who = request.with_whom
    if who is not None:
        who = _keys([who], content.people, "person", "--with")[0]
    step = request.step
    if step is not None:
        step = _keys([step], content.repair_steps, "repair step", "--step")[0]
    done = request.done
    return Repair(with_whom=who, what_happened=what, step=step,
                  status="done" if done else "planned",
                  done_at=datetime.now().astimezone() if done else None)


# -- the line it says ------------------------------------------------------------------------


def saved_line(draft: CheckInDraft, named: Sequence[Named], content: Content) -> str:
    """One kind line on what was kept, in the person's words and the app's labels."""
    parts: list[str] = []
    if draft.activation_before is not None:
        parts.append(f"activation {draft.activation_before}")
    if draft.state is not None:
        parts.append(_lower(content.label_of(content.states, draft.state)))
    if named:
        parts.append(", ".join(_feeling_text(n) for n in named))
    if draft.body_signals:
        parts.append("body: " + ", ".join(
            _lower(content.label_of(content.body_signals, key)) for key in draft.body_signals))
    if draft.needs:
        parts.append("needs: " + ", ".join(
            _lower(content.label_of(content.needs, key)) for key in draft.needs))
    if draft.note:
        parts.append("your note")
    if draft.repair is not None:
        repair = _repair_text(draft.repair, content)
        parts.append(f"repair {repair}" if draft.kind == "checkin" else repair)
    what = "check-in" if draft.kind == "checkin" else "repair"
    line = f"Saved your {what}: {' · '.join(parts)}. That counts."
    if draft.repair is not None and draft.repair.status == "planned":
        line += " Mark it done later in `companion review` (r, then d)."
    return printable(line)


def _feeling_text(named: Named) -> str:
    word = named.feeling.word
    if not named.own:
        return word
    about = f"your own word, {QUADRANT_WORDS[named.feeling.quadrant]}"
    if named.guessed:
        about += "; --quadrant puts it elsewhere"
    elif named.close_to:
        about += f"; close to {_either(named.close_to)}"
    return f"{word} ({about})"


def _repair_text(repair: Repair, content: Content) -> str:
    bits = []
    if repair.with_whom is not None:
        bits.append(f"with {_lower(content.label_of(content.people, repair.with_whom))}")
    if repair.step is not None:
        bits.append(_lower(content.label_of(content.repair_steps, repair.step)))
    bits.append(repair.status)
    return ", ".join(bits)


def _lower(label: str) -> str:
    """A label in the middle of a sentence ("Tight chest" → "tight chest")."""
    return label[:1].lower() + label[1:]


def _close(word: str, known: Iterable[str], n: int, cutoff: float) -> tuple[str, ...]:
    import difflib  # only for a word it does not know

    return tuple(difflib.get_close_matches(word, list(known), n=n, cutoff=cutoff))


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
