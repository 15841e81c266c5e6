"""Session 9's hostile review of the shell reader: an insider who knows lineguard's source
words a destructive job so that tree-sitter-bash hangs its words where the reader does not
look, or crafts a job that stops the judge. Each destructive form has a quiet look-alike."""

from __future__ import annotations

import pytest

from tests.test_effects_general import ROW, _verdict

D = "/srv/ems/linedata"


# tree-sitter-bash takes the words after a redirection for more destinations of it, where
# bash takes them for arguments of the command
@pytest.mark.parametrize("text", [
    f"rm -rf 2>/dev/null {D}\n",
    f"rm >/dev/null -rf {D}\n",
    f"rm -rf >/dev/null 2>&1 {D}\n",
    f"rm -rf &>/dev/null {D} | cat\n",
    f"x=$(rm -rf 2>/dev/null {D})\n",
    f"wipe() {{ rm -rf 2>/dev/null \"$1\"; }}\nwipe {D}\n",
    ROW.replace(" atm9 ", " 2>/dev/null atm9 ") + "\n",
    "printf 'configure terminal\\nno pvc 0/32\\nend\\n' | ssh -T 2>/dev/null oper@atm9\n",
    f"shopt -s expand_aliases\nalias del='rm -rf'\ndel 2>/dev/null {D}\n",
])
def test_words_after_a_redirection_are_arguments_of_the_command(text):
    assert _verdict(text) == "destructive"


@pytest.mark.parametrize("text", [
    f"ls -l 2>/dev/null {D}\n",
    f"tar -czf /backup/linedata.tgz 2>/dev/null {D}\n",
    "printf 'show atm pvc\\n' | ssh -T 2>/dev/null oper@atm9\n",
])
def test_words_after_a_redirection_of_a_harmless_command_stay_harmless(text):
    assert _verdict(text) != "destructive"


@pytest.mark.parametrize("text", [
    "echo hi | ssh -T\n",
    "printf 'show atm pvc\\n' | ssh -q\n",
])
def test_input_piped_to_ssh_without_a_host_is_judged_not_a_crash(text):
    assert _verdict(text) in ("benign", "suspicious", "destructive")


# `;;&` or `;&` right before `esac` (valid bash 4): tree-sitter-bash cannot end the item and
# takes the lines that follow for single words of the stretch it cannot place
_FALLS = "case $x in a) echo a ;& b) echo b;;& esac\n"


# Known miss: reading the lines from the first word that begins a line to the end of the
# stretch found these, but in a long script the parser cannot place (rkhunter) that is the whole
# rest of the file read once more: +20% of the instructions of judging 3,000 mixed jobs.
@pytest.mark.xfail(strict=True, reason="lines after `;;& esac` are not read again")
@pytest.mark.parametrize("text", [
    _FALLS + f"rm -rf {D}\n",
    f"f() {{\n{_FALLS}rm -rf {D}\n}}\nf\n",
    f"if true; then\n{_FALLS}{ROW}\nfi\n",
])
def test_lines_after_a_case_item_the_parser_cannot_end_are_read_as_commands(text):
    assert _verdict(text) == "destructive"


@pytest.mark.parametrize("text", [
    _FALLS + f"echo 'never rm -rf {D}'\n",
    _FALLS + "find /var/log/ems -name '*.gz' -mtime +30 -delete\n",
])
def test_harmless_lines_after_a_case_item_the_parser_cannot_end_stay_harmless(text):
    assert _verdict(text) != "destructive"


# --- aliases -------------------------------------------------------------------------------

_E = "shopt -s expand_aliases\n"


@pytest.mark.parametrize("text", [
    # an alias that ends with a blank: the word after it is checked for an alias too
    _E + f"alias sudo='sudo '\nalias del='rm -rf'\nsudo del {D}\n",
    _E + f"alias n='nice '\nalias del='rm -rf'\nn del {D}\n",
    _E + f"alias del='rm -rf '\ndel 2>/dev/null {D}\n",
    # `time` is a reserved word: an alias after it is expanded
    _E + f"alias del='rm -rf'\ntime del {D}\n",
    _E + f"alias del='rm -rf'\ntime -p del 2>/dev/null {D}\n",
    # an alias in a script of plain lines (no quotes), here and in a sourced rc file
    f"alias del=rm\ndel -rf {D}\n",
    f". /etc/ems/aliases\ndel -rf {D}\n",
])
def test_aliases_bash_expands_are_expanded(text):
    assert _verdict(text, {"etc/ems/aliases": "alias del=rm\n"}) == "destructive"


