/* placeholder until the explorer lands */
#include <stdio.h>
int vtx_explore_main(int argc, char **argv);
int vtx_explore_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "x86 explore: not yet\n");
	return 1;
}
