# testsuite/vm/guest-lib.sh - what the guest side of every VM suite
# shares (busybox sh): print_results DIR prints each file under DIR as
# "@@@ PATH nl=0|1" (PATH relative to DIR; nl=0: no final newline), its
# content, "@@@.", for lib.sh's unpack_results on the host; loaded and
# wait_for for the suites that drive staprun by hand.
print_results() {
	for f in $(find "$1" -type f | sort); do
		nl=1
		[ -s "$f" ] && [ "$(tail -c 1 "$f" | wc -l)" = 0 ] && nl=0
		echo "@@@ ${f#$1/} nl=$nl"
		cat "$f"
		[ $nl = 0 ] && echo
		echo "@@@."
	done
}

loaded() {	# MODULE: is it in /proc/modules?
	if grep -q "^$1 " /proc/modules; then echo loaded; else echo unloaded; fi
}

wait_for() {	# FILE PATTERN: poll for up to 30 s for PATTERN in FILE
	local i=0
	while [ $i -lt 600 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		usleep 50000
		i=$((i + 1))
	done
	return 1
}
