"""`companion completions bash|zsh|fish`: Tab completion, made from the command line's parser.

The scripts are written from companion's own argparse parser (companion/arguments.py), so a new
command or flag is completed without anyone editing them. Values that are the person's own
(pattern names, feeling words, from their patterns.toml and feelings.toml) and the lists in
data/ (needs, body signals, people, repair steps) are not written into the script: it asks
`companion completions --names KIND` as Tab is pressed, so they are never out of date.

Why not a library: shtab writes bash and zsh (and tcsh) but not fish, and its lists of values
would still need a snippet of each shell's code; argcomplete completes by running the whole
program's parser on every Tab, with a hook imported at every start of companion, where the
start-up work keeps `companion` and `companion breathe` from building the parser at all.
argparse's own structure is enough to walk: the options and commands it holds are what every
such library reads too.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from companion.exits import UsageError
from companion.text import printable

SHELLS = ("bash", "zsh", "fish")

# Options whose values are a list companion prints (--names): by the option, wherever it is.
NAMES_FOR = {
    "--pattern": "patterns",
    "--feel": "feelings",
    "--feeling": "feelings",
    "--need": "needs",
    "--body": "body",
    "--with": "people",
    "--step": "steps",
}


class Values(NamedTuple):
    """What an option's value (or a command's argument) can be, for completing it."""

    choices: tuple[str, ...] = ()
    names: str = ""  # a list `companion completions --names` prints
    files: bool = False
    folders: bool = False


class Option(NamedTuple):
    flags: tuple[str, ...]
    help: str
    values: Values | None  # None: a switch, with no value
    repeats: bool = False


class Command(NamedTuple):
    name: str
    help: str
    options: tuple[Option, ...]
    argument: Values | None  # its first positional argument, if it has one
    argument_name: str = ""


class Grammar(NamedTuple):
    options: tuple[Option, ...]  # before the command (and, for --data-dir, after it too)
    commands: tuple[Command, ...]

    def command(self, name: str) -> Command:
        return next(c for c in self.commands if c.name == name)


def grammar(parser: argparse.ArgumentParser) -> Grammar:
    """Every command and option of `parser`, as the completion scripts need them."""
    top = tuple(_options(parser, inherited={}))
    inherited = {flag: option.help for option in top for flag in option.flags}
    commands = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            if name not in helps:  # a command kept out of the help is kept out here too
                continue
            positionals = [a for a in sub._actions if not a.option_strings]
            first = positionals[0] if positionals else None
            commands.append(Command(
                name=name,
                help=helps[name],
                options=tuple(_options(sub, inherited)),
                argument=_values(first) if first is not None else None,
                argument_name=(first.metavar or first.dest) if first is not None else "",
            ))
    return Grammar(top, tuple(commands))


def _options(parser: argparse.ArgumentParser, inherited: dict[str, str]) -> Iterable[Option]:
    """The options of `parser`. One hidden from its help is left out, unless it is the
    program's own option taken after the command too (`companion week --data-dir DIR`)."""
    for action in parser._actions:
        if not action.option_strings:
            continue
        help_text = action.help or ""
        if help_text == argparse.SUPPRESS:
            known = [inherited[f] for f in action.option_strings if f in inherited]
            if not known:
                continue
            help_text = known[0]
        yield Option(
            flags=tuple(action.option_strings),
            help=_sentence(help_text),
            values=_values(action) if action.nargs != 0 else None,
            repeats=isinstance(action, argparse._AppendAction),
        )


def _values(action: argparse.Action) -> Values:
    flags = action.option_strings
    names = next((NAMES_FOR[f] for f in flags if f in NAMES_FOR), "")
    if names:
        return Values(names=names)
    if action.choices is not None:
        return Values(choices=tuple(str(c) for c in action.choices))
    if action.type is Path:
        return Values(folders=True) if action.metavar == "DIR" else Values(files=True)
    return Values()


def _sentence(text: str) -> str:
    return " ".join(text.replace("%%", "%").split())


# -- the names a script asks for as Tab is pressed --------------------------------------------


def names(kind: str, data_dir: Path) -> list[tuple[str, str]]:
    """(value, what it is) for one list: the person's own patterns and words included."""
    if kind == "patterns":
        from companion.content import load_opening

        return [(p.name, p.label) for p in load_opening(user_dir=data_dir).patterns]
    from companion.content import load_content

    content = load_content(user_dir=data_dir)
    if kind == "feelings":
        return [(w.word, w.meaning) for q in content.quadrants for w in q.words]
    choices = {"needs": content.needs, "body": content.body_signals, "people": content.people,
               "steps": content.repair_steps}[kind]
    return [(c.key, c.label) for c in choices]


