/* Signal-time cleanup of cleanup.h. */
#include "cli/cleanup.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <stdatomic.h>

/* Four outputs and one private copy (a folder and four files) at a time, with room to spare. */
#define MAX_PATHS  32
#define PATH_BYTES 4096

volatile sig_atomic_t cli_interrupted;

/* Paths are written before their slot is marked used, so the handler never sees half. */
static char paths[MAX_PATHS][PATH_BYTES];
static volatile sig_atomic_t used[MAX_PATHS];
static volatile sig_atomic_t is_core_watching;
static volatile sig_atomic_t caught_signal;

static void on_signal(int signal_number)
{
    if (is_core_watching && !cli_interrupted) {
        caught_signal = signal_number;
        cli_interrupted = 1;
        return;
    }
    /* Files first, then the folders they were in: unlink fails on a folder, rmdir on a file. */
    for (int i = 0; i < MAX_PATHS; i++) {
        if (used[i]) {
            (void)unlink(paths[i]);
        }
    }
    for (int i = 0; i < MAX_PATHS; i++) {
        if (used[i]) {
            (void)rmdir(paths[i]);
        }
    }
    _exit(128 + signal_number);
}

void cli_cleanup_install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    (void)sigemptyset(&action.sa_mask);
    /* Block the others while one is handled, so two signals never clean up at once. */
    (void)sigaddset(&action.sa_mask, SIGINT);
    (void)sigaddset(&action.sa_mask, SIGTERM);
    (void)sigaddset(&action.sa_mask, SIGHUP);
    (void)sigaction(SIGINT, &action, NULL);
    (void)sigaction(SIGTERM, &action, NULL);
    (void)sigaction(SIGHUP, &action, NULL);
    /* A closed pipe on stdout (`--json - | head`) makes the write fail with EPIPE, so the run
     * discards its temporary outputs through the normal path instead of being killed. */
    (void)signal(SIGPIPE, SIG_IGN);
}

void cli_cleanup_watch(bool is_watched)
{
    is_core_watching = is_watched ? 1 : 0;
}

int cli_cleanup_exit_status(void)
{
    return 128 + (caught_signal != 0 ? (int)caught_signal : SIGINT);
}

bool cli_cleanup_add_file(const char *path)
{
    size_t length = strlen(path);
    if (length >= PATH_BYTES) {
        return false;
    }
    for (int i = 0; i < MAX_PATHS; i++) {
        if (!used[i]) {
            memcpy(paths[i], path, length + 1);
            /* The path is whole before the handler can see the slot as used. */
            atomic_signal_fence(memory_order_seq_cst);
            used[i] = 1;
            return true;
        }
    }
    return false;
}

void cli_cleanup_forget_file(const char *path)
{
    for (int i = 0; i < MAX_PATHS; i++) {
        if (used[i] && strcmp(paths[i], path) == 0) {
            used[i] = 0;
        }
    }
}

void cli_cleanup_on_private_path(const char *path, bool is_removed, void *context)
{
    (void)context;
    if (is_removed) {
        cli_cleanup_forget_file(path);
    } else {
        (void)cli_cleanup_add_file(path);
    }
}
