/* whole_program.h - included first (-include) when the module's C is
 * compiled with -fwhole-program: gcc then keeps only what the module uses
 * of the runtime (about half the compile time of a small script), and
 * these two, which the kernel finds by name through NAME.mod.c's
 * __this_module, stay external. */
extern int init_module(void) __attribute__((externally_visible));
extern void cleanup_module(void) __attribute__((externally_visible));
