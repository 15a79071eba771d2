#!/usr/bin/env python3
# gen-syscall-tapset.py - writes tapset/linux/syscalls_{fs,proc,mm,signal,
# time,net}.stp from the table below: one syscall.NAME alias (and a
# syscall.NAME.return one unless the call does not return) per entry.
#
#   scripts/gen-syscall-tapset.py tapset/linux
#
# An entry: S(AREA, NAME, "VAR:KIND ...", ARGSTR-FORMAT, ARGSTR-ARGS,
# extra=STATEMENTS, ret=RETSTR-FORMAT, kfunc=KERNEL-FUNCTION,
# noret=True).  VARs are the arguments in order (SystemTap's names), KIND
# i (int), u (unsigned int), l (long, pointer) or s (a path: VAR quoted,
# VAR_unquoted); ARGSTR-FORMAT None means the extra statements set argstr;
# ret 1 decimal, 2 hex, 3 octal (return_str()).
import os
import sys
REGS = ["di", "si", "dx", "r10", "r8", "r9"]
O_CREAT_TMP = "(flags & 64) || (flags & 0x400000) == 0x400000"
# area, name, args "var:kind ...", argstr (printf-format ; args) or None, extra stmts, retfmt, opts
T = []
def S(area, name, args, fmt="", fargs="", extra="", ret=1, kfunc=None, noret=False, doc=""):
    T.append(dict(area=area, name=name, args=args.split(), fmt=fmt, fargs=fargs,
                  extra=extra, ret=ret, kfunc=kfunc or "__x64_sys_" + name, noret=noret))
# ---- fs ----
S("fs","read","fd:i buf_uaddr:l count:l",'%d, %p, %u',"fd, buf_uaddr, count")
S("fs","write","fd:i buf_uaddr:l count:l",'%d, %s, %u',"fd, buf_str, count",
  extra="buf_str = __sc_buf_str(buf_uaddr, count)")
S("fs","pread","fd:i buf_uaddr:l count:l offset:l",'%d, %p, %u, %d',"fd, buf_uaddr, count, offset", kfunc="__x64_sys_pread64")
S("fs","pwrite","fd:i buf_uaddr:l count:l offset:l",'%d, %s, %u, %d',"fd, buf_str, count, offset", kfunc="__x64_sys_pwrite64",
  extra="buf_str = __sc_buf_str(buf_uaddr, count)")
S("fs","readv","fd:i vector_uaddr:l count:i",'%d, %p, %d',"fd, vector_uaddr, count")
S("fs","writev","fd:i vector_uaddr:l count:i",'%d, %p, %d',"fd, vector_uaddr, count")
S("fs","preadv","fd:i vector_uaddr:l count:i offset:l",'%d, %p, %d, %d',"fd, vector_uaddr, count, offset")
S("fs","pwritev","fd:i vector_uaddr:l count:i offset:l",'%d, %p, %d, %d',"fd, vector_uaddr, count, offset")
S("fs","open","filename:s flags:i mode:u",None,"",
  extra='flags_str = _sys_open_flag_str(flags)\n'
        'if (%s)\n\t\targstr = sprintf("%%s, %%s, %%#o", filename, flags_str, mode)\n'
        '\telse\n\t\targstr = sprintf("%%s, %%s", filename, flags_str)' % O_CREAT_TMP)
S("fs","openat","dfd:i filename:s flags:i mode:u",None,"",
  extra='dfd_str = _dfd_str(dfd)\n\tflags_str = _sys_open_flag_str(flags)\n'
        '\tif (%s)\n\t\targstr = sprintf("%%s, %%s, %%s, %%#o", dfd_str, filename, flags_str, mode)\n'
        '\telse\n\t\targstr = sprintf("%%s, %%s, %%s", dfd_str, filename, flags_str)' % O_CREAT_TMP)
S("fs","creat","pathname:s mode:u",'%s, %#o',"pathname, mode")
S("fs","close","fd:i",'%d',"fd")
S("fs","close_range","first:u last:u flags:u",'%u, %u, %u',"first, last, flags")
S("fs","stat","filename:s buf_uaddr:l",'%s, %p',"filename, buf_uaddr", kfunc="__x64_sys_newstat")
S("fs","lstat","path:s buf_uaddr:l",'%s, %p',"path, buf_uaddr", kfunc="__x64_sys_newlstat")
S("fs","fstat","filedes:i buf_uaddr:l",'%d, %p',"filedes, buf_uaddr", kfunc="__x64_sys_newfstat")
S("fs","fstatat","dirfd:i path:s buf_uaddr:l flags:i",'%s, %s, %p, %s',"dirfd_str, path, buf_uaddr, flags_str",
  extra="dirfd_str = _dfd_str(dirfd)\n\tflags_str = _at_flag_str(flags)", kfunc="__x64_sys_newfstatat")
