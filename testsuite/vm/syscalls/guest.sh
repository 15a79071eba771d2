#!/bin/sh
# guest.sh - the VM side of testsuite/vm/syscalls/run-tests (busybox sh).
#
#   sh /t/guest.sh
#
# /t/staprun, /t/workload, /t/ko/sc_NAME.ko, /t/data (3000 bytes).  Each
# module runs once through staprun -c; the workload writes what it expects
# to /tmp/res/NAME.exp.  Results are printed at the end as "@@@ FILE",
# its content, "@@@.".
. "${0%/*}/guest-lib.sh"
SR=/t/staprun
K=/t/ko
R=/tmp/res
mkdir -p $R
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

run() {	# NAME CMD
	rm -rf /tmp/sc
	timeout -s INT 300 $SR -c "$2" $K/sc_$1.ko > $R/$1.out 2> $R/$1.err
	echo $? > $R/$1.rc
}

run all "/t/workload $R/all.exp"
run vars "/t/workload $R/vars.exp"
run byproc "dd if=/dev/zero of=/dev/null bs=1 count=500"
run readers "dd if=/t/data of=/dev/null bs=100"
run target "/t/workload $R/target.exp"

print_results $R
