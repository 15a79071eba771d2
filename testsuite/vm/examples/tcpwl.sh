#!/bin/sh
# tcpwl.sh - the loopback TCP workload of testsuite/vm/examples (busybox
# sh, nc): a server on port 8123 and one client sending "hello\n" to it.
# Prints "server PID" and "client PID" for the checks.
nc -l -p 8123 > /tmp/nc.got &
echo "server $!"
usleep 300000
echo hello | nc 127.0.0.1 8123 &
echo "client $!"
wait