S("fs","statx","dfd:i filename:s flags:i mask:u buf_uaddr:l",'%s, %s, %s, %#x, %p',"dfd_str, filename, flags_str, mask, buf_uaddr",
  extra="dfd_str = _dfd_str(dfd)\n\tflags_str = _at_flag_str(flags)")
S("fs","statfs","path:s buf_uaddr:l",'%s, %p',"path, buf_uaddr")
S("fs","fstatfs","fd:i buf_uaddr:l",'%d, %p',"fd, buf_uaddr")
S("fs","lseek","fildes:i offset:l whence:u",'%d, %d, %s',"fildes, offset, whence_str",
  extra="whence_str = _seek_whence_str(whence)")
S("fs","access","pathname:s mode:i",'%s, %s',"pathname, mode_str", extra="mode_str = _access_mode_str(mode)")
S("fs","faccessat","dirfd:i pathname:s mode:i",'%s, %s, %s',"dirfd_str, pathname, mode_str",
  extra="dirfd_str = _dfd_str(dirfd)\n\tmode_str = _access_mode_str(mode)")
S("fs","faccessat2","dirfd:i pathname:s mode:i flags:i",'%s, %s, %s, %s',"dirfd_str, pathname, mode_str, flags_str",
  extra="dirfd_str = _dfd_str(dirfd)\n\tmode_str = _access_mode_str(mode)\n\tflags_str = _faccessat_flag_str(flags)")
S("fs","pipe","fildes_uaddr:l",'%p',"fildes_uaddr")
S("fs","pipe2","fildes_uaddr:l flags:i",'%p, %s',"fildes_uaddr, flag_str", extra='flag_str = _fd_flags_str(flags, "O_")')
S("fs","dup","oldfd:i",'%d',"oldfd")
S("fs","dup2","oldfd:i newfd:i",'%d, %d',"oldfd, newfd")
S("fs","dup3","oldfd:i newfd:i flags:i",'%d, %d, %s',"oldfd, newfd, flags_str", extra='flags_str = _fd_flags_str(flags, "O_")')
S("fs","fcntl","fd:i cmd:i arg:l",'%d, %s, %d',"fd, cmd_str, arg", extra="cmd_str = _fcntl_cmd_str(cmd)")
S("fs","flock","fd:i operation:i",'%d, %s',"fd, operation_str", extra="operation_str = _flock_cmd_str(operation)")
S("fs","fsync","fd:i",'%d',"fd")
S("fs","fdatasync","fd:i",'%d',"fd")
S("fs","truncate","path:s length:l",'%s, %d',"path, length")
S("fs","ftruncate","fd:i length:l",'%d, %d',"fd, length")
S("fs","getdents","fd:i dirp_uaddr:l count:u",'%d, %p, %u',"fd, dirp_uaddr, count")
S("fs","getdents64","fd:i dirp_uaddr:l count:u",'%d, %p, %u',"fd, dirp_uaddr, count")
S("fs","getcwd","buf:l len:l",'%p, %d',"buf, len")
S("fs","chdir","path:s",'%s',"path")
S("fs","fchdir","fd:i",'%d',"fd")
S("fs","rename","oldpath:s newpath:s",'%s, %s',"oldpath, newpath")
S("fs","renameat","olddirfd:i oldpath:s newdirfd:i newpath:s",'%s, %s, %s, %s',"olddirfd_str, oldpath, newdirfd_str, newpath",
  extra="olddirfd_str = _dfd_str(olddirfd)\n\tnewdirfd_str = _dfd_str(newdirfd)")
S("fs","renameat2","olddirfd:i oldpath:s newdirfd:i newpath:s flags:u",'%s, %s, %s, %s, %s',
  "olddirfd_str, oldpath, newdirfd_str, newpath, flags_str",
  extra="olddirfd_str = _dfd_str(olddirfd)\n\tnewdirfd_str = _dfd_str(newdirfd)\n\tflags_str = _renameat2_flags_str(flags)")
S("fs","mkdir","pathname:s mode:u",'%s, %#o',"pathname, mode")
S("fs","mkdirat","dirfd:i pathname:s mode:u",'%s, %s, %#o',"dirfd_str, pathname, mode", extra="dirfd_str = _dfd_str(dirfd)")
S("fs","rmdir","pathname:s",'%s',"pathname")
S("fs","link","oldpath:s newpath:s",'%s, %s',"oldpath, newpath")
S("fs","linkat","olddirfd:i oldpath:s newdirfd:i newpath:s flags:i",'%s, %s, %s, %s, %s',
  "olddirfd_str, oldpath, newdirfd_str, newpath, flags_str",
  extra="olddirfd_str = _dfd_str(olddirfd)\n\tnewdirfd_str = _dfd_str(newdirfd)\n\tflags_str = _at_flag_str(flags)")
