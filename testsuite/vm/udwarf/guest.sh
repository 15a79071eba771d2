#!/bin/sh
# guest.sh - the VM side of testsuite/vm/udwarf/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# Runs each /t/ko/ud_NAME.ko through staprun with the program named in
# /t/ko/ud_NAME.cmd as its -c command; stdout, stderr and exit status go
# to /tmp/res/NAME.{out,err,rc}, printed at the end as "@@@ NAME.x", the
# content, "@@@." for the host.
. "${0%/*}/guest-lib.sh"
SR=$1
R=/tmp/res
mkdir -p $R

for ko in /t/ko/ud_*.ko; do
	n=${ko#/t/ko/ud_}
	n=${n%.ko}
	timeout -s INT 60 $SR -c "$(cat /t/ko/ud_$n.cmd)" $ko > $R/$n.out 2> $R/$n.err
	echo $? > $R/$n.rc
done
grep -c '^ud_' /proc/modules > $R/leftover.out

print_results $R
