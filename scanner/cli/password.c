/* The backup password of password.h: file, standard input or a no-echo prompt. */
#include "cli/password.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <termios.h>

#include "core/backup/backup_crypto.h"
#include "core/base/limits.h"
#include "core/base/text.h"

/* Room for the longest password, a CR LF after it, and one byte more: a read that fills it
 * holds a password that is too long. */
#define READ_BUFFER_BYTES (BS_MAX_PASSWORD_BYTES + 3)

#define PROMPT "Password of the encrypted backup (typing is not shown): "

/* Signals that may arrive while the prompt waits with echo off. The handler only records
 * them; the terminal is restored, the previous handlers put back, then the signal is raised
 * again so it has its usual effect (cleanup and exit, or stop). */
static const int prompt_signals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
                                     SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU};
#define PROMPT_SIGNAL_COUNT (sizeof(prompt_signals) / sizeof(prompt_signals[0]))

static volatile sig_atomic_t prompt_signal;

static void on_prompt_signal(int signal_number)
{
    prompt_signal = signal_number;
}

static double now_seconds(void)
{
    struct timespec now;
    (void)clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Drops one trailing LF or CR LF. */
static size_t without_newline(const char *buffer, size_t length)
{
    if (length > 0 && buffer[length - 1] == '\n') {
        length--;
        if (length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
    }
    return length;
}

/* Reads fd to its end, or until buffer[0..capacity) is full. */
static bool read_to_end(int fd, char *buffer, size_t capacity, size_t *length)
{
    size_t got = 0;
    while (got < capacity) {
        ssize_t n = read(fd, buffer + got, capacity - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return false;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    *length = got;
    return true;
}

/* One line from the terminal on standard input with echo off, into buffer (what does not
 * fit is counted in *length but not kept). *caught is the signal that stopped it, or 0. */
static bool read_hidden_line(char *buffer, size_t capacity, size_t *length, int *caught)
{
    struct sigaction action;
    struct sigaction previous[PROMPT_SIGNAL_COUNT];
    struct termios saved;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_prompt_signal;
    (void)sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: a signal must end the read */
    prompt_signal = 0;
    for (size_t i = 0; i < PROMPT_SIGNAL_COUNT; i++) {
        (void)sigaction(prompt_signals[i], &action, &previous[i]);
    }
    bool has_terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (has_terminal) {
        struct termios quiet = saved;
        quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHOE | ECHOK | ECHONL);
        (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    (void)fputs(PROMPT, stderr);
    (void)fflush(stderr);

    bool ok = true;
    size_t got = 0;
    while (prompt_signal == 0) {
        char c = 0;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue; /* the loop condition sees the signal */
        }
        if (n < 0) {
            ok = false;
            break;
        }
        if (n == 0 || c == '\n') {
            break;
        }
        if (got < capacity) {
            buffer[got] = c;
        }
        got++;
        c = 0;
    }

    if (has_terminal) {
        (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    }
    (void)fputs("\n", stderr);
    (void)fflush(stderr);
    *caught = prompt_signal;
    for (size_t i = 0; i < PROMPT_SIGNAL_COUNT; i++) {
        (void)sigaction(prompt_signals[i], &previous[i], NULL);
    }
    *length = got;
    return ok;
}

static bool is_stop_signal(int signal_number)
{
    return signal_number == SIGTSTP || signal_number == SIGTTIN || signal_number == SIGTTOU;
}

/* The prompt, asked again after the process was stopped (^Z) and continued. */
static enum bs_status prompt(char *buffer, size_t capacity, size_t *length, struct bs_error *err)
{
    for (;;) {
        int caught = 0;
        size_t got = 0;
        bool ok = read_hidden_line(buffer, capacity, &got, &caught);
        if (caught != 0) {
            bs_backup_crypto_cleanse(buffer, capacity);
            (void)raise(caught); /* with the previous handler: cleanup and exit, or stop */
            if (is_stop_signal(caught)) {
                continue;
            }
            return bs_error_set(err, BS_ERR_INTERRUPTED, "interrupted while asking the password");
        }
        if (!ok) {
            return bs_error_set(err, BS_ERR_PASSWORD,
                                "the password could not be read from the terminal: %s; give "
                                "--password-file FILE or --password-stdin",
                                strerror(errno));
        }
        *length = got;
        return BS_OK;
    }
}

/* The raw bytes of --password-file or --password-stdin into buffer. */
static enum bs_status read_source(const struct cli_password *source, char *buffer, size_t capacity,
                                  size_t *length, const char **label, struct bs_error *err)
{
    bool is_stdin = source->from_stdin || strcmp(source->file_path, "-") == 0;
    *label = is_stdin ? "standard input" : source->file_path;
    if (is_stdin && isatty(STDIN_FILENO)) {
        return prompt(buffer, capacity, length, err);
    }
    int fd = is_stdin ? STDIN_FILENO : open(source->file_path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return bs_error_set(err, BS_ERR_PASSWORD, "--password-file %s: %s; check the path",
                            source->file_path, strerror(errno));
    }
    bool ok = read_to_end(fd, buffer, capacity, length);
    int saved_errno = errno;
    if (!is_stdin) {
        (void)close(fd);
    }
    if (!ok) {
        return bs_error_set(err, BS_ERR_PASSWORD, "reading the password from %s: %s",
                            is_stdin ? "standard input" : source->file_path, strerror(saved_errno));
    }
    return BS_OK;
}

enum bs_status cli_password_read(char *password, size_t capacity, size_t *length, void *context,
                                 struct bs_error *err)
{
    const struct cli_password *source = context;
    static char buffer[READ_BUFFER_BYTES]; /* static: no stack copy outlives the wipe below */
    size_t got = 0;
    const char *label = "the terminal";
    enum bs_status status = BS_OK;
    if (source->file_path != NULL || source->from_stdin) {
        status = read_source(source, buffer, sizeof(buffer), &got, &label, err);
    } else if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
        /* Both: a prompt on a redirected stderr would be a wait nobody sees. */
        status = prompt(buffer, sizeof(buffer), &got, err);
    } else {
        status = bs_error_set(err, BS_ERR_PASSWORD,
                              "an encrypted backup needs its password, and there is no "
                              "terminal to ask it on: give --password-file FILE or "
                              "--password-stdin");
    }
    /* A prompt counts what did not fit: more than the buffer is too long anyway. */
    size_t used = status != BS_OK ? 0 : got > sizeof(buffer) ? got : without_newline(buffer, got);
    if (status == BS_OK && used > BS_MAX_PASSWORD_BYTES) {
        status = bs_error_set(err, BS_ERR_PASSWORD,
                              "the password from %s is longer than %d bytes: is it the right "
                              "file?",
                              label, BS_MAX_PASSWORD_BYTES);
    } else if (status == BS_OK && used == 0) {
        status = bs_error_set(err, BS_ERR_PASSWORD,
                              "the password from %s is empty; an encrypted backup always has "
                              "one",
                              label);
    } else if (status == BS_OK && used > capacity) {
        status = bs_error_set(err, BS_ERR_PASSWORD, "the password from %s is too long", label);
    }
    if (status == BS_OK) {
        memcpy(password, buffer, used);
        *length = used;
    }
    bs_backup_crypto_cleanse(buffer, sizeof(buffer));
    return status;
}

void cli_password_on_key_derivation(bool is_finished, uint32_t sha256_iterations,
                                    uint32_t sha1_iterations, void *context)
{
    struct cli_password *source = context;
    if (!source->show_progress) {
        return;
    }
    if (is_finished) {
        (void)fprintf(stderr, " done (%.1f s)\n",
                      now_seconds() - source->derivation_started_seconds);
        (void)fflush(stderr);
        return;
    }
    /* The SHA-256 stage is the slow one when there is one (iOS 10.2 and later). */
    uint32_t iterations = sha256_iterations > 0 ? sha256_iterations : sha1_iterations;
    char count[BS_COUNT_TEXT_BYTES];
    source->derivation_started_seconds = now_seconds();
    (void)fprintf(stderr, "deriving the backup key (%s iterations%s)...",
                  bs_format_count(iterations, count),
                  iterations >= 1000000 ? "; a few seconds" : "");
    (void)fflush(stderr);
}