S("fs","unlink","pathname:s",'%s',"pathname")
S("fs","unlinkat","dfd:i pathname:s flag:i",'%s, %s, %s',"dfd_str, pathname, flag_str",
  extra="dfd_str = _dfd_str(dfd)\n\tflag_str = _at_flag_str(flag)")
S("fs","symlink","oldpath:s newpath:s",'%s, %s',"oldpath, newpath")
S("fs","symlinkat","oldname:s newdfd:i newname:s",'%s, %s, %s',"oldname, newdfd_str, newname", extra="newdfd_str = _dfd_str(newdfd)")
S("fs","readlink","path:s buf_uaddr:l bufsiz:i",'%s, %p, %d',"path, buf_uaddr, bufsiz")
S("fs","readlinkat","dfd:i path:s buf_uaddr:l bufsiz:i",'%s, %s, %p, %d',"dfd_str, path, buf_uaddr, bufsiz", extra="dfd_str = _dfd_str(dfd)")
S("fs","chmod","path:s mode:u",'%s, %#o',"path, mode")
S("fs","fchmod","fildes:i mode:u",'%d, %#o',"fildes, mode")
S("fs","fchmodat","dirfd:i pathname:s mode:u",'%s, %s, %#o',"dirfd_str, pathname, mode", extra="dirfd_str = _dfd_str(dirfd)")
S("fs","chown","path:s owner:i group:i",'%s, %d, %d',"path, owner, group")
S("fs","fchown","fd:i owner:i group:i",'%d, %d, %d',"fd, owner, group")
S("fs","lchown","path:s owner:i group:i",'%s, %d, %d',"path, owner, group")
S("fs","fchownat","dirfd:i pathname:s owner:i group:i flags:i",'%s, %s, %d, %d, %s',"dirfd_str, pathname, owner, group, flags_str",
  extra="dirfd_str = _dfd_str(dirfd)\n\tflags_str = _at_flag_str(flags)")
S("fs","umask","mask:u",'%#o',"mask", ret=3)
S("fs","utimensat","dfd:i filename:s tsp_uaddr:l flags:i",'%s, %s, %p, %s',"dfd_str, filename, tsp_uaddr, flags_str",
  extra="dfd_str = _dfd_str(dfd)\n\tflags_str = _at_flag_str(flags)")
S("fs","mknod","pathname:s mode:u dev:u",'%s, %#o, %u',"pathname, mode, dev")
S("fs","sync","","","")
S("fs","syncfs","fd:i",'%d',"fd")
S("fs","chroot","path:s",'%s',"path")
S("fs","ioctl","fd:i request:u argp:l",'%d, %d, %p',"fd, request, argp")
S("fs","sendfile","out_fd:i in_fd:i offset_uaddr:l count:l",'%d, %d, %p, %u',"out_fd, in_fd, offset_uaddr, count", kfunc="__x64_sys_sendfile64")
S("fs","splice","fd_in:i off_in:l fd_out:i off_out:l len:l flags:u",'%d, %p, %d, %p, %u, %#x',"fd_in, off_in, fd_out, off_out, len, flags")
S("fs","tee","fdin:i fdout:i len:l flags:u",'%d, %d, %u, %#x',"fdin, fdout, len, flags")
S("fs","copy_file_range","fd_in:i off_in:l fd_out:i off_out:l len:l flags:u",'%d, %p, %d, %p, %u, %#x',"fd_in, off_in, fd_out, off_out, len, flags")
S("fs","fallocate","fd:i mode:i offset:l len:l",'%d, %d, %d, %d',"fd, mode, offset, len")
S("fs","fadvise64","fd:i offset:l len:l advice:i",'%d, %d, %d, %d',"fd, offset, len, advice")
S("fs","inotify_init1","flags:i",'%s',"flags_str", extra='flags_str = _fd_flags_str(flags, "IN_")')
S("fs","inotify_add_watch","fd:i path:s mask:u",'%d, %s, %#x',"fd, path, mask")
S("fs","inotify_rm_watch","fd:i wd:i",'%d, %d',"fd, wd")
S("fs","memfd_create","uname:s flags:u",'%s, %s',"uname, flags_str", extra="flags_str = _mfd_flags_str(flags)")
S("fs","eventfd","count:u",'%u',"count")
S("fs","eventfd2","count:u flags:i",'%u, %s',"count, flags_str", extra="flags_str = _eventfd2_flag_str(flags)")
S("fs","epoll_create","size:i",'%d',"size")
S("fs","epoll_create1","flags:i",'%s',"flags_str", extra='flags_str = _fd_flags_str(flags, "EPOLL_")')
S("fs","epoll_ctl","epfd:i op:i fd:i event_uaddr:l",'%d, %s, %d, %p',"epfd, op_str, fd, event_uaddr", extra="op_str = _opoll_op_str(op)")
S("fs","epoll_wait","epfd:i events_uaddr:l maxevents:i timeout:i",'%d, %p, %d, %d',"epfd, events_uaddr, maxevents, timeout")
S("fs","epoll_pwait","epfd:i events_uaddr:l maxevents:i timeout:i sigmask_uaddr:l sigsetsize:l",'%d, %p, %d, %d, %p, %d',
  "epfd, events_uaddr, maxevents, timeout, sigmask_uaddr, sigsetsize")