def run_completions(shell: str | None, kind: str | None, data_dir: Path) -> int:
    if kind is not None:
        for value, about in names(kind, data_dir):
            print(f"{printable(value)}\t{printable(about)}")
        return 0
    if shell is None:
        raise UsageError("say which shell: `companion completions bash`, `zsh` or `fish` "
                         "(the README says where each goes)")
    print(script(shell), end="")
    return 0


def script(shell: str) -> str:
    """The completion script for `shell`, from companion's own parser."""
    from companion.arguments import build_parser

    made = grammar(build_parser())
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](made)


# -- bash -------------------------------------------------------------------------------------

_BASH_HEAD = r"""# companion: Tab completion for bash, made by `companion completions bash` from
# companion's own command line. Pattern names and feeling words (yours too) are asked for as
# you press Tab. To install it:
# companion completions bash > ~/.companion.bash && echo 'source ~/.companion.bash' >> ~/.bashrc

_companion_names() {
    # One candidate a line ("value<TAB>what it is"); a value with spaces ("fed up") is offered
    # escaped, as it must be typed.
    local name quoted IFS=$'\n'
    for name in $(command companion completions --names "$1" 2>/dev/null | cut -f1); do
        quoted=$(printf '%q' "$name")
        [[ $quoted == "$cur"* ]] && COMPREPLY+=("$quoted")
    done
}

_companion() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local command="" i
    COMPREPLY=()
    # --option=value arrives as three words: --option, =, value.
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            =) ((i++)) ;;
@skip_values@
            -*) ;;
            *) command=${COMP_WORDS[i]}; break ;;
        esac
    done
    case "$command $prev" in
@values@
    esac
    if [[ $cur == -* ]]; then
        case $command in
@flags@
        esac
        return
    fi
    case $command in
@arguments@
    esac
}

complete -F _companion companion
"""


def bash(made: Grammar) -> str:
    top_valued = [f for o in made.options if o.values is not None for f in o.flags]
    skip = f"            {'|'.join(top_valued)}) [[ ${{COMP_WORDS[i+1]}} == = ]] || ((i++)) ;;"
    values: list[str] = []
    for option in made.options:
        if option.values is not None:
            pattern = "|".join(f'*" {f}"' for f in option.flags)
            values.append(f"        {pattern}) {_bash_values(option.values)}; return ;;")
    for command in made.commands:
        for option in command.options:
            if option.values is None or set(option.flags) & set(top_valued):
                continue
            pattern = "|".join(f'"{command.name} {f}"' for f in option.flags)
            values.append(f"        {pattern}) {_bash_values(option.values)}; return ;;")
    top_flags = _words(f for o in made.options for f in o.flags)
    flags = [f'            "") COMPREPLY=($(compgen -W "{top_flags}" -- "$cur")) ;;']
    arguments = [
        f'        "") COMPREPLY=($(compgen -W "{_words(c.name for c in made.commands)}"'
        ' -- "$cur")) ;;'
    ]
    for command in made.commands:
        words = _words(f for o in command.options for f in o.flags)
        offer = f'COMPREPLY=($(compgen -W "{words}" -- "$cur"))'
        flags.append(f"            {command.name}) {offer} ;;")
        argument = command.argument
        if argument is not None and argument != Values():
            arguments.append(f"        {command.name}) {_bash_values(argument)} ;;")
        else:  # nothing to offer for its argument: its flags, so Tab shows what it takes
            arguments.append(f"        {command.name}) {offer} ;;")
    return _filled(_BASH_HEAD, skip_values=skip, values="\n".join(values),
                   flags="\n".join(flags), arguments="\n".join(arguments))


def _bash_values(values: Values) -> str:
    if values.names:
        return f"_companion_names {values.names}"
    if values.choices:
        return f'COMPREPLY=($(compgen -W "{_words(values.choices)}" -- "$cur"))'
    if values.folders:
        return 'compopt -o filenames; COMPREPLY=($(compgen -d -- "$cur"))'
    if values.files:
        return 'compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur"))'
    return ":"  # anything may go here: nothing to offer


def _filled(template: str, **parts: str) -> str:
    """The template with each @name@ replaced (shell code is full of % and braces)."""
    for name, text in parts.items():
        template = template.replace(f"@{name}@", text)
    return template


def _words(words: Iterable[str]) -> str:
    return " ".join(words)


# -- zsh --------------------------------------------------------------------------------------

