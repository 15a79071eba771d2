#!/bin/sh
# guest.sh - the VM side of testsuite/vm/procevents/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN PEWL PEWL2
#
# pe_all.ko runs in the background while the workload runs: a `PEWL
# sleep` started before it (an existing process with a second thread,
# killed during the session), `PEWL threads 2` and `PEWL2 threads 0` (the
# same program under another file) started during it.  pe_target.ko runs
# `PEWL fork` as its -c command, another sleeper beside it, then with -x
# a sleeper it sees begin (running) and end (killed).  pe_json.ko
# serves its JSON files, read with cat.  Then the examples
# process/proc-begin-end.stp (-c) and general/json-metrics.stp.  Every result goes to /tmp/res/NAME,
# printed at the end as "@@@ NAME", the content, "@@@." for the host.
. "${0%/*}/guest-lib.sh"
SR=$1
PEWL=$2
PEWL2=$3
R=/tmp/res
mkdir -p $R

# wait_for FILE TEXT: until FILE has a line TEXT (at most ~60 s)
wait_for() {
	n=0
	while ! grep -qx "$2" "$1" 2>/dev/null && [ $n -lt 300 ]; do
		sleep 0.2
		n=$((n + 1))
	done
}

# ---- pe_all: every process ----
$PEWL sleep &
SP=$!
echo $SP > $R/sleeper.pid
# forks and exits all along, also while the probes are armed and disarmed
touch /tmp/spin
(while [ -e /tmp/spin ]; do $PEWL2 threads 1; done) &
SPIN=$!
$SR /t/ko/pe_all.ko > $R/all.out 2> $R/all.err &
STP=$!
wait_for $R/all.out ready
$PEWL threads 2 &
NP=$!
wait $NP
echo $NP > $R/new.pid
$PEWL2 threads 0 &
OP=$!
wait $OP
echo $OP > $R/other.pid
$PEWL exitall 6 &
EP=$!
wait $EP
echo $EP > $R/exitall.pid
kill -9 $SP
wait $SP
kill -INT $STP
wait $STP
echo $? > $R/all.rc
rm /tmp/spin
wait $SPIN

# ---- a process stopped when the session starts: its queued .begin
# runs when it continues, and the module's unload waits for that ----
$PEWL sleep &
SP3=$!
kill -STOP $SP3
(sleep 4; kill -CONT $SP3) &
CONT=$!
$SR -c "$PEWL threads 0" /t/ko/pe_all.ko > $R/stopped.out 2> $R/stopped.err
echo $? > $R/stopped.rc
wait $CONT
grep -c '^pe_all ' /proc/modules > $R/stopped.left
kill -9 $SP3
wait $SP3 2>/dev/null
echo $SP3 > $R/stopped.pid

# ---- pe_target: -c, its process tree only ----
$PEWL sleep &
SP2=$!
echo $SP2 > $R/sleeper2.pid
timeout -s INT 120 $SR -c "$PEWL fork" /t/ko/pe_target.ko \
	> $R/target.out 2> $R/target.err
echo $? > $R/target.rc
kill -9 $SP2
wait $SP2 2>/dev/null

# ---- pe_target with -x: a running process, then killed ----
$PEWL sleep &
SP4=$!
echo $SP4 > $R/x.pid
$SR -x $SP4 /t/ko/pe_target.ko > $R/x.out 2> $R/x.err &
STP=$!
wait_for $R/x.out "begin $SP4 $$ $SP4 pewl"
kill -9 $SP4
wait $SP4 2>/dev/null
wait_for $R/x.out "end $SP4 $$ $SP4 pewl"
kill -INT $STP
wait $STP
echo $? > $R/x.rc
echo $$ > $R/guest.pid

# ---- pe_json: the JSON tapset's procfs files ----
if [ -f /t/ko/pe_json.ko ]; then
	$SR /t/ko/pe_json.ko > $R/json.out 2> $R/json.err &
	STP=$!
	wait_for $R/json.out ready
	cat /proc/systemtap/pe_json/metadata.json > $R/meta1.json 2>&1
	cat /proc/systemtap/pe_json/data.json > $R/data1.json 2>&1
	$PEWL threads 1
	$PEWL threads 1
	cat /proc/systemtap/pe_json/data.json > $R/data2.json 2>&1
	kill -INT $STP
	wait $STP
	echo $? > $R/json.rc
fi
# ---- the examples ----
if [ -f /t/ko/ex_procs.ko ]; then
	timeout -s INT 120 $SR -c "$PEWL threads 2" /t/ko/ex_procs.ko \
		> $R/ex_procs.out 2> $R/ex_procs.err
	echo $? > $R/ex_procs.rc
fi
if [ -f /t/ko/ex_json.ko ]; then
	$SR /t/ko/ex_json.ko > $R/ex_json.out 2> $R/ex_json.err &
	STP=$!
	n=0
	while [ ! -e /proc/systemtap/ex_json/data.json ] && [ $n -lt 300 ]; do
		sleep 0.2
		n=$((n + 1))
	done
	$PEWL threads 0
	$PEWL threads 0
	cat /proc/systemtap/ex_json/metadata.json > $R/ex_meta.json 2>&1
	cat /proc/systemtap/ex_json/data.json > $R/ex_data.json 2>&1
	kill -INT $STP
	wait $STP
	echo $? > $R/ex_json.rc
fi
grep -c '^pe_\|^ex_' /proc/modules > $R/leftover.out

print_results $R
