/* recipe.h - kbuild's commands for a module, recorded once per kernel build
 * tree and replayed for later modules (pass 4 without make). */
#ifndef STAP_RECIPE_H
#define STAP_RECIPE_H

#include "session.h"

/* Where the recipe for building in TREE with the Kbuild line CCFLAGS lives
 * (in the user's cache, kbuild/HASH.recipe, keyed by the tree, its
 * configuration and tools, CCFLAGS and the environment kbuild reads), or
 * NULL when this build must go through make: -B options, or
 * STAPC_KBUILD_REPLAY=0.  The recipe's directory is the module cache's
 * (made before recipe_record runs). */
const char *recipe_path(struct session *s, const char *tree,
			const char *ccflags);

/* After a successful make -C TREE M=DIR modules of module NAME whose output
 * is in LOG: keep its commands (from kbuild's .*.cmd files) in RECIPE, when
 * they are all known steps.  Quiet: a build it cannot record stays a make. */
void recipe_record(struct session *s, const char *recipe, const char *tree,
		   const char *dir, const char *name, const char *log);

/* Runs RECIPE's commands in TREE for module NAME in DIR (which holds
 * NAME.c and Kbuild), output to LOG.  0 when DIR/NAME.ko was built; -1
 * when there is no usable recipe or a step failed (the caller then runs
 * make, which re-records). */
int recipe_replay(struct session *s, const char *recipe, const char *tree,
		  const char *dir, const char *name, const char *log);

/* Reads recipe TEXT (split into lines in place): checks its magic line,
 * each "tool PATH INO SIZE SEC.NSEC" line with tool_ok (recipe_replay's
 * stats the file), and pushes each "step CMD" line's command, DIR and NAME
 * put in, on cmds (malloc'd; the caller frees them, also on failure).  0,
 * or -1 when it is no recipe, has no step, or a tool changed. */
int recipe_parse(struct arena *a, char *text, const char *dir,
		 const char *name, struct ptrvec *cmds,
		 bool (*tool_ok)(const char *path, unsigned long ino,
				 long long size, long long sec, long nsec));

#endif
