"""Settings: the one typed place for every knob Knop has, with its default.

Where a value comes from, lowest to highest precedence:

1. the built-in defaults below (the `Settings` dataclass);
2. the machine-wide file `system_config_dir()/knop.toml`, written by IT (or by
   `knop enrol`), which may also name settings in `locked = [...]`;
3. the user's own file `config_dir()/settings.toml`, written by the app, holding
   only the keys a user may change (`USER_KEYS`);
4. environment variables `KNOP_SERVER_URL`, `KNOP_IDLE_LOCK_MINUTES`, … which
   IT deployment scripts use; they win over both files, locked or not, because
   whoever sets a process's environment already controls the machine.

A locked key is never taken from the user's file, with one exception:
`idle_lock_minutes` may be made *stricter* (a shorter, non-zero timeout) than a
locked value, because locking sooner can never weaken IT's policy. A user value
that a later lock makes invalid is ignored with a log warning rather than
stopping the app, since the user did nothing wrong.

Secrets (the device credential, passwords, tokens) never live here: they go to
the OS keyring. Every mistake in a file or variable raises `SettingsError`
naming the file, the line and the problem, so IT can fix it from the message
alone; the app shows that message, never a traceback.
"""

from __future__ import annotations

import codecs
import difflib
import json
import logging
import os
import re
import sqlite3
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop import paths
from desktop.logs import FILE_ONLY
from desktop.core.text import Sentence, Wording, said, sentence
from sync import protocol

log = logging.getLogger(__name__)

MACHINE_FILE = "knop.toml"
USER_FILE = "settings.toml"
ENV_PREFIX = "KNOP_"


class SettingsError(Exception):
    """A settings file or variable Knop cannot use; the message says where and why.

    `str(error)` is the English sentence (for the log and the command line);
    `message(language)` the same in the UI's language, for the dialog.
    """

    def __init__(self, said: Sentence) -> None:
        super().__init__(said.text("en"))
        self.said = said

    def message(self, language: str) -> str:
        """The sentence in `language` ("da" or "en")."""
        return self.said.text(language)


class _Wrong(ValueError):
    """A value a setting cannot take; `said` says why (the file and line are added around it)."""

    def __init__(self, said: Sentence) -> None:
        super().__init__(said.text("en"))
        self.said = said


def _at(where: str, problem: Sentence) -> Sentence:
    """"<file or variable>: <problem>", the shape every settings error has."""
    return sentence("{path}: {why}", path=where, why=problem)


@dataclass(frozen=True)
class Settings:
    """Every setting with its default; `load_settings()` fills it in."""

    server_url: str | None = None
    site_id: str | None = None
    # The name this machine was enrolled under, as the admin's device list shows it.
    device_name: str | None = None
    ca_bundle: str | None = None  # a PEM file to trust besides the OS store
    proxy: str | None = None  # e.g. http://proxy.kommune.dk:8080
    idle_lock_minutes: int = 10  # 0 = never lock
    # "da", "en", or None to follow the system: the machine's language, which the login
    # screen speaks and so does anyone who never chose their own (`person_language`).
    language: str | None = None
    offline_login_days: int = 14  # 0 = no offline login
    # A person who has not logged in on this machine for this long is wiped from it
    # (desktop.forgetting); 0 = never. Long enough for a summer holiday and part-timers.
    forget_after_days: int = 90
    sync_interval_seconds: int = 60
    # Who the login screen lists (desktop.accounts.shown_at_login): "staff" leaves out
    # administrators and outsiders, "everyone" lists all who logged in here, "off" no one.
    login_list: str = "staff"
    locked: frozenset[str] = field(default_factory=frozenset)

    def is_locked(self, name: str) -> bool:
        """Whether IT has fixed this setting, so the UI shows it read-only."""
        return name in self.locked


# --- what each value may be -------------------------------------------------


def _shown(value: object) -> str:
    """A value as the person wrote it in TOML, for error messages."""
    try:
        return _toml_value(value)
    except TypeError:  # a float, a table, a date: anything a setting never is
        return repr(value)


