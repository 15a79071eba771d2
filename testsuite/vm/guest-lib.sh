# testsuite/vm/guest-lib.sh - what the guest side of every VM suite
# shares (busybox sh): print_results DIR prints each file under DIR as
# "@@@ PATH nl=0|1" (PATH relative to DIR; nl=0: no final newline), its
# content, "@@@.", for lib.sh's unpack_results on the host.
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
