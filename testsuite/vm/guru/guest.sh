#!/bin/sh
# guest.sh - the VM side of testsuite/vm/guru/run-tests (busybox sh).
#
#   sh /t/guest.sh
#
# /t/staprun is the staprun under test, /t/ko/gp_NAME.ko the modules,
# /t/stapc_dw.ko the DWARF test module.  Results go to /tmp/res/NAME and
# are printed at the end as "@@@ NAME nl=0|1", the content, "@@@.".
. "${0%/*}/guest-lib.sh"
K=/t/ko
R=/tmp/res
SR=/t/staprun
mkdir -p $R

rc_to() {	# FILE: the status of the last command
	echo $? > "$1"
}

# ---- 1. embedded C, pragmas, kread/kderef, /* guru */ tapset ----
d=$R/emb
mkdir -p $d
timeout -s INT 60 $SR $K/gp_emb.ko > $d/out 2> $d/err
rc_to $d/rc

# ---- 2. the seed's ip_local_deliver script: ICMP and TCP on lo ----
d=$R/seed
mkdir -p $d
ip link set lo up
nc -l -p 5555 > $d/nc.got 2>&1 &
usleep 300000
timeout -s INT 60 $SR -c 'ping -c 2 127.0.0.1 > /dev/null; echo hi | nc 127.0.0.1 5555' \
	$K/gp_seed.ko > $d/out 2> $d/err
rc_to $d/rc
wait

# ---- 3. writing target variables of stapc_dw ----
d=$R/tw
mkdir -p $d
insmod /t/stapc_dw.ko
timeout -s INT 60 $SR -c 'echo 1 > /sys/module/stapc_dw/parameters/trigger' \
	$K/gp_tw.ko > $d/out 2> $d/err
rc_to $d/rc
dmesg | grep -o 'stapc_dw: trigger.*' > $d/trigger

# ---- 3b. writing a parameter of the kernel proper (BTF) ----
d=$R/btfw
mkdir -p $d
timeout -s INT 60 $SR -c 'exec dd if=/dev/zero of=/tmp/btfw.out bs=10 count=1 2>/dev/null' \
	$K/gp_btfw.ko > $d/out 2> $d/err
rc_to $d/rc
wc -c < /tmp/btfw.out > $d/size

# ---- 4. who may load what: users made here, staprun setuid root ----
cat > /etc/passwd <<EOF
root:x:0:0:root:/root:/bin/sh
alice:x:1001:1001::/tmp:/bin/sh
bob:x:1002:1002::/tmp:/bin/sh
carol:x:1003:1003::/tmp:/bin/sh
EOF
cat > /etc/group <<EOF
root:x:0:
alice:x:1001:
bob:x:1002:
carol:x:1003:
stapusr:x:150:alice
stapdev:x:151:bob
EOF
chmod 1777 /tmp
mkdir -p /root /usr/local/bin
chmod 700 /root
SSR=/usr/local/bin/staprun
cp $SR $SSR
chmod 4755 $SSR
cp $SR /tmp/staprun-nosuid
chmod 755 /tmp/staprun-nosuid
SYS=/lib/modules/$(uname -r)/systemtap
mkdir -p $SYS
chmod 755 $SYS
cp $K/gp_priv.ko $SYS/gp_priv.ko
chmod 644 $SYS/gp_priv.ko
cp $K/gp_priv.ko $SYS/gp_gw.ko
chmod 664 $SYS/gp_gw.ko
cp $K/gp_priv.ko $SYS/gp_own.ko
chown alice $SYS/gp_own.ko
chmod 644 $SYS/gp_own.ko
cp $K/gp_myproc.ko $SYS/gp_myproc.ko
chmod 644 $SYS/gp_myproc.ko
cp $K/gp_priv.ko /tmp/gp_priv.ko
chmod 644 /tmp/gp_priv.ko

as() {	# NAME USER COMMAND: su's output and status into $R/priv/NAME.*
	mkdir -p $R/priv
	su "$2" -c "$3" > $R/priv/$1.out 2> $R/priv/$1.err
	echo $? > $R/priv/$1.rc
	grep -c '^gp_' /proc/modules > $R/priv/$1.left
}
as usr-sys alice "$SSR -c 'id -u > /tmp/alice.id' $SYS/gp_priv.ko"
cat /tmp/alice.id > $R/priv/usr-sys.cmduid 2>&1
as usr-tmp alice "$SSR /tmp/gp_priv.ko"
as usr-gw alice "$SSR $SYS/gp_gw.ko"
as usr-own alice "$SSR $SYS/gp_own.ko"
as usr-unload alice "$SSR -d gp_priv"
as dev-tmp bob "$SSR -o /tmp/bob.out -c 'id -u > /tmp/bob.id' /tmp/gp_priv.ko"
stat -c '%U %a' /tmp/bob.out > $R/priv/dev-tmp.owner 2>&1
cat /tmp/bob.out > $R/priv/dev-tmp.file 2>&1
cat /tmp/bob.id > $R/priv/dev-tmp.cmduid 2>&1
as dev-rootdir bob "$SSR -o /root/bob.out /tmp/gp_priv.ko"
ls /root > $R/priv/dev-rootdir.ls
as dev-nosuid bob "/tmp/staprun-nosuid /tmp/gp_priv.ko"
as other carol "$SSR $SYS/gp_priv.ko"
as other-tmp carol "$SSR /tmp/gp_priv.ko"
as myproc-usr alice "$SSR $SYS/gp_myproc.ko"
timeout -s INT 60 $SR $K/gp_myproc.ko > $R/priv/myproc-root.out 2> $R/priv/myproc-root.err
rc_to $R/priv/myproc-root.rc
mkdir -p $R/priv
timeout -s INT 60 $SR -c true /tmp/gp_priv.ko > $R/priv/root.out 2> $R/priv/root.err
rc_to $R/priv/root.rc

# ---- 5. module signatures: loads while not enforced; then enforced
# (module.sig_enforce can only be switched on), refused with advice ----
d=$R/sig
mkdir -p $d
if [ -f $K/gp_signed.ko ]; then
	timeout -s INT 60 $SR -c true $K/gp_signed.ko > $d/loose.out 2> $d/loose.err
	rc_to $d/loose.rc
	echo 1 > /sys/module/module/parameters/sig_enforce
	cat /sys/module/module/parameters/sig_enforce > $d/enforce
	timeout -s INT 60 $SR -c true /tmp/gp_priv.ko > $d/unsigned.out 2> $d/unsigned.err
	rc_to $d/unsigned.rc
	timeout -s INT 60 $SR -c true $K/gp_signed.ko > $d/signed.out 2> $d/signed.err
	rc_to $d/signed.rc
	grep -c '^gp_' /proc/modules > $d/left
fi

dmesg > $R/dmesg.txt
grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace' $R/dmesg.txt > $R/dmesg.bad

print_results $R
