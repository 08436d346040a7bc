/* main: the command line.  No logic of its own. */
#include "config.h"

#include "gloss/util.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("gloss %s\n", PACKAGE_VERSION);
	return 0;
}
