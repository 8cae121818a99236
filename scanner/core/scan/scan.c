/* The whole-scan orchestration of scan.h. */
#include "core/scan/scan.h"

#include <errno.h>
#include <string.h>

#include <sys/stat.h>

#include "core/backup/contacts.h"
#include "core/model/ids.h"
#include "core/scan/backup_scan.h"
#include "core/store/sqlite_db.h"

const char *bs_source_kind_name(enum bs_source_kind kind)
{
    return kind == BS_SOURCE_BACKUP ? "iPhone backup" : "Messages database";
}

/* The scan's file options as the SQLite adapter takes them. */
static struct bs_sqlite_open_options open_options(const struct bs_scan_file_options *files)
{
    struct bs_sqlite_open_options open = {
        .temp_root = files->temp_root,
        .on_private_path = files->on_private_path,
        .context = files->context,
        .interrupt_flag = files->interrupt_flag,
    };
    return open;
}

static enum bs_status scan_database(const struct bs_scan_request *request,
                                    const struct bs_sqlite_open_options *open,
                                    struct bs_scan_report *report, struct bs_error *err)
{
    struct bs_ids *ids = NULL;
    struct bs_sqlite_db *db = NULL;
    enum bs_status status = bs_ids_create(&ids, err);
    if (status != BS_OK) {
        goto done;
    }
    status = bs_sqlite_db_open_file(request->source_path, NULL, open, &db, err);
    if (status != BS_OK) {
        goto done;
    }
    struct bs_scan_options options = {
        .ids = ids,
        .default_country = request->default_country != NULL ? request->default_country : "us",
        .since = request->since,
        .has_compare_cutoff = request->has_compare_cutoff,
        .compare_cutoff = request->compare_cutoff,
        .on_progress = request->on_progress,
        .progress_context = request->progress_context,
    };
    status = bs_sms_store_read(db, &options, &report->result, err);
    if (status == BS_OK) {
        status = bs_analysis_run(&report->result, request->names, err);
    }
done:
    bs_sqlite_db_close(db);
    bs_ids_free(ids);
    return status;
}

enum bs_status bs_scan_run(const struct bs_scan_request *request, struct bs_scan_report *report,
                           struct bs_error *err)
{
    struct stat info;
    enum bs_status status = BS_OK;
    struct bs_sqlite_open_options open = open_options(&request->files);
    if (stat(request->source_path, &info) != 0) {
        status = bs_error_set(err, errno == ENOENT ? BS_ERR_NOT_FOUND : BS_ERR_IO, "%s",
                              errno == ENOENT ? "no such file or folder" : strerror(errno));
    } else if (S_ISDIR(info.st_mode)) {
        report->source_kind = BS_SOURCE_BACKUP;
        status = bs_backup_scan(request, &open, report, err);
    } else {
        report->source_kind = BS_SOURCE_DATABASE;
        status = scan_database(request, &open, report, err);
    }
    if (status != BS_OK) {
        bs_scan_report_clear(report);
    }
    return status;
}

enum bs_status bs_scan_read_contacts(const char *path, const char *default_country,
                                     const struct bs_scan_file_options *files,
                                     struct bs_contacts **out, struct bs_error *err)
{
    struct bs_sqlite_open_options open = open_options(files);
    return bs_contacts_read_file(path, default_country, &open, out, err);
}

void bs_scan_report_clear(struct bs_scan_report *report)
{
    if (report != NULL) {
        bs_scan_result_clear(&report->result);
        bs_backup_facts_clear(&report->backup);
    }
}