S("fs","poll","ufds_uaddr:l nfds:u timeout:i",'%p, %u, %d',"ufds_uaddr, nfds, timeout")
S("fs","ppoll","fds_uaddr:l nfds:u tsp_uaddr:l sigmask_uaddr:l sigsetsize:l",'%p, %u, %s, %p, %d',
  "fds_uaddr, nfds, tsp_str, sigmask_uaddr, sigsetsize", extra="tsp_str = _struct_timespec_u(tsp_uaddr)")
S("fs","select","n:i readfds_uaddr:l writefds_uaddr:l exceptfds_uaddr:l timeout_uaddr:l",'%d, %p, %p, %p, %s',
  "n, readfds_uaddr, writefds_uaddr, exceptfds_uaddr, timeout_str", extra="timeout_str = _struct_timeval_u(timeout_uaddr)")
S("fs","pselect6","nfds:i readfds:l writefds:l exceptfds:l timeout:l sigmask:l",'%d, %p, %p, %p, %s, %p',
  "nfds, readfds, writefds, exceptfds, timeout_str, sigmask", extra="timeout_str = _struct_timespec_u(timeout)")
S("fs","mount","source:s target:s filesystemtype:s mountflags:l data:l",'%s, %s, %s, %#x, %p',
  "source, target, filesystemtype, mountflags, data")
S("fs","umount","target:s flags:i",'%s, %#x',"target, flags")
# ---- proc ----
for n in ["getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid",
          "getpgrp", "setsid", "fork", "vfork", "sched_yield"]:
    S("proc", n, "", "", "")
S("signal", "pause", "", "", "")
S("proc","getpgid","pid:i",'%d',"pid")
S("proc","getsid","pid:i",'%d',"pid")
S("proc","setpgid","pid:i pgid:i",'%d, %d',"pid, pgid")
S("proc","setuid","uid:i",'%d',"uid")
S("proc","setgid","gid:i",'%d',"gid")
S("proc","setreuid","ruid:i euid:i",'%d, %d',"ruid, euid")
S("proc","setregid","rgid:i egid:i",'%d, %d',"rgid, egid")
S("proc","setresuid","ruid:i euid:i suid:i",'%d, %d, %d',"ruid, euid, suid")
S("proc","setresgid","rgid:i egid:i sgid:i",'%d, %d, %d',"rgid, egid, sgid")
S("proc","getresuid","ruid_uaddr:l euid_uaddr:l suid_uaddr:l",'%p, %p, %p',"ruid_uaddr, euid_uaddr, suid_uaddr")
S("proc","getresgid","rgid_uaddr:l egid_uaddr:l sgid_uaddr:l",'%p, %p, %p',"rgid_uaddr, egid_uaddr, sgid_uaddr")
S("proc","getgroups","size:i list_uaddr:l",'%d, %p',"size, list_uaddr")
S("proc","setgroups","size:i list_uaddr:l",'%d, %p',"size, list_uaddr")
S("proc","clone","clone_flags:l stack_start:l parent_tid_uaddr:l child_tid_uaddr:l tls_uaddr:l",'%s, %p, %p, %p, %p',
  "flags_str, stack_start, parent_tid_uaddr, child_tid_uaddr, tls_uaddr", extra="flags_str = __fork_flags(clone_flags)")
S("proc","clone3","cl_args_uaddr:l size:l",'%p, %d',"cl_args_uaddr, size")
S("proc","execve","filename:s args_uaddr:l env_uaddr:l",'%s, %s, %s',"filename, args, env_str",
  extra="args = __get_argv(args_uaddr)\n\tenv_str = env_uaddr ? sprintf(\"%p /* env */\", env_uaddr) : \"NULL\"")
S("proc","execveat","dirfd:i filename:s args_uaddr:l env_uaddr:l flags:i",'%s, %s, %s, %p, %s',"dirfd_str, filename, args, env_uaddr, flags_str",
  extra="dirfd_str = _dfd_str(dirfd)\n\targs = __get_argv(args_uaddr)\n\tflags_str = _at_flag_str(flags)")
S("proc","exit","status:i",'%d',"status", noret=True)
S("proc","exit_group","status:i",'%d',"status", noret=True)
S("proc","wait4","pid:i status_uaddr:l options:i rusage_uaddr:l",'%d, %p, %s, %p',"pid, status_uaddr, options_str, rusage_uaddr",
  extra="options_str = _wait4_opt_str(options)")
