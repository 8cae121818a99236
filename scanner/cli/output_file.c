/* Atomic output files of output_file.h. */
#include "cli/output_file.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli/cleanup.h"
#include "cli/diag.h"
#include "core/base/text.h"

bool cli_output_open(struct cli_output *output, const char *target)
{
    memset(output, 0, sizeof(*output));
    output->target = target;
    if (strcmp(target, "-") == 0) {
        output->stream = stdout;
        return true;
    }
    struct bs_strbuf temp = {0};
    const char *slash = strrchr(target, '/');
    if (slash != NULL) {
        bs_strbuf_append(&temp, target, (size_t)(slash - target) + 1);
    }
    bs_strbuf_appendf(&temp, ".%s.bubblescan-", slash != NULL ? slash + 1 : target);
    bs_strbuf_append_temp_suffix(&temp);
    output->temp_path = bs_strbuf_take(&temp);
    if (output->temp_path == NULL) {
        cli_error("%s: out of memory", target);
        return false;
    }
    /* No signal between creating the file and registering it for removal: a SIGINT there
     * would leave it behind (cli.interrupt sends one as soon as the file appears). */
    sigset_t blocked;
    sigset_t previous_signals;
    (void)sigemptyset(&blocked);
    (void)sigaddset(&blocked, SIGINT);
    (void)sigaddset(&blocked, SIGTERM);
    (void)sigaddset(&blocked, SIGHUP);
    (void)sigprocmask(SIG_BLOCK, &blocked, &previous_signals);
    mode_t previous = umask(077);
    int fd = mkstemp(output->temp_path); /* 0600: the reports hold names and numbers */
    int saved_errno = errno;
    (void)umask(previous);
    bool is_registered = fd >= 0 && cli_cleanup_add_file(output->temp_path);
    (void)sigprocmask(SIG_SETMASK, &previous_signals, NULL);
    if (fd < 0) {
        cli_error("%s: cannot create the file (%s); check the folder exists and is writable",
                  target, strerror(saved_errno));
        free(output->temp_path);
        output->temp_path = NULL;
        return false;
    }
    if (!is_registered) {
        (void)close(fd);
        (void)unlink(output->temp_path);
        cli_error("%s: too many outputs", target);
        return false;
    }
    output->stream = fdopen(fd, "wb");
    if (output->stream == NULL) {
        (void)close(fd);
        cli_error("%s: cannot write (%s)", target, strerror(errno));
        return false;
    }
    return true;
}

bool cli_output_finish(struct cli_output *output)
{
    FILE *stream = output->stream;
    output->stream = NULL;
    if (stream == NULL) {
        return false;
    }
    bool ok = fflush(stream) == 0 && !ferror(stream);
    if (stream == stdout) {
        if (!ok) {
            cli_error("standard output: write failed (%s)", strerror(errno));
        }
        return ok;
    }
    ok = ok && fsync(fileno(stream)) == 0;
    int saved = errno;
    ok = fclose(stream) == 0 && ok;
    if (!ok) {
        cli_error("%s: write failed (%s); check the free space and try again", output->target,
                  strerror(saved != 0 ? saved : errno));
    }
    return ok;
}

bool cli_output_commit(struct cli_output *output)
{
    if (output->temp_path == NULL) {
        return true;
    }
    if (rename(output->temp_path, output->target) != 0) {
        cli_error("%s: cannot put the file in place (%s)", output->target, strerror(errno));
        return false;
    }
    cli_cleanup_forget_file(output->temp_path);
    free(output->temp_path);
    output->temp_path = NULL;
    return true;
}

void cli_output_discard(struct cli_output *output)
{
    if (output == NULL) {
        return;
    }
    if (output->stream != NULL && output->stream != stdout) {
        (void)fclose(output->stream);
    }
    output->stream = NULL;
    if (output->temp_path != NULL) {
        (void)unlink(output->temp_path);
        cli_cleanup_forget_file(output->temp_path);
        free(output->temp_path);
        output->temp_path = NULL;
    }
}
