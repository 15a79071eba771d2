#!/bin/sh
# guest.sh - the VM side of testsuite/vm/trace/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# /t/ko/tr_NAME.ko are the modules, /t/tracewl the workload.  Each module
# runs through the real staprun with a -c workload; its stdout,
# stderr and exit status go to /tmp/res/NAME.{out,err,rc}, printed at the
# end as "@@@ NAME.x", the content, "@@@." for the host to check.
. "${0%/*}/guest-lib.sh"
SR=$1
K=/t/ko
R=/tmp/res
W=/t/tracewl
mkdir -p $R

run() {	# NAME CMD: staprun -c CMD on tr_NAME.ko, at most 60 s
	timeout -s INT 60 $SR -c "$2" $K/tr_$1.ko > $R/$1.out 2> $R/$1.err
	echo $? > $R/$1.rc
}

nproc > $R/ncpus.out
run switch "exec $W sleeps 5 10"
run narrow "exec $W forks 2 0"
run forkexit "exec $W forks 3 3"
run wild "exec $W forks 2 0"
run tapset "exec $W forks 2 0"
run ex_switch "exec $W sleeps 5 10"
run ex_fork "exec $W forks 3 3"
run ex_count "exec $W forks 3 0"

# register/unregister cycles: the same module loaded and unloaded 10
# times while another task keeps switching
$W sleeps 400 1 &
bg=$!
i=0
: > $R/cycle.out
while [ $i -lt 10 ]; do
	timeout -s INT 60 $SR $K/tr_cycle.ko >> $R/cycle.out 2>> $R/cycle.err
	echo "rc $?" >> $R/cycle.out
	i=$((i + 1))
done
kill $bg 2>/dev/null
wait $bg 2>/dev/null
grep -c '^tr_' /proc/modules > $R/leftover.out

print_results $R
