#!/bin/sh
# guest.sh - the VM side of testsuite/vm/procfs/run-tests (busybox sh).
#
#   sh /t/guest.sh STAPRUN
#
# Runs /t/ko/pf_files.ko through staprun with /t/work.sh as its -c
# command (the reads and writes of its /proc/systemtap files), then
# checks the files are gone once it has ended; then once more, with
# /proc/systemtap already there.  Every result goes to
# /tmp/res/NAME, printed at the end as "@@@ NAME", the content, "@@@."
# for the host to check.
. "${0%/*}/guest-lib.sh"
SR=$1
R=/tmp/res
mkdir -p $R

timeout -s INT 120 $SR -c "sh /t/work.sh $R" /t/ko/pf_files.ko \
	> $R/files.out 2> $R/files.err
echo $? > $R/files.rc
ls /proc/systemtap/ > $R/after.out 2>&1
# again, now that /proc/systemtap is there
timeout -s INT 60 $SR -c "cat /proc/systemtap/pf_files/value" \
	/t/ko/pf_files.ko > $R/again.out 2> $R/again.err
echo $? > $R/again.rc
grep -c '^pf_' /proc/modules > $R/leftover.out

print_results $R
