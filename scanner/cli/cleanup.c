/* Signal-time cleanup of cleanup.h. */
#include "cli/cleanup.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/store/sqlite_db.h"

#define MAX_PATHS  16
#define PATH_BYTES 4096

volatile sig_atomic_t cli_interrupted;

/* Paths are written before their slot is marked used, so the handler never sees half. */
static char paths[MAX_PATHS][PATH_BYTES];
static volatile sig_atomic_t used[MAX_PATHS];
static char private_dir[PATH_BYTES];
static volatile sig_atomic_t has_private_dir;

static void on_signal(int signal_number)
{
    cli_interrupted = 1;
    for (int i = 0; i < MAX_PATHS; i++) {
        if (used[i]) {
            (void)unlink(paths[i]);
        }
    }
    if (has_private_dir) {
        static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
        char path[PATH_BYTES + 64];
        for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
            /* Compose by hand: snprintf is not async-signal-safe. */
            size_t n = 0;
            for (const char *p = private_dir; *p != '\0' && n < PATH_BYTES; p++) {
                path[n++] = *p;
            }
            path[n++] = '/';
            for (const char *p = BS_SQLITE_PRIVATE_NAME; *p != '\0'; p++) {
                path[n++] = *p;
            }
            for (const char *p = suffixes[s]; *p != '\0'; p++) {
                path[n++] = *p;
            }
            path[n] = '\0';
            (void)unlink(path);
        }
        (void)rmdir(private_dir);
    }
    (void)signal(signal_number, SIG_DFL);
    (void)raise(signal_number);
}

void cli_cleanup_install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    (void)sigemptyset(&action.sa_mask);
    (void)sigaction(SIGINT, &action, NULL);
    (void)sigaction(SIGTERM, &action, NULL);
    (void)sigaction(SIGHUP, &action, NULL);
}

bool cli_cleanup_add_file(const char *path)
{
    if (strlen(path) >= PATH_BYTES) {
        return false;
    }
    for (int i = 0; i < MAX_PATHS; i++) {
        if (!used[i]) {
            memcpy(paths[i], path, strlen(path) + 1);
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

void cli_cleanup_add_private_dir(const char *path, void *context)
{
    (void)context;
    if (strlen(path) < PATH_BYTES) {
        memcpy(private_dir, path, strlen(path) + 1);
        has_private_dir = 1;
    }
}