_ZSH_HEAD = r"""#compdef companion
# companion: Tab completion for zsh, made by `companion completions zsh` from companion's own
# command line. Pattern names and feeling words (yours too) are asked for as you press Tab.
# To install it:
# companion completions zsh > ~/.companion.zsh && echo 'source ~/.companion.zsh' >> ~/.zshrc

_companion_names() {
    # "value<TAB>what it is" a line, shown as value -- what it is.
    local -a names
    names=(${(f)"$(command companion completions --names $1 2>/dev/null)"})
    names=(${names//:/\\:})
    names=(${names/$'\t'/:})
    _describe -t $1 $1 names
}

_companion() {
    local curcontext=$curcontext state state_descr line ret=1
    typeset -A opt_args
    _arguments -C \
@top@
        '1:command:->command' \
        '*::argument:->argument' && ret=0
    case $state in
        command)
            local -a commands
            commands=(
@commands@
            )
            _describe -t commands 'companion command' commands && ret=0
            ;;
        argument)
            curcontext=${curcontext%:*:*}:companion-$words[1]:
            case $words[1] in
@each@
            esac
            ;;
    esac
    return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _companion "$@"
else
    (( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }
    compdef _companion companion
fi
"""


def zsh(made: Grammar) -> str:
    top = "\n".join(f"        {spec} \\" for o in made.options for spec in _zsh_option(o))
    commands = "\n".join(f"                {_zsh_quote(f'{c.name}:{c.help}')}"
                         for c in made.commands)
    each = []
    for command in made.commands:
        specs = [spec for o in command.options for spec in _zsh_option(o)]
        if command.argument is not None:
            message = _zsh_message(command.argument_name)
            action = _zsh_action(command.argument)
            if action == " ":
                # Said, not offered: and only while the word is no option, or `log --fe`
                # would stop at a list (it could be the argument as well as --feel).
                action = f'_guard "^-*" {message}'
            specs.append(_zsh_quote(f"1:{message}:{action}"))
        lines = " \\\n                        ".join(specs)
        each.append(f"                {command.name})\n"
                    f"                    _arguments \\\n                        {lines} "
                    "&& ret=0\n                    ;;")
    return _filled(_ZSH_HEAD, top=top, commands=commands, each="\n".join(each))


def _zsh_option(option: Option) -> list[str]:
    about = option.help.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    repeat = "*" if option.repeats else ""
    specs = []
    for flag in option.flags:
        if option.values is None:
            specs.append(_zsh_quote(f"{repeat}{flag}[{about}]"))
        else:
            message = _zsh_message(flag.lstrip("-"))
            specs.append(_zsh_quote(
                f"{repeat}{flag}[{about}]:{message}:{_zsh_action(option.values)}"))
    return specs


def _zsh_action(values: Values) -> str:
    if values.names:
        # In braces: run as written (a bare command would be given compadd's options first).
        return f"{{_companion_names {values.names}}}"
    if values.choices:
        return "(" + " ".join(values.choices) + ")"
    if values.folders:
        return "_directories"
    if values.files:
        return "_files"
    return " "


def _zsh_message(text: str) -> str:
    return text.replace(":", "\\:")


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# -- fish -------------------------------------------------------------------------------------

_FISH_HEAD = """\
# companion: Tab completion for fish, made by `companion completions fish` from companion's own
# command line. Pattern names and feeling words (yours too) are asked for as you press Tab.
# To install it:
# companion completions fish > ~/.config/fish/completions/companion.fish

function __companion_names
    command companion completions --names $argv[1] 2>/dev/null
end

complete -c companion -f
"""


def fish(made: Grammar) -> str:
    lines = [_FISH_HEAD.rstrip("\n")]
    for option in made.options:
        # --data-dir counts after the command too; --help and --version only before it.
        condition = "" if option.values is not None else "__fish_use_subcommand"
        lines.append(_fish_option(option, condition))
    for command in made.commands:
        lines.append(f"complete -c companion -n __fish_use_subcommand -a {command.name} "
                     f"-d {_fish_quote(command.help)}")
    for command in made.commands:
        condition = f"__fish_seen_subcommand_from {command.name}"
        top = {f for o in made.options if o.values is not None for f in o.flags}
        for option in command.options:
            if set(option.flags) & top:
                continue  # said once, for every command
            lines.append(_fish_option(option, condition))
        if command.argument is not None and command.argument != Values():
            lines.append(f"complete -c companion -n {_fish_quote(condition)} "
                         f"{_fish_values(command.argument)}")
    return "\n".join(lines) + "\n"


def _fish_option(option: Option, condition: str) -> str:
    parts = ["complete -c companion"]
    if condition:
        parts.append(f"-n {_fish_quote(condition)}")
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.values is not None:
        parts.append(_fish_values(option.values))
    parts.append(f"-d {_fish_quote(option.help)}")
    return " ".join(parts)


def _fish_values(values: Values) -> str:
    if values.names:
        return f"-x -a '(__companion_names {values.names})'"
    if values.choices:
        return f"-x -a {_fish_quote(' '.join(values.choices))}"
    if values.folders:
        return "-x -a '(__fish_complete_directories)'"
    if values.files:
        return "-r -F"
    return "-x"


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
