#!/bin/sh
# guest.sh - the VM side of testsuite/vm/usdt/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN WORKLOAD PIE-WORKLOAD
#
# Runs each /t/ko/us_NAME.ko through staprun with the workload as its -c
# command; stdout, stderr and exit status go to /tmp/res/NAME.{out,err,rc},
# printed at the end as "@@@ NAME.x", the content, "@@@." for the host.
. "${0%/*}/guest-lib.sh"
SR=$1
W=$2
P=$3
R=/tmp/res
mkdir -p $R

run() {	# NAME ARGS
	timeout -s INT 60 $SR -c "$W $2" /t/ko/us_$1.ko > $R/$1.out 2> $R/$1.err
	echo $? > $R/$1.rc
}

run args 3
run gated 1
run wild 2
run prov 2
run glob "3; $P 5"
# without a module: the semaphore stays 0
$W 1 > $R/plain.out 2>&1
grep -c '^us_' /proc/modules > $R/leftover.out

print_results $R