S("proc","waitid","which:i pid:i infop_uaddr:l options:i rusage_uaddr:l",'%d, %d, %p, %s, %p',"which, pid, infop_uaddr, options_str, rusage_uaddr",
  extra="options_str = _wait4_opt_str(options)")
S("signal","kill","pid:i sig:i",'%d, %s',"pid, sig_name", extra="sig_name = _signal_name(sig)")
S("signal","tkill","pid:i sig:i",'%d, %s',"pid, sig_name", extra="sig_name = _signal_name(sig)")
S("signal","tgkill","tgid:i pid:i sig:i",'%d, %d, %s',"tgid, pid, sig_name", extra="sig_name = _signal_name(sig)")
S("proc","getpriority","which:i who:i",'%s, %d',"which_str, who", extra="which_str = _priority_which_str(which)")
S("proc","setpriority","which:i who:i prio:i",'%s, %d, %d',"which_str, who, prio", extra="which_str = _priority_which_str(which)")
S("proc","sched_getaffinity","pid:i len:u mask_uaddr:l",'%d, %u, %p',"pid, len, mask_uaddr")
S("proc","sched_setaffinity","pid:i len:u mask_uaddr:l",'%d, %u, %p',"pid, len, mask_uaddr")
S("proc","sched_getscheduler","pid:i",'%d',"pid")
S("proc","sched_setscheduler","pid:i policy:i p_uaddr:l",'%d, %s, %p',"pid, policy_str, p_uaddr", extra="policy_str = _sched_policy_str(policy)")
S("proc","sched_getparam","pid:i p_uaddr:l",'%d, %p',"pid, p_uaddr")
S("proc","sched_setparam","pid:i p_uaddr:l",'%d, %p',"pid, p_uaddr")
S("proc","prctl","option:i arg2:l arg3:l arg4:l arg5:l",'%s, %p, %p, %p, %p',"option_str, arg2, arg3, arg4, arg5",
  extra="option_str = _prctl_option_str(option)")
S("proc","arch_prctl","code:i addr:l",'%s, %p',"code_str, addr", extra="code_str = _arch_prctl_code_str(code)")
S("proc","uname","name_uaddr:l",'%p',"name_uaddr", kfunc="__x64_sys_newuname")
S("proc","getrlimit","resource:i rlim_uaddr:l",'%s, %p',"resource_str, rlim_uaddr", extra="resource_str = _rlimit_resource_str(resource)")
S("proc","setrlimit","resource:i rlim_uaddr:l",'%s, %p',"resource_str, rlim_uaddr", extra="resource_str = _rlimit_resource_str(resource)")
S("proc","prlimit64","pid:i resource:i new_rlim_uaddr:l old_rlim_uaddr:l",'%d, %s, %p, %p',"pid, resource_str, new_rlim_uaddr, old_rlim_uaddr",
  extra="resource_str = _rlimit_resource_str(resource)")
S("proc","getrusage","who:i usage_uaddr:l",'%s, %p',"who_str, usage_uaddr", extra="who_str = _rusage_who_str(who)")
S("proc","sysinfo","info_uaddr:l",'%p',"info_uaddr")
S("proc","times","buf_uaddr:l",'%p',"buf_uaddr")
S("proc","set_tid_address","tidptr_uaddr:l",'%p',"tidptr_uaddr")
S("proc","set_robust_list","list_head_uaddr:l len:l",'%p, %u',"list_head_uaddr, len")
S("proc","futex","futex_uaddr:l op:i val:u utime_uaddr:l uaddr2_uaddr:l val3:u",None,"",
  extra='op_str = _futex_op_str(op)\n'
        '\tif ((op & 127) == 0 || (op & 127) == 9)\n'
        '\t\targstr = sprintf("%p, %s, %u, %s", futex_uaddr, op_str, val, _struct_timespec_u(utime_uaddr))\n'
        '\telse\n\t\targstr = sprintf("%p, %s, %u", futex_uaddr, op_str, val)')
S("proc","getrandom","buf:l count:l flags:u",'%p, %u, %s',"buf, count, flags_str", extra="flags_str = _getrandom_flags_str(flags)")
S("proc","personality","persona:u",'%#x',"persona", ret=2)
S("proc","capget","header_uaddr:l data_uaddr:l",'%p, %p',"header_uaddr, data_uaddr")
S("proc","capset","header_uaddr:l data_uaddr:l",'%p, %p',"header_uaddr, data_uaddr")
S("proc","sethostname","name_str:s len:i",'%s, %d',"name_str, len")
# ---- mm ----
S("mm","brk","brk:l",'%p',"brk", ret=2)
S("mm","mmap","start:l length:l prot:i flags:i fd:i offset:l",'%p, %u, %s, %s, %d, %d',
  "start, length, prot_str, flags_str, fd, offset", extra="prot_str = _mprotect_prot_str(prot)\n\tflags_str = _mmap_flags(flags)", ret=2)
