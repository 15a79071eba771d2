#!/bin/sh
# guest.sh - the VM side of testsuite/vm/kdwarf/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# Runs each /t/ko/kd_NAME.ko through staprun with a 7-byte dd as its -c
# command; stdout, stderr and exit status go to /tmp/res/NAME.{out,err,rc},
# printed at the end as "@@@ NAME.x", the content, "@@@." for the host.
. "${0%/*}/guest-lib.sh"
SR=$1
R=/tmp/res
mkdir -p $R

run() {	# NAME
	timeout -s INT 60 $SR -c 'dd if=/dev/zero of=/dev/null bs=7 count=1' \
		/t/ko/kd_$1.ko > $R/$1.out 2> $R/$1.err
	echo $? > $R/$1.rc
}

run vars
run clone
run wild
grep -c '^kd_' /proc/modules > $R/leftover.out

print_results $R
