#!/bin/sh
# guest.sh - the VM side of testsuite/vm/funcs/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# /t/ko/fn_NAME.ko are the modules, /t/funcwl the workload.  Each module
# runs through the real staprun; stdout, stderr and exit status go to
# /tmp/res/NAME.{out,err,rc}, printed at the end between "@@@ NAME" and
# "@@@." lines for the host to check.
. "${0%/*}/guest-lib.sh"
SR=$1
K=/t/ko
R=/tmp/res
W=/t/funcwl
mkdir -p $R
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

run() {	# NAME [CMD]: staprun [-c CMD] on fn_NAME.ko, at most 60 s
	if [ -n "$2" ]; then
		timeout -s INT 60 $SR -c "$2" $K/fn_$1.ko > $R/$1.out 2> $R/$1.err
	else
		timeout -s INT 60 $SR $K/fn_$1.ko > $R/$1.out 2> $R/$1.err
	fi
	echo $? > $R/$1.rc
}

printf 'hello, funcs\n' > /tmp/hello.txt
nproc > $R/ncpus.out
grep ' vfs_read$' /proc/kallsyms | cut -d' ' -f1 > $R/kallsyms.out
# the workload's own /proc view goes to its stdout, inside task.out
run task "exec $W task /tmp/hello.txt hello world"
run ubt "exec $W task /tmp/hello.txt"
run indent "exec $W task /tmp/hello.txt"
run net "exec $W tcp 4321"
run tcpalias "exec $W tcpm 4331"
run fault
run ansi
run ex_socket "exec $W sock"

print_results $R
