/*
 * The usage paragraph of the remote tools (rtool.h), apart from their
 * calls into the server so that toolusage.c links without librumpclient.
 */
#include "rtool.h"

const char rtool_usage[] =
"The tool is a client of a running rump_server: the environment variable\n"
"RUMP_SERVER names it (unix:///PATH or tcp://HOST:PORT, as given to\n"
"rump_server --listen).\n";
