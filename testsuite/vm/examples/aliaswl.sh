#!/bin/sh
# aliaswl.sh - the workload of testsuite/vm/examples' alias test (busybox
# sh): dd copies the 12-byte /tmp/data/hello.txt 7 bytes at a time, the
# loopback TCP exchange of tcpwl.sh, a SIGUSR1 to a sleep, an exit status
# of 5, an exec of a file that does not exist, and two direct writes to
# /dev/ram0.
dd if=/tmp/data/hello.txt of=/tmp/data/copy.txt bs=7 2>/dev/null
sh /t/tcpwl.sh > /dev/null
sleep 5 &
echo "sleeper $!"
usleep 200000
kill -USR1 $!
wait
sh -c 'exit 5'
/t/nonexistent 2>/dev/null
# two direct 4 KiB writes at sector 40 of the RAM disk (when loaded)
[ -b /dev/ram0 ] && dd if=/dev/zero of=/dev/ram0 bs=4k count=2 seek=5 oflag=direct 2>/dev/null
exit 0
