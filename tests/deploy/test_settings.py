"""Settings: precedence, IT's locks, and messages that say where a file is wrong."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop import paths
from desktop.settings import (
    Settings,
    SettingsError,
    load_settings,
    save_machine_settings,
    save_user_setting,
)

Writer = Callable[[str], Path]


def test_defaults_without_any_file() -> None:
    assert load_settings() == Settings()
    assert load_settings().idle_lock_minutes == 10
    assert load_settings().locked == frozenset()


def test_precedence_defaults_machine_user_env(
    machine_file: Writer, user_file: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine_file(
        'server_url = "https://knop.egeskov.dk/"\n'
        'site_id = "s-school"\n'
        "idle_lock_minutes = 15\n"
        'language = "da"\n'
        "sync_interval_seconds = 120\n"
    )
    user_file('language = "en"\nidle_lock_minutes = 5\n')
    settings = load_settings()
    assert settings.server_url == "https://knop.egeskov.dk"  # trailing slash dropped
    assert settings.site_id == "s-school"
    assert settings.language == "en"  # user beats machine
    assert settings.idle_lock_minutes == 5
    assert settings.sync_interval_seconds == 120  # machine beats default
    assert settings.offline_login_days == 14  # default

    monkeypatch.setenv("KNOP_LANGUAGE", "da")
    monkeypatch.setenv("KNOP_IDLE_LOCK_MINUTES", " 30 ")
    monkeypatch.setenv("KNOP_SERVER_URL", "https://test.egeskov.dk")
    monkeypatch.setenv("KNOP_PROXY", "")  # empty means unset
    settings = load_settings()
    assert (settings.language, settings.idle_lock_minutes) == ("da", 30)  # env beats user
    assert settings.server_url == "https://test.egeskov.dk"  # env beats machine
    assert settings.proxy is None


def test_every_env_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "KNOP_SERVER_URL": "http://localhost:8765",
        "KNOP_SITE_ID": "s-care",
        "KNOP_CA_BUNDLE": r"C:\ProgramData\Knop\ca.pem",
        "KNOP_PROXY": "http://proxy.egeskov.dk:8080",
        "KNOP_IDLE_LOCK_MINUTES": "0",
        "KNOP_LANGUAGE": "en",
        "KNOP_OFFLINE_LOGIN_DAYS": "3",
        "KNOP_SYNC_INTERVAL_SECONDS": "30",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    assert load_settings() == Settings(
        server_url="http://localhost:8765",
        site_id="s-care",
        ca_bundle=r"C:\ProgramData\Knop\ca.pem",
        proxy="http://proxy.egeskov.dk:8080",
        idle_lock_minutes=0,
        language="en",
        offline_login_days=3,
        sync_interval_seconds=30,
    )


def test_bad_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOP_IDLE_LOCK_MINUTES", "ten")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == (
        "environment variable KNOP_IDLE_LOCK_MINUTES: "
        'idle_lock_minutes must be a whole number of minutes from 0 to 1440, got "ten"'
    )


def test_locked_key_ignores_the_user_file(
    machine_file: Writer, user_file: Writer, caplog: pytest.LogCaptureFixture
) -> None:
    machine_file('language = "da"\nlocked = ["language"]\n')
    user_file('language = "en"\n')
    with caplog.at_level(logging.WARNING, logger="desktop.settings"):
        settings = load_settings()
    assert settings.language == "da"
    assert settings.is_locked("language")
    assert "locked by IT" in caplog.text


def test_locking_a_key_the_machine_file_does_not_set_locks_the_default(
    machine_file: Writer, user_file: Writer
) -> None:
    machine_file('locked = ["idle_lock_minutes"]\n')
    user_file("idle_lock_minutes = 60\n")
    assert load_settings().idle_lock_minutes == 10


def test_locked_idle_lock_may_only_be_made_shorter(machine_file: Writer, user_file: Writer) -> None:
    machine_file('idle_lock_minutes = 15\nlocked = ["idle_lock_minutes"]\n')
    user_file("idle_lock_minutes = 5\n")
    assert load_settings().idle_lock_minutes == 5
    for looser in (30, 0):  # 0 = never, the loosest
        user_file(f"idle_lock_minutes = {looser}\n")
        assert load_settings().idle_lock_minutes == 15
    with pytest.raises(SettingsError, match="only be made shorter"):
        save_user_setting("idle_lock_minutes", 20)
    save_user_setting("idle_lock_minutes", 2)
    assert load_settings().idle_lock_minutes == 2


def test_env_overrides_even_a_locked_key(
    machine_file: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine_file('language = "da"\nlocked = ["language"]\n')
    monkeypatch.setenv("KNOP_LANGUAGE", "en")
    assert load_settings().language == "en"


def test_syntax_error_names_file_line_and_column(machine_file: Writer) -> None:
    path = machine_file('server_url = "https://knop.egeskov.dk"\nidle_lock_minutes = ten\n')
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{path}, line 2, column 21: ")
    assert "not valid TOML" in message


@pytest.mark.parametrize(
    ("text", "english_words", "danish"),
    [
        ('site_id = "s"\nidle_lock_minutes = ten\n', "Invalid value", ", linje 2, kolonne 21: "),
        ('language = "da"\nlanguage = "en"\n', "Cannot overwrite", ", linje 2, kolonne 16: "),
        ('[server\n', "Expected ']'", ", linje 1, kolonne 8: "),
        ('language = "da', "Unterminated string", ", til sidst i filen: "),
    ],
)
def test_syntax_error_reads_danish_throughout(
    machine_file: Writer, text: str, english_words: str, danish: str
) -> None:
    """Try-out 5: the frame was Danish, tomllib's own words ("Invalid value") stayed English."""
    path = machine_file(text)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    said = caught.value.message("da")
    assert said.startswith(f"{path}{danish}"), said
    assert said.endswith("(ikke gyldig TOML)") or "(ikke gyldig TOML); " in said, said
    assert english_words not in said and english_words not in str(caught.value)