S("mm","munmap","start:l length:l",'%p, %u',"start, length")
S("mm","mprotect","addr:l len:l prot:i",'%p, %u, %s',"addr, len, prot_str", extra="prot_str = _mprotect_prot_str(prot)")
S("mm","mremap","old_address:l old_size:l new_size:l flags:l new_address:l",'%p, %u, %u, %s, %p',
  "old_address, old_size, new_size, flags_str, new_address", extra="flags_str = _mremap_flags(flags)", ret=2)
S("mm","msync","start:l length:l flags:i",'%p, %u, %s',"start, length, flags_str", extra="flags_str = _msync_flag_str(flags)")
S("mm","madvise","start:l length:l advice:i",'%p, %u, %s',"start, length, advice_str", extra="advice_str = _madvice_advice_str(advice)")
S("mm","mincore","start:l length:l vec_uaddr:l",'%p, %u, %p',"start, length, vec_uaddr")
S("mm","mlock","addr:l len:l",'%p, %u',"addr, len")
S("mm","munlock","addr:l len:l",'%p, %u',"addr, len")
S("mm","mlockall","flags:i",'%s',"flags_str", extra="flags_str = _mlockall_flags_str(flags)")
S("mm","munlockall","","","")
# ---- signal ----
S("signal","rt_sigaction","sig:i act_uaddr:l oact_uaddr:l sigsetsize:l",'%s, %p, %p, %d',"sig_str, act_uaddr, oact_uaddr, sigsetsize",
  extra="sig_str = _signal_name(sig)")
S("signal","rt_sigprocmask","how:i set_uaddr:l oldset_uaddr:l sigsetsize:l",'%s, %s, %p, %d',"how_str, set_str, oldset_uaddr, sigsetsize",
  extra="how_str = _sigprocmask_how_str(how)\n\tset_str = _stp_sigset_u(set_uaddr)")
S("signal","rt_sigpending","set_uaddr:l sigsetsize:l",'%p, %d',"set_uaddr, sigsetsize")
S("signal","rt_sigsuspend","set_uaddr:l sigsetsize:l",'%s, %d',"set_str, sigsetsize", extra="set_str = _stp_sigset_u(set_uaddr)")
S("signal","rt_sigtimedwait","uthese_uaddr:l uinfo_uaddr:l uts_uaddr:l sigsetsize:l",'%s, %p, %s, %d',
  "uthese_str, uinfo_uaddr, uts_str, sigsetsize", extra="uthese_str = _stp_sigset_u(uthese_uaddr)\n\tuts_str = _struct_timespec_u(uts_uaddr)")
S("signal","rt_sigqueueinfo","pid:i sig:i uinfo_uaddr:l",'%d, %s, %p',"pid, sig_str, uinfo_uaddr", extra="sig_str = _signal_name(sig)")
S("signal","rt_sigreturn","","","", noret=True)
S("signal","sigaltstack","uss_uaddr:l uoss_uaddr:l",'%p, %p',"uss_uaddr, uoss_uaddr")
S("signal","alarm","seconds:u",'%u',"seconds")
S("signal","signalfd4","fd:i sigmask_uaddr:l sigsetsize:l flags:i",'%d, %s, %d, %s',"fd, sigmask_str, sigsetsize, flags_str",
  extra='sigmask_str = _stp_sigset_u(sigmask_uaddr)\n\tflags_str = _fd_flags_str(flags, "SFD_")')
# ---- time ----
S("time","nanosleep","req_uaddr:l rem_uaddr:l",'%s, %p',"req_str, rem_uaddr", extra="req_str = _struct_timespec_u(req_uaddr)")
S("time","clock_nanosleep","clk_id:i flags:i req_uaddr:l rem_uaddr:l",'%s, %s, %s, %p',"clk_id_str, flags_str, req_str, rem_uaddr",
  extra="clk_id_str = _get_wc_str(clk_id)\n\tflags_str = _stp_timer_flags_str(flags)\n\treq_str = _struct_timespec_u(req_uaddr)")
