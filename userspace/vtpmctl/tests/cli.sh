#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli.sh - command-line tests of vtpmctl (TAP 13)
#
#   cli.sh VTPMCTL [JSON_FILE]
#
# Exit codes (0 ok, 1 kernel or runtime error, 2 usage), help at every
# level, usage errors on stderr before any socket is opened, the printers'
# JSON (JSON_FILE, written by test_vtpmctl) parsed by python3, and the man
# page. Nothing here needs the vtpm module or changes the host.
set -u

BIN=$(realpath "$1")
JSON=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
MAN=$HERE/../../../Documentation/man/vtpmctl.8
TOOL=vtpmctl
# shellcheck source=SCRIPTDIR/../../tests/tap-cli.sh
. "$HERE/../../tests/tap-cli.sh"

echo "TAP version 13"
check "no arguments: usage, exit 2" usage
check "unknown option: exit 2" usage -x instance show
check "-n is not an option (the family is host-wide): exit 2" usage -n ns1 instance show
check "unknown object: exit 2" usage tpm show
check "objects are not abbreviated: exit 2" usage inst show
check "unknown command: exit 2" usage instance create vm1
check "add without a name: exit 2" usage instance add
check "add with a bad name: exit 2, names the rule" \
	eval 'usage instance add "a/b" && err_has "A-Z a-z 0-9"'
check "add with a 33-character name: exit 2" usage instance add 123456789012345678901234567890123
check "add with mode 0: exit 2" usage instance add vm1 mode 0
check "add with mode 1000: exit 2" usage instance add vm1 mode 1000
check "add with an unknown bank: exit 2" usage instance add vm1 banks sha512
check "add with an unknown user: exit 2" usage instance add vm1 owner no-such-user-vtpmctl
check "add with an option missing its value: exit 2" usage instance add vm1 banks
check "del without an instance: exit 2" usage instance del
check "del with id 0: exit 2" usage instance del id 0
check "reset with two names: exit 2" usage instance reset vm1 vm2
check "monitor with an argument: exit 2" usage monitor instance
check "help" help help
check "-h" help -h
check "--help" help --help
check "instance help" help instance help
check "instance add help" help instance add help
check "instance del help" help instance del help
check "instance show help" help instance show help
check "instance reset help" help instance reset help
check "monitor help" help monitor help
check "-V prints the version and the family version" \
	eval 'status 0 -V && out_has "^vtpmctl [0-9.]+ \(vtpm family version 1\)"'

# Without the module (or with it: the host must not be changed), a
# well-formed show either works or fails with exit 1 and a message.
if [ -d /sys/module/vtpm ]; then
	check "show with the module loaded: exit 0" status 0 instance show
else
	check "show without the module: exit 1, says to load it" \
		eval 'status 1 instance show && out_empty && err_has "family \"vtpm\" not found"'
fi

if [ -n "$JSON" ] && [ -s "$JSON" ]; then
	check "printers' JSON parses (python3), device paths present" \
		python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
objs = [json.loads(l) for l in lines]
inst = objs[0][0]
assert inst["tpm"] == "/dev/tpm%d" % inst["dev_num"]
assert inst["tpmrm"] == "/dev/tpmrm%d" % inst["dev_num"]
assert isinstance(inst["banks"], list) and inst["mode"] == "0640"
assert objs[1]["event"] == "instance-reset" and "instance" in objs[1]
' "$JSON"
else
	notok "printers' JSON parses (no JSON file from test_vtpmctl)"
fi

check "man page: renders without warnings" \
	eval '[ -r "$MAN" ] && [ -z "$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)" ]'
MANWIDTH=200 man -l "$MAN" 2>/dev/null | col -b > "$TMP/man.txt"
for w in "instance add" "instance del" "instance show" "instance reset" monitor \
	 allow_default_tpm max_instances tpm-udev "EXIT STATUS"; do
	check "man page documents \"$w\"" grep -q -- "$w" "$TMP/man.txt"
done

echo "1..$n"
[ "$fail" -eq 0 ]