def test_a_toml_message_knop_does_not_know_keeps_its_words_in_english(machine_file: Writer) -> None:
    """A message without a Danish wording: Danish says the text cannot be read, English keeps
    tomllib's words (for IT); a place tomllib words otherwise falls back to its raw text."""
    path = machine_file('a = {x = 1}\na.y = 2\n')  # "Cannot mutate immutable namespace ('a',)"
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{path}, line 2, column 8: Cannot mutate immutable namespace")
    assert caught.value.message("da") == (
        f"{path}, linje 2, kolonne 8: teksten her kan ikke læses (ikke gyldig TOML)"
    )
    from desktop.settings import _decode_message

    odd = _decode_message(path, tomllib.TOMLDecodeError("Invalid value (line 2)"))
    assert odd.text("da") == f"{path}: Invalid value (line 2) (ikke gyldig TOML)"


def test_wrong_type_names_file_line_and_value(machine_file: Writer) -> None:
    path = machine_file('# IT, 2026\nsite_id = "s-school"\nidle_lock_minutes = "ten"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == (
        f'{path}, line 3: idle_lock_minutes must be a whole number of minutes from 0 to 1440, got "ten"'
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("idle_lock_minutes = true", "whole number of minutes from 0 to 1440, got true"),
        ("idle_lock_minutes = -1", "whole number of minutes from 0 to 1440, got -1"),
        ("sync_interval_seconds = 1", "whole number of seconds from 5 to 86400, got 1"),
        ('language = "de"', 'language must be "da" or "en", got "de"'),
        ('server_url = "knop.egeskov.dk"', "must be a URL starting with https:// or http://"),
        ('proxy = "proxy:8080"', "proxy must be a URL"),
        ('site_id = ""', "site_id must be a non-empty text"),
        ("offline_login_days = 1.5", "whole number of days from 0 to 365, got 1.5"),
        ('locked = ["language", "colour"]', 'unknown setting "colour"'),
        ('locked = "language"', "locked must be a list"),
        ('login_list = "admins"', 'login_list must be "staff", "everyone" or "off", got "admins"'),
        ("login_list = false", 'login_list must be "staff", "everyone" or "off", got false'),
    ],
)
def test_bad_values(machine_file: Writer, line: str, problem: str) -> None:
    path = machine_file(f"# comment\n{line}\n")
    with pytest.raises(SettingsError, match=f"^{path}, line 2: .*") as caught:
        load_settings()
    assert problem in str(caught.value)


def test_unknown_key_and_table(machine_file: Writer) -> None:
    path = machine_file('site_id = "s"\nidle_lock = 5\n')
    with pytest.raises(
        SettingsError,
        match=f"^{path}, line 2: unknown setting 'idle_lock'; known settings: server_url",
    ):
        load_settings()
    machine_file('site_id = "s"\n\n[proxy.auth]\nuser = "x"\n')
    with pytest.raises(SettingsError, match="line 3: proxy must be a non-empty text"):
        load_settings()


