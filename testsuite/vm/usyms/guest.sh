#!/bin/sh
# guest.sh - the VM side of testsuite/vm/usyms/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN WORKLOAD
#
# Runs each /t/ko/uy_NAME.ko through staprun with the workload as its -c
# command; stdout, stderr and exit status go to /tmp/res/NAME.{out,err,rc},
# printed at the end as "@@@ NAME.x", the content, "@@@." for the host.
. "${0%/*}/guest-lib.sh"
SR=$1
W=$2
R=/tmp/res
mkdir -p $R

# uy_mism's table is of another file at DIR/mism/usymwl: the workload
# is put there, with another size
mkdir -p ${W%/*}/mism
cp $W ${W%/*}/mism/usymwl

for m in /t/ko/uy_*.ko; do
	n=${m#/t/ko/uy_}
	n=${n%.ko}
	c=$W
	[ $n = mism ] && c=${W%/*}/mism/usymwl
	timeout -s INT 60 $SR -c "$c" $m > $R/$n.out 2> $R/$n.err
	echo $? > $R/$n.rc
done
grep -c '^uy_' /proc/modules > $R/leftover.out

print_results $R