def _text(name: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Wrong(
                sentence("{name} must be a non-empty text in quotes, got {value}", name=name, value=_shown(value))
            )
        text = value.strip()  # spaces and tabs a tool or a paste left around the value
        if any(ord(c) < 0x20 or ord(c) == 0x7F or c in _LOOKALIKES for c in text):
            raise _Wrong(
                sentence(
                    "{name} holds a tab, a line break or an invisible character inside the "
                    "text, got {value}; retype it",
                    name=name,
                    value=_shown(value),
                )
            )
        return text

    return check


def _url(name: str, schemes: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _text(name)(value)
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.hostname:
            scheme, other_scheme = (f"{s}://" for s in schemes)
            raise _Wrong(
                sentence(
                    "{name} must be a URL starting with {scheme} or {other_scheme}, got {value}",
                    name=name,
                    scheme=scheme,
                    other_scheme=other_scheme,
                    value=_shown(value),
                )
            )
        return text.rstrip("/") if name == "server_url" else text

    return check


_UNITS = {  # what a whole-number setting counts, in words
    "minutes": sentence("minutes"),
    "days": sentence("days"),
    "seconds": sentence("seconds"),
}


def _whole(name: str, unit: str, low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        # One sentence for a wrong type and a wrong size: it says what is allowed, so the
        # person who wrote "ten" learns the range too (a new-user try-out).
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Wrong(
                sentence(
                    "{name} must be a whole number of {unit} from {min} to {max}, got {value}",
                    name=name,
                    unit=_UNITS[unit],
                    min=low,
                    max=high,
                    value=_shown(value),
                )
            )
        return value

    return check


LOGIN_LISTS = ("staff", "everyone", "off")


def _login_list(value: object) -> str:
    if value not in LOGIN_LISTS:
        raise _Wrong(
            sentence(
                'login_list must be "staff", "everyone" or "off", got {value}', value=_shown(value)
            )
        )
    return str(value)


def _language(value: object) -> str:
    if value not in ("da", "en"):
        raise _Wrong(sentence('language must be "da" or "en", got {value}', value=_shown(value)))
    return str(value)


@dataclass(frozen=True)
class _Key:
    """One setting's rule: how to check a value and whether a user may change it."""

    check: Callable[[object], Any]
    user: bool = False
    number: bool = False  # parsed from text when it comes from an environment variable


KEYS: Mapping[str, _Key] = {
    "server_url": _Key(_url("server_url", ("https", "http"))),
    "site_id": _Key(_text("site_id")),
    "device_name": _Key(_text("device_name")),
    "ca_bundle": _Key(_text("ca_bundle")),
    "proxy": _Key(_url("proxy", ("http", "https"))),  # requests speaks SOCKS only with PySocks
    "idle_lock_minutes": _Key(
        _whole("idle_lock_minutes", "minutes", 0, 24 * 60), user=True, number=True
    ),
    "language": _Key(_language, user=True),
    "offline_login_days": _Key(
        _whole("offline_login_days", "days", 0, protocol.OFFLINE_LOGIN_DAYS_MAX), number=True
    ),
    "forget_after_days": _Key(_whole("forget_after_days", "days", 0, 3650), number=True),
    "sync_interval_seconds": _Key(
        _whole("sync_interval_seconds", "seconds", 5, 24 * 3600), number=True
    ),
    "login_list": _Key(_login_list),
}
MACHINE_KEYS = (*KEYS, "locked")
USER_KEYS = frozenset(name for name, key in KEYS.items() if key.user)
assert set(KEYS) | {"locked"} == {f.name for f in fields(Settings)}, "KEYS and Settings disagree"


def _locked(value: object) -> frozenset[str]:
    if isinstance(value, (tuple, set, frozenset)):
        value = list(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Wrong(
            sentence('locked must be a list of setting names such as ["proxy"], got {value}', value=_shown(value))
        )
    for name in value:
        if name not in KEYS:
            raise _Wrong(
                sentence(
                    "locked names an unknown setting {name}{hint}; known: {choices}",
                    name=_shown(name),
                    hint=_meant(name),
                    choices=", ".join(KEYS),
                )
            )
    return frozenset(value)


def _check(key: str, value: object) -> Any:
    """The value as Knop uses it, or _Wrong (a ValueError) saying what is wrong with it."""
    return _locked(value) if key == "locked" else KEYS[key].check(value)


def env_name(key: str) -> str:
    """The environment variable that overrides a setting: KNOP_ and the key in capitals."""
    return ENV_PREFIX + key.upper()


# --- reading -----------------------------------------------------------------


def machine_settings_path() -> Path:
    """The machine-wide settings file IT writes (it may not exist)."""
    return paths.system_config_dir() / MACHINE_FILE


def user_settings_path() -> Path:
    """The user's own settings file (it may not exist)."""
    return paths.config_dir() / USER_FILE


def _key_line(text: str, key: str) -> int | None:
    """The line a top-level key (or a table of that name) is written on, if it can be found."""
    pattern = re.compile(
        rf"""^[ \t]*\[*[ \t]*["']?{re.escape(key)}["']?[ \t]*[=.\]]""", re.MULTILINE
    )
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


class _SettingsFile:
    """A parsed TOML file that can say where each of its keys was written."""

    def __init__(self, path: Path, text: str, values: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.values = values

    @classmethod
    def read(cls, path: Path) -> _SettingsFile | None:
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None  # no file is the normal case: the defaults apply
        except OSError as error:
            raise SettingsError(
                _at(str(path), sentence("cannot be read ({error})", error=error.strerror or str(error)))
            ) from None
        text = _decoded(path, raw)
        try:
            values = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(_decode_message(path, error, text)) from None
        return cls(path, text, values)

    def error(self, key: str, problem: Sentence) -> SettingsError:
        line = _key_line(self.text, key)
        if line:
            return SettingsError(
                sentence("{path}, line {line}: {why}", path=str(self.path), line=line, why=problem)
            )
        return SettingsError(_at(str(self.path), problem))

    def checked(
        self,
        allowed: Iterable[str],
        refusal: Callable[[str], Sentence],
        spare: list[SettingsError] | None = None,
    ) -> dict[str, Any]:
        """Every value checked against its rule; any other key is refused with `refusal(key)`.

        Raises SettingsError at the first refused key; with a `spare` list, the
        key is left out instead and its error appended there.
        """
        allowed = set(allowed)
        result: dict[str, Any] = {}
        for key, value in self.values.items():
            try:
                if key not in allowed:
                    raise self.error(key, refusal(key))
                try:
                    result[key] = _check(key, value)
                except _Wrong as problem:
                    raise self.error(key, problem.said) from None
            except SettingsError as error:
                _refuse(error, spare)
        return result


def _refuse(error: SettingsError, spare: list[SettingsError] | None) -> None:
    """Raise `error`, or when sparing (`spare` is a list) note it there and go on.

    Not logged here: whoever collects the errors reports them (the app at ERROR).
    """
    if spare is None:
        raise error
    spare.append(error)


def _read_sparing(path: Path, spare: list[SettingsError] | None) -> _SettingsFile | None:
    """The file at `path` (None when there is none); a file that cannot be read is refused whole."""
    try:
        return _SettingsFile.read(path)
    except SettingsError as error:
        _refuse(error, spare)
        return None


# --- files as IT's tools write them ---------------------------------------------
#
# Notepad, PowerShell, Group Policy scripts, vi and configuration management all
# write "a text file" differently: UTF-8 with or without a byte order mark,
# UTF-16 with one (Notepad's "Unicode", PowerShell 5's Out-File and >), the
# Windows ANSI code page, CRLF or even CR line ends, text pasted from a web page
# or Word. What can be read for certain is read; the rest fails with a sentence
# that names the real problem and how to fix it.

_BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Every sentence about a file Knop cannot decode states the rule, not only the fix: a
# try-out's UTF-16 file got a sentence that never said the file must be UTF-8.
_SAVE_AS_UTF8 = sentence(
    "the file must be UTF-8: save it as UTF-8 (in Notepad: File, Save as, Encoding: UTF-8)"
)


def _decoded(path: Path, raw: bytes) -> str:
    """The file's text with Unix line ends, however a tool saved it; SettingsError if unsure."""
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                raise SettingsError(
                    _at(
                        str(path),
                        sentence(
                            "the file starts like {name} text but is not valid {name}; {fix}",
                            name=name,
                            fix=_SAVE_AS_UTF8,
                        ),
                    )
                ) from None
            break
    else:
        if b"\x00" in raw:
            raise SettingsError(
                _at(
                    str(path),
                    sentence(
                        "the file is not UTF-8 but UTF-16 text without a byte order mark (it holds NUL "
                        "bytes); {fix}",
                        fix=_SAVE_AS_UTF8,
                    ),
                )
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            try:
                # Windows' ANSI code page (Windows-1252, a superset of Latin-1 in what it
                # prints): what Notepad and PowerShell's Set-Content wrote for years.
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise SettingsError(
                    sentence(
                        "{path}, line {line}: {why}",
                        path=str(path),
                        line=line,
                        why=sentence(
                            "the file is neither UTF-8 nor Windows-1252 text; {fix}", fix=_SAVE_AS_UTF8
                        ),
                    )
                ) from None
            log.warning(
                "%s, line %d: not UTF-8; read as Windows-1252 (ANSI) for now; %s",
                path,
                line,
                _SAVE_AS_UTF8.text("en"),
            )
    text = text.removeprefix("\ufeff")  # a second mark, as some tools add
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Characters that look like a space or a quote and are not, as copying from a web
# page, an e-mail or Word leaves them.
_LOOKALIKES: dict[str, Sentence] = {
    "\u00a0": sentence("a non-breaking space"),
    "\u2007": sentence("a non-breaking space"),
    "\u202f": sentence("a non-breaking space"),
    "\u200b": sentence("an invisible zero-width space"),
    "\u2060": sentence("an invisible word joiner"),
    "\u3000": sentence("a wide space"),
    "\u201c": sentence("a curly quote {mark}", mark="“"),
    "\u201d": sentence("a curly quote {mark}", mark="”"),
    "\u201e": sentence("a curly quote {mark}", mark="„"),
    "\u2018": sentence("a curly quote {mark}", mark="‘"),
    "\u2019": sentence("a curly quote {mark}", mark="’"),
    "\u00ab": sentence("a quote {mark}", mark="«"),
    "\u00bb": sentence("a quote {mark}", mark="»"),
}


def _hint(line_text: str) -> Sentence | None:
    """What a person most likely did wrong on a line TOML cannot read, and the fix."""
    for char, what in _LOOKALIKES.items():
        if char in line_text:
            english = what.text("en")
            plain = (
                sentence("a plain space")
                if "space" in english or "joiner" in english
                else sentence('a straight quote "')
            )
            code = f"{ord(char):04X}"
            return sentence(
                "it holds {what} (U+{code}), as text copied from a web page or Word does; "
                "type {plain} instead",
                what=what,
                code=code,
                plain=plain,
            )
    _key, equals, value = line_text.partition("=")
    value = value.strip()
    if equals and value.startswith('"') and "\\" in value:
        return sentence(
            "a backslash inside \"...\" starts an escape; write a Windows path in single "
            "quotes ('C:\\Knop\\ca.pem') or with forward slashes"
        )
    if equals and value and value[0] not in "\"'[-+0123456789tf":
        return sentence("text must be in quotes, e.g. server_url = \"https://knop.example.dk\"")
    return None


# tomllib's messages (Python 3.11-3.13), in the reader's language. tomllib has no
# catalogue, so without these its English stayed inside a Danish sentence. Exact
# messages first, then those that name what they found (matched by their start).
_TOML_SAID: dict[str, Sentence] = {
    "Invalid value": sentence("a value is missing or not one TOML knows"),
    "Invalid statement": sentence("the line is neither name = value nor a [section]"),
    "Expected '=' after a key in a key/value pair": sentence("an = is missing after the name"),
    "Invalid initial character for a key part": sentence("a name cannot start with this character"),
    "Unterminated string": sentence("a text's closing quote is missing"),
    "Unclosed array": sentence("a list's closing ] is missing"),
    "Unclosed inline table": sentence("a table written on one line is not closed"),
    "Expected ']' at the end of a table declaration": sentence("a section's closing ] is missing"),
    "Cannot overwrite a value": sentence("the same setting is given twice"),
    "Expected newline or end of document after a statement": sentence(
        "something more follows the value on the same line"
    ),
    "Invalid date or datetime": sentence("not a valid date or time"),
    "Invalid hex value": sentence("not a valid number"),
    "Unescaped '\\' in a string": sentence("this backslash is not allowed here"),
}
_TOML_SAID_STARTS: tuple[tuple[str, Sentence], ...] = (
    ("Illegal character", sentence("a character that is not allowed here")),
    ("Found invalid character", sentence("a character that is not allowed here")),
    ("Cannot declare", sentence("the same section or setting is given twice")),
    ("Duplicate inline table key", sentence("the same setting is given twice")),
    ("Expected", sentence("something is missing here")),
)
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _toml_problem(problem: str) -> Wording:
    """The problem tomllib found (its message without the place) as Knop's own sentence.

    A message this table does not know keeps tomllib's English words in English,
    and says in Danish only that the text is not valid (better than English in a
    Danish sentence).
    """
    problem = problem.strip()
    known = _TOML_SAID.get(problem) or next(
        (said_ for start, said_ in _TOML_SAID_STARTS if problem.startswith(start)), None
    )
    if known is not None:
        return known
    return said(da=sentence("the text here cannot be read").text("da"), en=problem)


def _decode_message(path: Path, error: tomllib.TOMLDecodeError, text: str = "") -> Sentence:
    """Where the TOML is broken and what is wrong, in the reader's language.

    The file, line and column come from tomllib's '(at line L, column C)', with
    a hint for the usual slip.

    tomllib's message is parsed, not trusted: a place it words otherwise (or a
    Python that changed it) falls back to its raw text after the file's name.
    """
    message = str(error)
    match = _TOML_WHERE.search(message)
    if match is None:
        return _at(str(path), sentence("{why} (not valid TOML)", why=message))
    why = _toml_problem(message[: match.start()])
    if match[1] is None:  # "(at end of document)"
        return sentence("{path}, at the end of the file: {why} (not valid TOML)", path=str(path), why=why)
    lines = text.split("\n")
    number = int(match[1])
    hint = _hint(lines[number - 1]) if 0 < number <= len(lines) else None
    found = sentence(
        "{path}, line {line}, column {column}: {why} (not valid TOML)",
        path=str(path),
        line=match[1],
        column=match[2],
        why=why,
    )
    return sentence("{found}; {hint}", found=found, hint=hint) if hint else found


def _meant(name: str) -> Sentence | str:
    """" (did you mean 'language'?)" for a name one typo away from a setting's, else ""."""
    close = difflib.get_close_matches(name, [*KEYS, "locked"], n=1, cutoff=0.75)
    return sentence(" (did you mean {name}?)", name=repr(close[0])) if close else ""


def _unknown(key: str) -> Sentence:
    return sentence(
        "unknown setting {name}{hint}; known settings: {choices}, locked",
        name=repr(key),
        hint=_meant(key),
        choices=", ".join(KEYS),
    )


def _machine_values(spare: list[SettingsError] | None = None) -> dict[str, Any]:
    source = _read_sparing(machine_settings_path(), spare)
    return source.checked(MACHINE_KEYS, _unknown, spare) if source else {}


def _not_for_users(key: str) -> Sentence:
    if key in MACHINE_KEYS:
        return sentence("{setting} can only be set by IT, in {path}", setting=key, path=str(machine_settings_path()))
    return _unknown(key)


def _user_values(spare: list[SettingsError] | None = None) -> dict[str, Any]:
    source = _read_sparing(user_settings_path(), spare)
    return source.checked(USER_KEYS, _not_for_users, spare) if source else {}


def _env_values(environ: Mapping[str, str], spare: list[SettingsError] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, rule in KEYS.items():
        variable = env_name(key)
        text = environ.get(variable, "").strip()
        if not text:
            continue  # empty means unset, as with the KNOP_*_DIR variables
        value: object = text
        if rule.number and re.fullmatch(r"[+-]?\d+", text):
            value = int(text)
        try:
            result[key] = rule.check(value)
        except _Wrong as problem:
            _refuse(
                SettingsError(
                    sentence("environment variable {variable}: {why}", variable=variable, why=problem.said)
                ),
                spare,
            )
    return result


def _stricter_idle_lock(user: int, locked: int) -> bool:
    """Locking sooner never weakens IT's policy; 0 means never, the loosest of all."""
    if locked == 0:
        return True
    return 0 < user <= locked


def _user_refusal(key: str, value: object, machine: Settings) -> Sentence | None:
    """Why the user may not set this, or None if they may."""
    if key not in USER_KEYS:
        return _not_for_users(key)
    if key in machine.locked:
        if key == "idle_lock_minutes" and isinstance(value, int):
            if _stricter_idle_lock(value, machine.idle_lock_minutes):
                return None
            return sentence(
                "idle_lock_minutes is locked by IT at {value}; it can only be made shorter",
                value=machine.idle_lock_minutes,
            )
        return sentence("{setting} is locked by IT in {path}", setting=key, path=str(machine_settings_path()))
    return None


def _machine_settings(spare: list[SettingsError] | None = None) -> Settings:
    values = _machine_values(spare)
    return replace(Settings(), **values)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in force now: defaults < machine file < user file < environment.

    Raises SettingsError, with the file and line, at the first thing it cannot use.
    """
    return _load(environ, None)


def load_settings_sparing(
    environ: Mapping[str, str] | None = None,
) -> tuple[Settings, list[SettingsError]]:
    """(settings, errors): every mistake in the files and variables, and what could be read.

    For explaining a broken configuration in one go: each misspelt key or bad
    value is named (not only the first, so IT fixes them all at once), and a
    file that cannot be read or parsed at all counts as one mistake. The
    settings are what remains without them; the app uses them only to pick the
    language its refusal is written in, never to run on (docs/DEPLOYMENT.md,
    "Mistakes are reported, not guessed around"). `errors` is empty exactly
    when `load_settings()` would not raise.
    """
    spare: list[SettingsError] = []
    return _load(environ, spare), spare


class SettingsMistakes(SettingsError):
    """Every mistake in the settings at once, so IT fixes them all in one round (try-out s36).

    `mistakes` holds one SettingsError per misspelt key, bad value or unreadable
    file, in the order they are written; `str(error)` and `message(language)`
    give them all, one sentence a line, the same sentences the GUI's dialog lists.
    """

    def __init__(self, mistakes: list[SettingsError]) -> None:
        self.mistakes = list(mistakes)
        Exception.__init__(self, "\n".join(str(mistake) for mistake in self.mistakes))
        self.said = self.mistakes[0].said  # the first; message() gives them all

    def message(self, language: str) -> str:
        """Every mistake in `language` ("da" or "en"), one a line."""
        return "\n".join(mistake.message(language) for mistake in self.mistakes)


def load_settings_or_every_mistake(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in force now, like `load_settings()`, or SettingsMistakes naming every mistake.

    What every command uses (the GUI, `knop --self-test`, `knop sync`, `knop
    enrol`), so each lists the same mistakes in the same words
    (docs/DEPLOYMENT.md, "Mistakes are reported, not guessed around"). The
    files are read a second time only when the first read failed.
    """
    try:
        return load_settings(environ)
    except SettingsError as first:
        _readable, mistakes = load_settings_sparing(environ)
        raise SettingsMistakes(mistakes or [first]) from None


def tell_mistakes(command: str, error: SettingsError) -> None:
    """Every mistake `error` holds, one a line on stderr ("knop sync: <mistake>") and one ERROR record each.

    The one way every command tells a broken configuration (the GUI adds its
    dialog): the log file is where IT finds out about a scheduled `knop sync`
    that nobody watches, and stderr is for whoever ran the command. `command`
    is what failed, e.g. "knop enrol".
    """
    log_every_mistake(command, error)
    if sys.stderr is not None:  # a windowed Windows executable has none
        for mistake in mistakes_in(error):
            print(f"{command}: {mistake}", file=sys.stderr, flush=True)


def mistakes_in(error: SettingsError) -> list[SettingsError]:
    """The single mistakes a SettingsError stands for: its list (SettingsMistakes), or itself."""
    return list(error.mistakes) if isinstance(error, SettingsMistakes) else [error]


def log_every_mistake(command: str, error: SettingsError) -> None:
    """One ERROR record in the log file per mistake, saying `command` failed (not to stderr)."""
    for mistake in mistakes_in(error):
        log.error("%s: a mistake in Knop's settings: %s", command, mistake, extra=FILE_ONLY)


def _load(environ: Mapping[str, str] | None, spare: list[SettingsError] | None) -> Settings:
    machine = _machine_settings(spare)
    merged: dict[str, Any] = {}
    for key, value in _user_values(spare).items():
        refusal = _user_refusal(key, value, machine)
        if refusal:
            log.warning(
                "ignoring %s = %s from %s: %s",
                key,
                _shown(value),
                user_settings_path(),
                refusal.text("en"),
            )
        else:
            merged[key] = value
    merged.update(_env_values(os.environ if environ is None else environ, spare))
    return replace(machine, **merged)


# --- writing -----------------------------------------------------------------


def _toml_string(text: str) -> str:
    escapes = {
        '"': '\\"',
        "\\": "\\\\",
        "\b": "\\b",
        "\t": "\\t",
        "\n": "\\n",
        "\f": "\\f",
        "\r": "\\r",
    }
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: object) -> str:
    """The few shapes a setting can take, written as TOML (no dependency needed for flat keys)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple, frozenset, set)):
        items = sorted(value) if isinstance(value, (frozenset, set)) else list(value)
        return "[" + ", ".join(_toml_value(item) for item in items) + "]"
    raise TypeError(f"cannot write {value!r} as a setting")  # floats, tables and dates never are


def _write(path: Path, values: Mapping[str, Any], header: str, remedy: Sentence) -> Path:
    """Write flat key = value lines atomically, so a crash never leaves half a file."""
    lines = [f"# {header}"]
    lines += [f"{key} = {_toml_value(values[key])}" for key in MACHINE_KEYS if key in values]
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        raise SettingsError(
            _at(
                str(path),
                sentence(
                    "cannot be written ({error}); {fix}",
                    error=error.strerror or str(error),
                    fix=remedy,
                ),
            )
        ) from None
    return path


def save_machine_settings(**values: Any) -> Path:
    """Record machine-wide values (e.g. `knop enrol` saving server_url and site_id).

    Other keys already in the file are kept; a value of None removes its key.
    The file is rewritten in plain `key = value` form, so comments are not kept.
    """
    path = machine_settings_path()
    source = _SettingsFile.read(path)
    current = source.checked(MACHINE_KEYS, _unknown) if source else {}
    for key, value in values.items():
        if key not in MACHINE_KEYS:
            raise SettingsError(_at(str(path), _unknown(key)))
        if value is None:
            current.pop(key, None)
            continue
        try:
            current[key] = _check(key, value)
        except _Wrong as problem:
            raise SettingsError(_at(str(path), problem.said)) from None
    return _write(
        path,
        current,
        "Knop machine-wide settings (see docs/DEPLOYMENT.md). Written by knop enrol or IT.",
        sentence("run it as an administrator (root), or set KNOP_SYSTEM_CONFIG_DIR to a writable directory"),
    )


def save_user_setting(key: str, value: Any) -> Path:
    """Change one of the user's own settings; None returns it to the default."""
    machine = _machine_settings()
    refusal = _user_refusal(key, value, machine)
    if refusal and not (value is None and key in USER_KEYS):
        raise SettingsError(refusal)
    path = user_settings_path()
    source = _SettingsFile.read(path)
    current = source.checked(USER_KEYS, _not_for_users) if source else {}
    if value is None:
        current.pop(key, None)
    else:
        try:
            current[key] = KEYS[key].check(value)
        except _Wrong as problem:
            raise SettingsError(problem.said) from None
    return _write(
        path,
        current,
        "Knop: your own settings, written by the app.",
        sentence("check the folder's permissions"),
    )


# --- the person's own language ---------------------------------------------------------------
#
# On a shared PC one OS account is many people, so the language a person picks is
# theirs, not the account's: it is kept with their synced settings (PersonSettings,
# key desktop.core.notices.LANGUAGE_KEY, the one e-mail is also written in) and
# follows them to every PC. `Settings.language` (IT's machine file, the environment,
# or an old user file from before, still read) is the machine's language: the login
# screen's, and that of everyone who never chose.


def person_language(store_path: Path, person_id: str) -> str | None:
    """The language ("da" or "en") `person_id` chose, read from their store; None if they never did.

    Reads the file read-only (off the UI thread: it is a file read); a store that
    is missing, new or damaged answers None, so the machine's language applies.
    """
    try:
        conn = sqlite3.connect(paths.sqlite_uri(store_path, "ro"), uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(
            "SELECT preferences FROM person_settings WHERE person_id = ?", (person_id,)
        ).fetchone()
        preferences = json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError) as error:
        log.warning("cannot read %s's language from %s: %s", person_id, store_path, error)
        return None
    finally:
        conn.close()
    return chosen_language(preferences)


def chosen_language(preferences: object) -> str | None:
    """The language ("da" or "en") kept in a person's synced preferences; None if none is."""
    from desktop.core.notices import LANGUAGE_KEY  # loaded at login, not before the first window

    chosen = preferences.get(LANGUAGE_KEY) if isinstance(preferences, dict) else None
    return chosen if chosen in ("da", "en") else None
