/*
 * Pipes (sys_pipe.c) for the file systems' FIFOs: a named FIFO is a pipe
 * that the openers of one node share.  Its ends are counted: each open
 * attaches a reader, a writer or both (FREAD, FWRITE), each close
 * detaches them, and the pipe goes when no end is left.  A FIFO's file
 * has f_data the pipe and uses pipe_fileops for reading, writing,
 * polling, ioctl and fcntl; its own stat and close.
 */
#ifndef RUMPKERN_PIPE_H
#define RUMPKERN_PIPE_H

#include "rumpkern/filedesc.h"

struct pipe;

extern const struct fileops pipe_fileops;

/* A pipe without ends; node is its owner's (pipe_node returns it). */
struct pipe *pipe_create(void *node);
void pipe_destroy(struct pipe *p);
void *pipe_node(const struct pipe *p);

/* Counts the ends fflag opens (FREAD, FWRITE or both). */
void pipe_attach(struct pipe *p, int fflag);
/*
 * Waits, as open(2) of a FIFO does, until the other end is open: a
 * reader for a writer, a writer for a reader; O_RDWR does not wait.
 * With FNONBLOCK a reader does not wait and a writer without a reader
 * is ENXIO; an interrupted wait is EINTR, as the pipe's reads and writes.
 * On error the caller detaches the ends it attached.
 */
int pipe_wait_peer(struct pipe *p, int fflag);
/* Uncounts the ends fflag opened; true when no end is left. */
bool pipe_detach(struct pipe *p, int fflag);

#endif