S("time","clock_gettime","clk_id:i tp_uaddr:l",'%s, %p',"clk_id_str, tp_uaddr", extra="clk_id_str = _get_wc_str(clk_id)")
S("time","clock_getres","clk_id:i res_uaddr:l",'%s, %p',"clk_id_str, res_uaddr", extra="clk_id_str = _get_wc_str(clk_id)")
S("time","clock_settime","clk_id:i tp_uaddr:l",'%s, %s',"clk_id_str, tp_str", extra="clk_id_str = _get_wc_str(clk_id)\n\ttp_str = _struct_timespec_u(tp_uaddr)")
S("time","gettimeofday","tv_uaddr:l tz_uaddr:l",'%p, %p',"tv_uaddr, tz_uaddr")
S("time","settimeofday","tv_uaddr:l tz_uaddr:l",'%s, %p',"tv_str, tz_uaddr", extra="tv_str = _struct_timeval_u(tv_uaddr)")
S("time","time","t_uaddr:l",'%p',"t_uaddr")
S("time","getitimer","which:i value_uaddr:l",'%s, %p',"which_str, value_uaddr", extra="which_str = _itimer_which_str(which)")
S("time","setitimer","which:i value_uaddr:l ovalue_uaddr:l",'%s, %s, %p',"which_str, value_str, ovalue_uaddr",
  extra="which_str = _itimer_which_str(which)\n\tvalue_str = _struct_itimerval_u(value_uaddr)")
S("time","timer_create","clockid:i evp_uaddr:l timerid_uaddr:l",'%s, %p, %p',"clockid_str, evp_uaddr, timerid_uaddr",
  extra="clockid_str = _get_wc_str(clockid)")
S("time","timer_settime","timerid:i flags:i value_uaddr:l ovalue_uaddr:l",'%d, %s, %p, %p',"timerid, flags_str, value_uaddr, ovalue_uaddr",
  extra="flags_str = _stp_timer_flags_str(flags)")
S("time","timer_gettime","timerid:i value_uaddr:l",'%d, %p',"timerid, value_uaddr")
S("time","timer_getoverrun","timerid:i",'%d',"timerid")
S("time","timer_delete","timerid:i",'%d',"timerid")
S("time","timerfd_create","clockid:i flags:i",'%s, %s',"clockid_str, flags_str",
  extra='clockid_str = _get_wc_str(clockid)\n\tflags_str = _fd_flags_str(flags, "TFD_")')
S("time","timerfd_settime","fd:i flags:i value_uaddr:l ovalue_uaddr:l",'%d, %s, %p, %p',"fd, flags_str, value_uaddr, ovalue_uaddr",
  extra="flags_str = _stp_timer_flags_str(flags)")
S("time","timerfd_gettime","fd:i value_uaddr:l",'%d, %p',"fd, value_uaddr")
# ---- net ----
S("net","socket","family:i type:i protocol:i",'%s, %s, %s',"family_str, type_str, protocol_str",
  extra="family_str = _sock_family_str(family)\n\ttype_str = _sock_type_str(type)\n\tprotocol_str = _sock_protocol_str(family, protocol)")
S("net","socketpair","family:i type:i protocol:i sv_uaddr:l",'%s, %s, %s, %p',"family_str, type_str, protocol_str, sv_uaddr",
  extra="family_str = _sock_family_str(family)\n\ttype_str = _sock_type_str(type)\n\tprotocol_str = _sock_protocol_str(family, protocol)")
S("net","bind","sockfd:i my_addr_uaddr:l addrlen:i",'%d, %s, %d',"sockfd, uaddr_str, addrlen", extra="uaddr_str = _struct_sockaddr_u(my_addr_uaddr, addrlen)")
S("net","connect","sockfd:i serv_addr_uaddr:l addrlen:i",'%d, %s, %d',"sockfd, uaddr_str, addrlen", extra="uaddr_str = _struct_sockaddr_u(serv_addr_uaddr, addrlen)")
S("net","listen","sockfd:i backlog:i",'%d, %d',"sockfd, backlog")
S("net","accept","sockfd:i addr_uaddr:l addrlen_uaddr:l",'%d, %p, %p',"sockfd, addr_uaddr, addrlen_uaddr")
S("net","accept4","sockfd:i addr_uaddr:l addrlen_uaddr:l flags:i",'%d, %p, %p, %s',"sockfd, addr_uaddr, addrlen_uaddr, flags_str",
  extra='flags_str = _fd_flags_str(flags, "SOCK_")')
S("net","getsockname","s:i name_uaddr:l namelen_uaddr:l",'%d, %p, %p',"s, name_uaddr, namelen_uaddr")
S("net","getpeername","s:i name_uaddr:l namelen_uaddr:l",'%d, %p, %p',"s, name_uaddr, namelen_uaddr")
S("net","sendto","s:i buf_uaddr:l len:l flags:u to_uaddr:l tolen:i",'%d, %s, %u, %s, %s, %d',"s, buf_str, len, flags_str, to_str, tolen",
  extra="buf_str = __sc_buf_str(buf_uaddr, len)\n\tflags_str = _msg_flags_str(flags)\n\tto_str = _struct_sockaddr_u(to_uaddr, tolen)")
S("net","recvfrom","s:i buf_uaddr:l len:l flags:u addr_uaddr:l addrlen_uaddr:l",'%d, %p, %u, %s, %p, %p',
  "s, buf_uaddr, len, flags_str, addr_uaddr, addrlen_uaddr", extra="flags_str = _msg_flags_str(flags)")