def test_a_misspelt_setting_is_named_with_the_one_meant(machine_file: Writer) -> None:
    """Try-out 2: IT's typo "langauge" got the whole list of settings to search by eye."""
    path = machine_file('site_id = "s"\nlangauge = "da"\n')
    with pytest.raises(
        SettingsError,
        match=f"^{path}, line 2: unknown setting 'langauge' \\(did you mean 'language'\\?\\); known settings: ",
    ):
        load_settings()
    machine_file('locked = ["server-url"]\n')
    with pytest.raises(SettingsError, match=r"unknown setting \"server-url\" \(did you mean 'server_url'\?\)"):
        load_settings()


def test_user_file_may_not_set_machine_keys(user_file: Writer) -> None:
    path = user_file('language = "en"\nserver_url = "https://evil.example"\n')
    with pytest.raises(SettingsError, match=f"^{path}, line 2: server_url can only be set by IT"):
        load_settings()


# --- files as IT's tools write them ------------------------------------------------

IT_FILE = (
    "# Egeskov Kommune, Plejehjemmet Solgården\n"
    'server_url = "https://knop.egeskov.dk"\n'
    'site_id = "s-solgården"\n'
    "offline_login_days = 7\n"
)


def machine_bytes(raw: bytes) -> Path:
    path = paths.system_config_dir() / "knop.toml"
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(IT_FILE.encode("utf-8"), id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + IT_FILE.encode("utf-8"), id="utf-8 with BOM (Notepad, PowerShell 7 -Encoding utf8BOM)"),
        pytest.param(IT_FILE.replace("\n", "\r\n").encode("utf-16"), id="utf-16 LE with BOM, CRLF (Notepad Unicode, PowerShell 5 Out-File)"),
        pytest.param(b"\xfe\xff" + IT_FILE.encode("utf-16-be"), id="utf-16 BE with BOM"),
        pytest.param(IT_FILE.replace("\n", "\r\n").encode("utf-8"), id="CRLF line ends"),
        pytest.param(IT_FILE.replace("\n", "\r").encode("utf-8"), id="CR line ends (old Mac)"),
        pytest.param(IT_FILE.replace("\n", "\r\n").encode("cp1252"), id="Windows-1252 (ANSI, Set-Content in PowerShell 5)"),
        pytest.param(IT_FILE.encode("latin-1"), id="Latin-1"),
        pytest.param(
            IT_FILE.replace("server_url =", "\tserver_url\t=").replace('"\n', '"  \t\n').encode(),
            id="tabs and trailing whitespace",
        ),
        pytest.param(
            IT_FILE.replace('egeskov.dk"', 'egeskov.dk  "').encode(), id="spaces inside the quotes"
        ),
    ],
)
def test_a_file_as_any_common_tool_writes_it_is_read(raw: bytes) -> None:
    machine_bytes(raw)
    settings = load_settings()
    assert settings.server_url == "https://knop.egeskov.dk"
    assert settings.site_id == "s-solgården"
    assert settings.offline_login_days == 7


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (IT_FILE.encode("utf-16-le"), "not UTF-8 but UTF-16 text without a byte order mark"),
        (b"\xff\xfe" + b"s\x00i\x00\x00\xd8", "starts like UTF-16 text but is not valid UTF-16"),
        (b'site_id = "s"\nlanguage = "d\x81"\n', "line 2: the file is neither UTF-8 nor Windows-1252"),
        ("idle_lock_minutes\u00a0= 5\n".encode(), "non-breaking space (U+00A0)"),
        ('server_url = \u201chttps://knop.egeskov.dk\u201d\n'.encode(), "curly quote"),
        (b'ca_bundle = "C:\\Users\\it\\ca.pem"\n', "write a Windows path in single quotes"),
        (b"server_url = https://knop.egeskov.dk\n", "text must be in quotes"),
        (b'site_id = "s-\tschool"\n', "site_id holds a tab"),
        ('site_id = "s-\u200bschool"\n'.encode(), "site_id holds a tab, a line break or an invisible"),
    ],
)
def test_a_file_that_cannot_be_read_for_certain_names_the_problem_and_the_fix(
    raw: bytes, problem: str
) -> None:
    path = machine_bytes(raw)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message
    assert "UTF-8" in message or "retype" in message or "instead" in message or "quote" in message


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(IT_FILE.replace("\n", "\r\n").encode("utf-16-le"), id="UTF-16 LE without a byte order mark"),
        pytest.param(IT_FILE.encode("utf-16-be"), id="UTF-16 BE without a byte order mark"),
        pytest.param(b"\xff\xfe" + IT_FILE.encode("utf-16-le")[:-1], id="UTF-16 cut off after its mark"),
        pytest.param(b'site_id = "s"\nlanguage = "d\x81"\n', id="neither UTF-8 nor Windows-1252"),
    ],
)
def test_a_file_knop_cannot_decode_says_it_must_be_utf_8_in_both_languages(raw: bytes) -> None:
    """Found by a new-user try-out: a settings file saved as UTF-16 got a sentence that said
    what was found (NUL bytes) and how to save, but not the rule: the file must be UTF-8."""
    path = machine_bytes(raw)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.message("en").startswith(str(path))
    assert "the file must be UTF-8: save it as UTF-8 (in Notepad: File, Save as, Encoding: UTF-8)" in (
        caught.value.message("en")
    )
    assert "filen skal være UTF-8: gem den som UTF-8 (i Notesblok: Filer, Gem som, Kodning: UTF-8)" in (
        caught.value.message("da")
    )


