/* The output checks of output_guard.h. */
#define _XOPEN_SOURCE 700 /* realpath(3) */
#include "cli/output_guard.h"

#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli/diag.h"
#include "core/base/text.h"

/* Companions SQLite may keep beside a database: an output must not take their names. */
static const char *const companions[] = {"-wal", "-shm", "-journal"};

/* The real path of the folder path would be created in, joined with its last component;
 * NULL when that folder does not resolve (the output's own open then fails and says so). */
static char *resolved_target(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *folder = slash == NULL   ? bs_strdup(".")
                   : slash == path ? bs_strdup("/")
                                   : bs_strndup_bounded(path, (size_t)(slash - path));
    char *folder_real = folder != NULL ? realpath(folder, NULL) : NULL;
    free(folder);
    if (folder_real == NULL) {
        return NULL;
    }
    struct bs_strbuf joined = {0};
    bs_strbuf_append_str(&joined, folder_real);
    bs_strbuf_append_str(&joined, strcmp(folder_real, "/") == 0 ? "" : "/");
    bs_strbuf_append_str(&joined, slash == NULL ? path : slash + 1);
    free(folder_real);
    return bs_strbuf_take(&joined);
}

/* True when path is folder or below it. */
static bool is_within(const char *path, const char *folder)
{
    size_t length = strlen(folder);
    return strncmp(path, folder, length) == 0 &&
           (path[length] == '/' || path[length] == '\0' || strcmp(folder, "/") == 0);
}

static bool is_same_file(const struct stat *a, const char *path)
{
    struct stat b;
    return path != NULL && stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* Why output would touch the evidence, or NULL when it would not. */
static const char *conflict(const struct cli_options *options, const char *output,
                            const char *source_real, bool is_folder)
{
    struct stat existing;
    if (stat(output, &existing) == 0) {
        if (!is_folder && is_same_file(&existing, options->source_path)) {
            return "it is the database being scanned";
        }
        if (is_same_file(&existing, options->contacts_path)) {
            return "it is the --contacts book";
        }
        if (is_same_file(&existing, options->password_file)) {
            return "it is the --password-file";
        }
    }
    char *target = resolved_target(output);
    if (target == NULL) {
        return NULL;
    }
    const char *why = NULL;
    if (is_folder && is_within(target, source_real)) {
        why = "it is inside the backup folder being scanned";
    }
    for (size_t i = 0; !is_folder && why == NULL && i < sizeof(companions) / sizeof(*companions);
         i++) {
        size_t length = strlen(source_real);
        if (strncmp(target, source_real, length) == 0 &&
            strcmp(target + length, companions[i]) == 0) {
            why = "it would appear beside the database being scanned as one of its own files";
        }
    }
    free(target);
    return why;
}

bool cli_outputs_spare_evidence(const struct cli_options *options)
{
    struct stat source;
    if (stat(options->source_path, &source) != 0) {
        return true; /* the scan says what is wrong with the source */
    }
    char *source_real = realpath(options->source_path, NULL);
    if (source_real == NULL) {
        return true;
    }
    const char *const outputs[] = {options->csv_path, options->signal_path, options->json_path,
                                   options->html_path};
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof(outputs) / sizeof(*outputs); i++) {
        if (outputs[i] == NULL || strcmp(outputs[i], "-") == 0) {
            continue;
        }
        const char *why = conflict(options, outputs[i], source_real, S_ISDIR(source.st_mode));
        if (why != NULL) {
            cli_error("%s: %s; write the outputs elsewhere: the evidence is never written to",
                      outputs[i], why);
            ok = false;
        }
    }
    free(source_real);
    return ok;
}
