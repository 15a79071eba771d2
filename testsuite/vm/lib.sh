# testsuite/vm/lib.sh - what every testsuite/vm/*/run-tests (and
# testsuite/build/run-tests) shares (bash):
# counting checks, and unpacking what the guest printed with
# guest-lib.sh's print_results.  Sourced after VERBOSE is set; the suite
# ends with: echo "$PASSED passed, $FAILED failed".
PASSED=0
FAILED=0

pass() {
	PASSED=$((PASSED + 1))
	[ "${VERBOSE:-0}" = 1 ] && echo "PASS: $1"
	return 0
}

fail() {	# DESC [DETAIL...]
	FAILED=$((FAILED + 1))
	echo "FAIL: $1"
	shift
	local line
	for line in "$@"; do echo "    $line"; done
	return 0
}

check() {	# DESC ACTUAL EXPECTED
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $(printf %q "$3")" "got:      $(printf %q "$2")"
	fi
}

ok() {		# DESC COMMAND...: passes when COMMAND succeeds
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc" "$(printf '%q ' "$@")"; fi
}

# unpack_results VMOUT DIR: each "@@@ PATH nl=0|1", content, "@@@." block
# of vm/run's output as the file DIR/PATH, byte for byte (nl=0: the file
# had no final newline).
unpack_results() {
	awk -v dir="$2" '
	/^@@@ / && !f { f = dir "/" $2; nl = ($3 == "nl=1"); n = 0; d = $2
		if (sub(/\/[^\/]*$/, "", d)) system("mkdir -p \"" dir "/" d "\"")
		printf "" > f; next }
	/^@@@\.$/ && f { if (nl && n) printf "\n" > f; close(f); f = ""; next }
	f { printf "%s%s", (n++ ? "\n" : ""), $0 > f }
	' "$1"
}

# res NAME: the guest's result file NAME (under $T/res), "<missing NAME>"
# when the guest did not write it.
res() { if [ -f "$T/res/$1" ]; then cat "$T/res/$1"; else echo "<missing $1>"; fi; }

# check_kernel_log VMERR [DESC]: vm/run's stderr has no "vm: kernel:"
# lines (the BUG, Oops, WARNING or Call Trace lines it copies from the
# guest's log).
check_kernel_log() {
	local desc=${2:-the kernel log has no BUG/WARNING/Oops}

	if grep -q '^vm: kernel:' "$1"; then
		fail "$desc" "$(grep '^vm: kernel:' "$1" | head -8)"
	else
		pass "$desc"
	fi
}