def test_a_windows_1252_file_is_read_and_the_log_says_so(caplog: pytest.LogCaptureFixture) -> None:
    path = machine_bytes(b'site_id = "s"\nlanguage = "d\xe6"\n')  # "dæ" in ANSI
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == f'{path}, line 2: language must be "da" or "en", got "dæ"'
    assert "read as Windows-1252" in caplog.text and "save it as UTF-8" in caplog.text


def test_a_single_quoted_windows_path_is_read(machine_file: Writer) -> None:
    machine_file("ca_bundle = 'C:\\ProgramData\\Knop\\kommune-ca.pem'\n")
    assert load_settings().ca_bundle == "C:\\ProgramData\\Knop\\kommune-ca.pem"


def test_save_machine_settings_keeps_other_keys_and_round_trips(machine_file: Writer) -> None:
    machine_file('# written by IT\nproxy = "http://proxy:8080"\nlocked = ["proxy"]\n')
    path = save_machine_settings(server_url="https://knop.egeskov.dk", site_id='s-"quoted"\\x')
    assert path == paths.system_config_dir() / "knop.toml"
    settings = load_settings()
    assert settings.server_url == "https://knop.egeskov.dk"
    assert settings.site_id == 's-"quoted"\\x'
    assert settings.proxy == "http://proxy:8080"
    assert settings.locked == {"proxy"}
    assert tomllib.loads(path.read_text(encoding="utf-8"))["locked"] == ["proxy"]
    save_machine_settings(proxy=None, locked=["language"])
    assert load_settings().proxy is None
    assert load_settings().locked == {"language"}


def test_save_machine_settings_creates_the_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KNOP_SYSTEM_CONFIG_DIR", str(tmp_path / "etc" / "xdg" / "Knop"))
    save_machine_settings(server_url="https://knop.egeskov.dk")
    assert load_settings().server_url == "https://knop.egeskov.dk"


def test_save_machine_settings_refuses_bad_values() -> None:
    with pytest.raises(SettingsError, match="unknown setting 'colour'"):
        save_machine_settings(colour="red")
    with pytest.raises(SettingsError, match="whole number of minutes"):
        save_machine_settings(idle_lock_minutes="10")
    assert not (paths.system_config_dir() / "knop.toml").exists()


def test_save_machine_settings_unwritable_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("KNOP_SYSTEM_CONFIG_DIR", str(blocker / "Knop"))
    with pytest.raises(SettingsError, match=r"cannot be written .*administrator"):
        save_machine_settings(server_url="https://knop.egeskov.dk")


def test_save_user_setting(user_file: Writer) -> None:
    save_user_setting("language", "en")
    save_user_setting("idle_lock_minutes", 3)
    assert (load_settings().language, load_settings().idle_lock_minutes) == ("en", 3)
    save_user_setting("language", None)  # back to following the system
    assert load_settings().language is None
    assert load_settings().idle_lock_minutes == 3


def test_save_user_setting_refuses_machine_and_locked_keys(machine_file: Writer) -> None:
    with pytest.raises(SettingsError, match="server_url can only be set by IT"):
        save_user_setting("server_url", "https://knop.egeskov.dk")
    with pytest.raises(SettingsError, match="unknown setting"):
        save_user_setting("colour", "red")
    with pytest.raises(SettingsError, match="language must be"):
        save_user_setting("language", "de")
    machine_file('locked = ["language"]\n')
    with pytest.raises(SettingsError, match="language is locked by IT"):
        save_user_setting("language", "en")
    assert not (paths.config_dir() / "settings.toml").exists()