S("net","sendmsg","s:i msg_uaddr:l flags:u",'%d, %p, %s',"s, msg_uaddr, flags_str", extra="flags_str = _msg_flags_str(flags)")
S("net","recvmsg","s:i msg_uaddr:l flags:u",'%d, %p, %s',"s, msg_uaddr, flags_str", extra="flags_str = _msg_flags_str(flags)")
S("net","shutdown","s:i how:i",'%d, %s',"s, how_str", extra="how_str = _shutdown_how_str(how)")
S("net","setsockopt","fd:i level:i optname:i optval_uaddr:l optlen:u",'%d, %s, %s, %p, %u',"fd, level_str, optname_str, optval_uaddr, optlen",
  extra="level_str = _sockopt_level_str(level)\n\toptname_str = level == 1 ? _sockopt_optname_str(optname) : sprintf(\"%d\", optname)")
S("net","getsockopt","fd:i level:i optname:i optval_uaddr:l optlen_uaddr:l",'%d, %s, %s, %p, %p',"fd, level_str, optname_str, optval_uaddr, optlen_uaddr",
  extra="level_str = _sockopt_level_str(level)\n\toptname_str = level == 1 ? _sockopt_optname_str(optname) : sprintf(\"%d\", optname)")

AREAS = {"fs": "files, directories, descriptors, polling and mounts",
         "proc": "processes, credentials, scheduling and limits",
         "mm": "memory mappings",
         "signal": "signals",
         "time": "clocks, sleeps and timers",
         "net": "sockets"}
RETDOC = {1: "", 2: " (in hex: an address)", 3: " (in octal)"}

def gen(e):
    out = []
    for a in e["args"]:
        if a.split(":")[0] in ("name", "argstr", "retstr"):
            raise SystemExit("%s: argument named %s" % (e["name"], a))
    vars_ = [a.split(":")[0] for a in e["args"]]
    out.append("/* %s(2)%s */" % (e["name"], (": " + ", ".join(vars_)) if vars_ else ""))
    out.append('probe syscall.%s = kernel.function("%s") {' % (e["name"], e["kfunc"]))
    out.append('\tname = "%s"' % e["name"])
    for i, a in enumerate(e["args"]):
        v, k = a.split(":")
        r = "__sc_arg(%d)" % (i + 1)
        if k == "i":
            out.append("\t%s = __int32(%s)" % (v, r))
        elif k == "u":
            out.append("\t%s = __uint32(%s)" % (v, r))
        elif k == "l":
            out.append("\t%s = %s" % (v, r))
        elif k == "s":
            out.append("\t__%s_uaddr = %s" % (v, r))
            out.append("\t%s = user_string_quoted(__%s_uaddr)" % (v, v))
            out.append("\t%s_unquoted = __user_string_safe(__%s_uaddr)" % (v, v))
        else:
            raise SystemExit("bad kind " + a)
    if e["extra"]:
        out.append("\t" + e["extra"])
    if e["fmt"] is not None:
        if e["fmt"] == "":
            out.append('\targstr = ""')
        else:
            out.append('\targstr = sprintf("%s", %s)' % (e["fmt"], e["fargs"]))
    out.append("}")
    if not e["noret"]:
        out.append('probe syscall.%s.return = kernel.function("%s").return {' % (e["name"], e["kfunc"]))
        out.append('\tname = "%s"' % e["name"])
        out.append("\tretstr = return_str(%d, returnval())" % e["ret"])
        out.append("}")
    return "\n".join(out) + "\n"

outdir = sys.argv[1]
names = set()
for area in AREAS:
    es = [e for e in T if e["area"] == area]
    for e in es:
        assert e["name"] not in names, e["name"]
        names.add(e["name"])
    with open(os.path.join(outdir, "syscalls_%s.stp" % area), "w") as f:
        f.write("// syscalls_%s.stp (kernel runtime, x86_64) - syscall.NAME and\n"
                "// syscall.NAME.return for %s.\n//\n"
                "// Written by scripts/gen-syscall-tapset.py: change its table, not this.\n//\n"
                "// Each entry probe sets name, argstr (the arguments as SystemTap\n"
                "// prints them) and the call's arguments under SystemTap's names,\n"
                "// read from the user registers the __x64_sys_NAME wrapper points to\n"
                "// (__sc_arg(): di, si, dx, r10, r8, r9), so no debuginfo is needed.\n"
                "// A string argument X also gives X_unquoted.  Each .return probe sets\n"
                "// name and retstr (\"-2 (ENOENT)\" for an error).  Formatting\n"
                "// helpers: aux_syscalls.stp.\n\n" % (area, AREAS[area]))
        f.write("\n".join(gen(e) for e in es))
print(len(T), "syscalls")