@pytest.mark.parametrize("text", [
    _E + f"alias sudo='sudo '\nalias ll='ls -l'\nsudo ll {D}\n",
    _E + f"alias ls='rm -rf'\nunalias ls\nls {D}\n",
    _E + f"alias ls='rm -rf'\nunalias -a\nls {D}\n",
    f"alias ls=rm\nunalias ls\nls -rf {D}\n",
    f"alias ll=ls\nll -l {D}\n",
])
def test_aliases_bash_does_not_expand_or_that_only_list_stay_harmless(text):
    assert _verdict(text) != "destructive"


def test_lines_read_again_are_not_read_again_and_again_to_the_depth_limit():
    """Each place the parser cannot end the item loses the lines after it: read again from
    the first, the rest would be lost again at the next, down to the depth limit (a reading
    limit, loud, for a harmless script: a false alarm an insider can plant)."""
    assert _verdict((_FALLS + "echo a\n") * 16) == "benign"


@pytest.mark.parametrize("body", [
    "alias del='rm -rf '\nw() { del 2>/dev/null /srv/ems/linedata; }\n",
    "alias del='rm -rf'\nw() { time del /srv/ems/linedata; }\n",
])
def test_an_alias_in_a_function_called_from_a_sourced_plain_file_is_expanded(body):
    assert _verdict(_E + body + ". /etc/ems/run\n", {"etc/ems/run": "w\n"}) == "destructive"


# --- command substitutions the walk did not run --------------------------------------------

_SUB = f"$(rm -rf {D})"


@pytest.mark.parametrize("text", [
    f'[ -n "{_SUB}" ]\n',
    f"[[ -n {_SUB} ]] && echo gone\n",
    f'case "{_SUB}" in *) echo;; esac\n',
    f"[ -n \"$({ROW})\" ]\n",
])
def test_a_command_substitution_in_a_test_or_a_case_word_is_run(text):
    """The substitutions anywhere in a test's strings and operands, and in a case word, run
    (the lead's fix after this review: found in the walk where the test's text holds one)."""
    assert _verdict(text) == "destructive"


# Known misses: the walk runs no command substitution nested in arithmetic, an expansion's
# operand or a here-document's body. Running every substitution the walk did not reach (a
# tree-sitter query after the walk) found them all, at +28% of the instructions of judging
# 3,000 mixed jobs (Debian scripts test `"$(…)"` often): over the session's +1% bound, so not
# kept. (A function nothing calls is read as such: suspicious, not destructive.)
@pytest.mark.xfail(strict=True, reason="substitutions outside the walk are not run")
@pytest.mark.parametrize("text", [
    f"(( x = {_SUB} ))\n",
    f"echo $(( {_SUB} ))\n",
    f"echo ${{a[{_SUB}]}}\n",
    f"echo ${{x:-{_SUB}}}\n",
    f"cat >/dev/null <<EOF\n{_SUB}\nEOF\n",
    f'check() {{ [ -n "{_SUB}" ]; }}\n',
])
def test_a_command_substitution_anywhere_is_run(text):
    assert _verdict(text) == "destructive"


@pytest.mark.parametrize("text", [
    f'[ -n "$(ls {D})" ]\n',
    f"cat <<'EOF'\n{_SUB}\nEOF\n",
    f'cat <<"EOF"\n{_SUB}\nEOF\n',
    f"echo '[ -n \"{_SUB}\" ]'\n",
    "case $(hostname) in ems*) echo ems;; esac\n",
])
def test_a_command_substitution_that_is_quoted_or_harmless_stays_harmless(text):
    assert _verdict(text) != "destructive"
