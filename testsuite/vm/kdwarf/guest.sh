#!/bin/sh
# guest.sh - the VM side of testsuite/vm/kdwarf/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# Runs each /t/ko/kd_NAME.ko through staprun with a 7-byte dd as its -c
# command (kd_brd with dd on /dev/ram0, after insmod /t/brd.ko); stdout,
# stderr and exit status go to /tmp/res/NAME.{out,err,rc}, printed at the
# end as "@@@ NAME.x", the content, "@@@." for the host.
. "${0%/*}/guest-lib.sh"
SR=$1
R=/tmp/res
mkdir -p $R
# booted with kaslr: where the kernel landed
grep -o ' kaslr\b' /proc/cmdline > $R/kaslr.out
grep -w _stext /proc/kallsyms | cut -d' ' -f1 > $R/stext.out

run() {	# NAME [CMD]
	timeout -s INT 60 $SR -c "${2:-dd if=/dev/zero of=/dev/null bs=7 count=1}" \
		/t/ko/kd_$1.ko > $R/$1.out 2> $R/$1.err
	echo $? > $R/$1.rc
}

run vars
run clone
run wild
# the kernel's static data: a timer probe fires during the sleep
run gvars "sleep 1; dd if=/dev/zero of=/dev/null bs=7 count=1"
run gwrite
# brd.ko probed through its debug file: 3 direct writes, 2 direct reads
if [ -f /t/ko/kd_brd.ko ] && insmod /t/brd.ko rd_nr=1 rd_size=1024; then
	run brd "dd if=/dev/zero of=/dev/ram0 bs=4k count=3 oflag=direct 2>/dev/null; dd if=/dev/ram0 of=/dev/null bs=4k count=2 iflag=direct 2>/dev/null"
fi
# ---- kprobe blacklist: the kernel's own list, and a wildcard over
# blacklisted functions ----
[ -r /sys/kernel/debug/kprobes/blacklist ] ||
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
cat /sys/kernel/debug/kprobes/blacklist > $R/kblacklist.out
run kbl
# ---- end of the kprobe blacklist part ----
grep -c '^kd_' /proc/modules > $R/leftover.out

print_results $R
