/* The run of run.h. */
#include "cli/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli/cleanup.h"
#include "cli/diag.h"
#include "cli/output_file.h"
#include "cli/output_guard.h"
#include "cli/password.h"
#include "core/backup/contacts.h"
#include "core/model/compare.h"
#include "core/report/compare_read.h"
#include "core/report/redact.h"
#include "core/report/report_csv.h"
#include "core/report/report_html.h"
#include "core/report/report_json.h"
#include "core/report/report_text.h"
#include "core/scan/scan.h"

#ifndef BS_VERSION
#define BS_VERSION "0.0.0"
#endif

/* Progress appears only for work that has lasted this long, and refreshes this often. */
#define PROGRESS_DELAY_SECONDS   1.0
#define PROGRESS_REFRESH_SECONDS 0.2

struct progress {
    double started;
    double last_drawn;
    bool drawn;
};

static double now_seconds(void)
{
    struct timespec now;
    (void)clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void on_progress(uint64_t done, uint64_t total, void *context)
{
    struct progress *progress = context;
    double now = now_seconds();
    if (now - progress->started < PROGRESS_DELAY_SECONDS ||
        now - progress->last_drawn < PROGRESS_REFRESH_SECONDS || total == 0) {
        return;
    }
    progress->last_drawn = now;
    progress->drawn = true;
    double fraction = done >= total ? 1.0 : (double)done / (double)total;
    double rate = (double)done / (now - progress->started);
    double remaining = rate > 0 ? (double)(total - (done < total ? done : total)) / rate : 0;
    char bar[21];
    int filled = (int)(fraction * 20);
    for (int i = 0; i < 20; i++) {
        bar[i] = i < filled ? '#' : '.';
    }
    bar[20] = '\0';
    (void)fprintf(stderr, "\r\x1b[Kscanning messages [%s] %3d%%  %.0fk rows/s  about %.0fs left",
                  bar, (int)(fraction * 100), rate / 1000, remaining);
    (void)fflush(stderr);
}

static void progress_end(struct progress *progress)
{
    if (progress->drawn) {
        (void)fputs("\r\x1b[K", stderr);
        (void)fflush(stderr);
    }
}

static bool is_folder(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

static int exit_for_source_error(const struct cli_options *options, const struct bs_error *err)
{
    const char *advice = "";
    int code = CLI_EXIT_SOURCE;
    switch (err->status) {
    case BS_ERR_NOT_FOUND:
        advice = "; check the path";
        break;
    case BS_ERR_FORMAT: /* a damaged backup folder says what is wrong with it on its own */
        advice = is_folder(options->source_path) ? "" : "; give an iPhone sms.db or a Mac chat.db";
        break;
    case BS_ERR_IO:
        advice = "; check that it is readable";
        break;
    case BS_ERR_PASSWORD:
        code = CLI_EXIT_PASSWORD;
        break;
    case BS_ERR_INTERRUPTED:
        code = cli_cleanup_exit_status();
        break;
    default:
        break;
    }
    cli_error("%s: %s%s", options->source_path, err->message, advice);
    return code;
}

/* --contacts could not be read: exit 3 (SPEC 5: a source missing, unreadable or corrupt),
 * naming that file. */
static int exit_for_contacts_error(const struct cli_options *options, const struct bs_error *err)
{
    const char *advice = "";
    switch (err->status) {
    case BS_ERR_NOT_FOUND:
        advice = "; check the --contacts path";
        break;
    case BS_ERR_IO:
        advice = "; check that it is readable";
        break;
    default:
        break;
    }
    cli_error("--contacts %s: %s%s", options->contacts_path, err->message, advice);
    return err->status == BS_ERR_INTERRUPTED ? cli_cleanup_exit_status() : CLI_EXIT_SOURCE;
}

/* --compare OLD could not be used: exit 2 (SPEC 5: a usage error), naming that file and why. */
static int exit_for_compare_error(const struct cli_options *options, const struct bs_error *err)
{
    const char *advice = "";
    switch (err->status) {
    case BS_ERR_NOT_FOUND:
        advice = "; check the --compare path";
        break;
    case BS_ERR_IO:
        advice = "; check that it is readable";
        break;
    case BS_ERR_UNSUPPORTED:
        break; /* a redacted report says what to do itself */
    default:
        advice = "; give the --json report of an earlier scan";
        break;
    }
    cli_error("--compare %s: %s%s", options->compare_path, err->message, advice);
    return CLI_EXIT_USAGE;
}

/* One output file: the path asked for (NULL when not asked) and what writes it. */
struct output_kind {
    const char *target;
    enum bs_status (*write)(const struct bs_scan_report *report,
                            const struct bs_report_model *model, const struct bs_compare *compare,
                            const struct cli_options *options, FILE *out, struct bs_error *err);
};

static enum bs_status write_threads_csv(const struct bs_scan_report *report,
                                        const struct bs_report_model *model,
                                        const struct bs_compare *compare,
                                        const struct cli_options *options, FILE *out,
                                        struct bs_error *err)
{
    (void)compare; /* the CSVs do not change with --compare (SPEC 4) */
    return bs_report_csv_threads(&report->result, model, options->all_threads, out, err);
}

static enum bs_status write_signal_csv(const struct bs_scan_report *report,
                                       const struct bs_report_model *model,
                                       const struct bs_compare *compare,
                                       const struct cli_options *options, FILE *out,
                                       struct bs_error *err)
{
    (void)options;
    (void)compare;
    return bs_report_csv_signal(&report->result, model, out, err);
}

static const char *source_label(const struct cli_options *options)
{
    return options->redact ? bs_redact_source_label : options->source_path;
}

static enum bs_status write_json_report(const struct bs_scan_report *report,
                                        const struct bs_report_model *model,
                                        const struct bs_compare *compare,
                                        const struct cli_options *options, FILE *out,
                                        struct bs_error *err)
{
    struct bs_report_json_context context = {
        .version = BS_VERSION,
        .source_label = options->redact ? NULL : options->source_path,
        .since = options->since,
        .is_redacted = options->redact,
        .compare = compare,
    };
    return bs_report_json_write(report, model, &context, out, err);
}

static enum bs_status write_html_report(const struct bs_scan_report *report,
                                        const struct bs_report_model *model,
                                        const struct bs_compare *compare,
                                        const struct cli_options *options, FILE *out,
                                        struct bs_error *err)
{
    struct bs_report_html_context context = {
        .version = BS_VERSION,
        .source_label = source_label(options),
        .since = options->since,
        .all_threads = options->all_threads,
        .is_redacted = options->redact,
        .compare = compare,
    };
    return bs_report_html_write(report, model, &context, out, err);
}

/* Writes every requested output to a temporary file, and renames them into place only once
 * every one was written: a failed write leaves none. A rename that fails after others
 * succeeded (a full or read-only target) leaves those in place, and says which failed. */
static int write_outputs(const struct cli_options *options, const struct bs_scan_report *report,
                         const struct bs_report_model *model, const struct bs_compare *compare)
{
    const struct output_kind kinds[] = {
        {options->csv_path, write_threads_csv},
        {options->signal_path, write_signal_csv},
        {options->json_path, write_json_report},
        {options->html_path, write_html_report},
    };
    enum {
        KIND_COUNT = sizeof(kinds) / sizeof(kinds[0])
    };
    struct cli_output outputs[KIND_COUNT];
    size_t opened = 0;
    bool ok = true;
    for (size_t i = 0; i < KIND_COUNT && ok; i++) {
        if (kinds[i].target == NULL) {
            continue;
        }
        struct cli_output *output = &outputs[opened];
        ok = cli_output_open(output, kinds[i].target);
        if (!ok) {
            cli_output_discard(output);
            break;
        }
        opened++;
        struct bs_error err = {BS_OK, ""};
        if (kinds[i].write(report, model, compare, options, output->stream, &err) != BS_OK) {
            cli_error("%s: %s", kinds[i].target, err.message);
            ok = false;
        }
        ok = cli_output_finish(output) && ok;
    }
    for (size_t i = 0; i < opened && ok; i++) {
        ok = cli_output_commit(&outputs[i]);
    }
    for (size_t i = 0; i < opened; i++) {
        cli_output_discard(&outputs[i]);
    }
    return ok ? CLI_EXIT_OK : CLI_EXIT_OUTPUT;
}

static bool is_stdout(const char *path)
{
    return path != NULL && strcmp(path, "-") == 0;
}

static bool print_summary(const struct cli_options *options, const struct bs_scan_report *report,
                          const struct bs_report_model *model, const struct bs_compare *compare)
{
    const char *no_colour = getenv("NO_COLOR");
    struct bs_report_context context = {
        .version = BS_VERSION,
        .source_label = source_label(options),
        .source_kind = bs_source_kind_name(report->source_kind),
        .since = options->since,
        .use_colour = isatty(STDOUT_FILENO) && (no_colour == NULL || no_colour[0] == '\0'),
        .backup = &report->backup,
        .compare = compare,
    };
    struct bs_strbuf summary = {0};
    bs_report_text_summary(&report->result, model, &context, &summary);
    bool ok = !summary.failed && fputs(bs_strbuf_str(&summary), stdout) >= 0 && fflush(stdout) == 0;
    bs_strbuf_free(&summary);
    if (!ok) {
        cli_error("standard output: the summary could not be written");
    }
    return ok;
}

static bool has_thread_at(const struct bs_report_model *model, enum bs_risk risk)
{
    for (int r = (int)risk; r <= BS_RISK_CRITICAL; r++) {
        if (model->threads_by_risk[r] > 0) {
            return true;
        }
    }
    return false;
}

int cli_run(const struct cli_options *options)
{
    if (!cli_outputs_spare_evidence(options)) {
        return CLI_EXIT_USAGE;
    }
    cli_cleanup_install();
    struct progress progress = {now_seconds(), 0, false};
    bool show_progress = !options->quiet && isatty(STDERR_FILENO);
    const char *temp_root = getenv("TMPDIR");
    /* Asked only if SOURCE turns out to be an encrypted backup. */
    struct cli_password password = {
        .file_path = options->password_file,
        .from_stdin = options->password_stdin,
        .show_progress = show_progress,
    };
    struct bs_scan_request request = {
        .source_path = options->source_path,
        .default_country = options->country,
        .since = options->since,
        .files =
            {
                .temp_root = temp_root != NULL && temp_root[0] != '\0' ? temp_root : "/tmp",
                .on_private_path = cli_cleanup_on_private_path,
                .interrupt_flag = &cli_interrupted,
            },
        .on_progress = show_progress ? on_progress : NULL,
        .progress_context = &progress,
        .password = {cli_password_read, cli_password_on_key_derivation, &password},
    };
    struct bs_scan_report report;
    memset(&report, 0, sizeof(report));
    struct bs_error err = {BS_OK, ""};
    /* OLD first: a report that cannot be compared stops the run before the scan (and before a
     * password is asked), and the scan needs its cutoff to count new messages in its pass. */
    struct bs_old_report old;
    memset(&old, 0, sizeof(old));
    if (options->compare_path != NULL) {
        if (bs_compare_read_file(options->compare_path, &old, &err) != BS_OK) {
            return exit_for_compare_error(options, &err);
        }
        request.has_compare_cutoff = true;
        request.compare_cutoff = bs_compare_cutoff(&old);
    }
    struct bs_contacts *contacts = NULL;
    struct bs_name_source names;
    /* From here to the end of the scan the core watches cli_interrupted (cleanup.h). */
    cli_cleanup_watch(true);
    if (options->contacts_path != NULL) {
        if (bs_scan_read_contacts(options->contacts_path, options->country, &request.files,
                                  &contacts, &err) != BS_OK) {
            cli_cleanup_watch(false);
            bs_old_report_clear(&old);
            return exit_for_contacts_error(options, &err);
        }
        names = bs_contacts_name_source(contacts);
        request.names = &names;
    }
    enum bs_status status = bs_scan_run(&request, &report, &err);
    cli_cleanup_watch(false);
    bs_contacts_free(contacts); /* the scan copied the names it used */
    progress_end(&progress);
    if (status == BS_OK && cli_interrupted) { /* the signal came after the last batch */
        bs_scan_report_clear(&report);
        status = bs_error_set(&err, BS_ERR_INTERRUPTED, "interrupted");
    }
    if (status != BS_OK) {
        bs_old_report_clear(&old);
        return exit_for_source_error(options, &err);
    }
    /* Threads are matched by their real guids: before redaction, which renames them. */
    struct bs_compare compare;
    memset(&compare, 0, sizeof(compare));
    const struct bs_compare *shown_compare = options->compare_path != NULL ? &compare : NULL;
    if (shown_compare != NULL &&
        (bs_compare_build(&report.result, &old, &compare, &err) != BS_OK ||
         (options->redact && bs_redact_compare(&compare, &err) != BS_OK))) {
        cli_error("%s", err.message);
        bs_compare_clear(&compare);
        bs_scan_report_clear(&report);
        return CLI_EXIT_OUTPUT;
    }
    /* The report model is built from what the outputs show: after redaction, which renames. */
    struct bs_report_model model;
    if ((options->redact && bs_redact_report(&report, &err) != BS_OK) ||
        bs_report_model_build(&report.result, &report.backup, &model, &err) != BS_OK) {
        cli_error("%s", err.message);
        bs_compare_clear(&compare);
        bs_scan_report_clear(&report);
        return CLI_EXIT_OUTPUT;
    }
    for (size_t i = 0; i < model.note_count; i++) {
        cli_note("%s: %s", options->source_path, model.notes[i]);
    }
    for (size_t i = 0; i < report.backup.warning_count; i++) {
        cli_warning("%s: %s", options->source_path, report.backup.warnings[i]);
    }
    int code = write_outputs(options, &report, &model, shown_compare);
    bool summary_on_stdout = !is_stdout(options->csv_path) && !is_stdout(options->signal_path) &&
                             !is_stdout(options->json_path) && !is_stdout(options->html_path);
    if (code == CLI_EXIT_OK && summary_on_stdout &&
        !print_summary(options, &report, &model, shown_compare)) {
        code = CLI_EXIT_OUTPUT;
    }
    if (code == CLI_EXIT_OK && options->has_fail_on && has_thread_at(&model, options->fail_on)) {
        code = CLI_EXIT_RISK_FOUND;
    }
    bs_report_model_clear(&model);
    bs_compare_clear(&compare);
    bs_scan_report_clear(&report);
    return code;
}
