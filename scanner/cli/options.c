/* Option parsing and the --help text (see options.h). */
#include "cli/options.h"

#include <stdio.h>
#include <string.h>

#include <getopt.h>

#include "cli/diag.h"
#include "core/model/classify.h"
#include "core/model/ids.h"

enum long_only {
    OPT_CSV = 256,
    OPT_SIGNAL,
    OPT_ALL,
    OPT_FAIL_ON,
    OPT_SINCE,
    OPT_COUNTRY,
    OPT_CONTACTS,
    OPT_COMPARE,
    OPT_JSON,
    OPT_HTML,
    OPT_REDACT,
    OPT_PASSWORD_FILE,
    OPT_PASSWORD_STDIN,
    OPT_PASSWORD_REFUSED
};

static const struct option long_options[] = {
    {"csv", required_argument, NULL, OPT_CSV},
    {"signal", required_argument, NULL, OPT_SIGNAL},
    {"json", required_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"redact", no_argument, NULL, OPT_REDACT},
    {"all", no_argument, NULL, OPT_ALL},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"since", required_argument, NULL, OPT_SINCE},
    {"country", required_argument, NULL, OPT_COUNTRY},
    {"contacts", required_argument, NULL, OPT_CONTACTS},
    {"compare", required_argument, NULL, OPT_COMPARE},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    /* Listed only to refuse it with a reason: a password in argv is visible to every user. */
    {"password", optional_argument, NULL, OPT_PASSWORD_REFUSED},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

void cli_options_print_help(void)
{
    (void)fputs("Usage: bubblescan [OPTIONS] SOURCE\n"
                "\n"
                "Finds the conversations in an iPhone or Mac Messages database where end-to-end\n"
                "encryption does not hold (SMS, MMS, RCS, and group chats that one member not on\n"
                "iMessage drops to MMS), who breaks it, and who to move to Signal. Reads metadata\n"
                "only; never message text. The source is opened read-only and never changed.\n"
                "\n"
                "SOURCE is an iPhone backup folder (as Finder, iTunes or idevicebackup2 wrote it:\n"
                "iOS 4 or later; encrypted ones below), an iPhone sms.db or a Mac chat.db (a -wal\n"
                "file beside it is applied on a private copy). A backup also gives device facts,\n"
                "where messages sit unencrypted at rest, and contact names from its AddressBook.\n"
                "\n"
                "Outputs (FILE '-' is standard output; files are created mode 0600 and appear\n"
                "only when the scan succeeds):\n"
                "  --csv FILE        risky threads as CSV (every thread with --all)\n"
                "  --signal FILE     the migrate-to-Signal list as CSV\n"
                "  --json FILE       everything as JSON: findings, counts, threads, Signal list\n"
                "  --html FILE       a self-contained page with charts, to read or share\n"
                "  --all             list every thread in --csv and --html, not only risky ones\n"
                "  --redact          every name, number and group in every output replaced by a\n"
                "                    stable pseudonym (Person 7, Group 3, +1...67), for sharing\n"
                "\n"
                "Scan:\n"
                "  --since DATE      count only messages on or after DATE (YYYY-MM-DD, UTC)\n"
                "  --country CC      country of numbers stored without one (ISO code; default us)\n"
                "  --contacts FILE   names from a contact book (an iPhone AddressBook.sqlitedb,\n"
                "                    a Mac AddressBook-v22.abcddb), instead of the backup's own\n"
                "  --compare OLD     say what changed since OLD, the --json report of an\n"
                "                    earlier scan (not --redact): risk up and down, threads\n"
                "                    gone, unencrypted messages since (summary, HTML, JSON)\n"
                "  --fail-on RISK    exit 1 when a thread is at RISK or above\n"
                "                    (critical, high, medium, low, none)\n"
                "  -q, --quiet       no progress on stderr\n"
                "  -h, --help        this help\n"
                "  -V, --version     the version\n"
                "\n"
                "Encrypted backups (iOS 10 or later) are decrypted in memory only: nothing\n"
                "decrypted touches disk. The password is asked without echo when standard input\n"
                "is a terminal, or read with:\n"
                "  --password-file FILE  from FILE (one trailing newline is not part of it)\n"
                "  --password-stdin      from standard input (the same)\n"
                "There is no --password option: a password on the command line is visible to\n"
                "every user of the computer and stays in the shell history.\n"
                "\n"
                "Exit status: 0 scan completed, 1 --fail-on matched, 2 usage error,\n"
                "3 source missing, unreadable, unsupported or corrupt, 4 encrypted backup without\n"
                "the right password, 5 an output could not be written.\n"
                "Colour only on a terminal, never when NO_COLOR is set.\n",
                stdout);
}

static bool parse_country(const char *text, const char **out)
{
    static char country[3];
    if (text == NULL || strlen(text) != 2 || bs_ids_calling_code(text) == NULL) {
        return false;
    }
    for (int i = 0; i < 2; i++) {
        char c = text[i];
        country[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    country[2] = '\0';
    *out = country;
    return true;
}

static bool apply_option(int option, const char *value, struct cli_options *options)
{
    switch (option) {
    case OPT_CSV:
        options->csv_path = value;
        return true;
    case OPT_SIGNAL:
        options->signal_path = value;
        return true;
    case OPT_ALL:
        options->all_threads = true;
        return true;
    case OPT_JSON:
        options->json_path = value;
        return true;
    case OPT_HTML:
        options->html_path = value;
        return true;
    case OPT_REDACT:
        options->redact = true;
        return true;
    case OPT_FAIL_ON:
        options->has_fail_on = true;
        if (!bs_risk_parse(value, &options->fail_on)) {
            cli_error("--fail-on: '%s' is not a risk; use critical, high, medium, low or none",
                      value);
            return false;
        }
        return true;
    case OPT_SINCE:
        if (!bs_date_parse(value, &options->since)) {
            cli_error("--since: '%s' is not a date; use YYYY-MM-DD", value);
            return false;
        }
        return true;
    case OPT_COUNTRY:
        if (!parse_country(value, &options->country)) {
            cli_error("--country: '%s' is not a known two-letter country code (us, gb, de...)",
                      value);
            return false;
        }
        return true;
    case OPT_CONTACTS:
        options->contacts_path = value;
        return true;
    case OPT_COMPARE:
        options->compare_path = value;
        return true;
    case OPT_PASSWORD_FILE:
        options->password_file = value;
        return true;
    case OPT_PASSWORD_STDIN:
        options->password_stdin = true;
        return true;
    case OPT_PASSWORD_REFUSED: /* the value is never repeated: it may be the password */
        cli_error("--password: a password is never taken on the command line, where every "
                  "user can see it; use --password-file FILE or --password-stdin, or type it "
                  "at the prompt");
        return false;
    case 'q':
        options->quiet = true;
        return true;
    case 'h':
        options->show_help = true;
        return true;
    case 'V':
        options->show_version = true;
        return true;
    default:
        return false; /* getopt_long already said what was wrong */
    }
}

static bool same_output(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

bool cli_options_parse(int argc, char **argv, struct cli_options *options)
{
    memset(options, 0, sizeof(*options));
    options->country = "us";
    opterr = 0;
    int option;
    while ((option = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        if (option == '?' && optopt != 0) {
            /* A short option: optind may still point into its group ("-Zq"). */
            cli_error("unknown option '-%c'; see bubblescan --help", optopt);
            return false;
        }
        if (option == '?') {
            cli_error("unknown option '%s'; see bubblescan --help", argv[optind - 1]);
            return false;
        }
        if (option == ':') {
            cli_error("option '%s' needs a value; see bubblescan --help", argv[optind - 1]);
            return false;
        }
        if (!apply_option(option, optarg, options)) {
            return false;
        }
    }
    if (options->show_help || options->show_version) {
        return true;
    }
    if (optind >= argc) {
        cli_error("no SOURCE given; usage: bubblescan [OPTIONS] SOURCE (see --help)");
        return false;
    }
    if (optind + 1 < argc) {
        cli_error("one SOURCE only, got also '%s'; see bubblescan --help", argv[optind + 1]);
        return false;
    }
    options->source_path = argv[optind];
    if (options->password_file != NULL && options->password_stdin) {
        cli_error("--password-file and --password-stdin both give the password; use one");
        return false;
    }
    const struct {
        const char *option;
        const char *path;
    } outputs[] = {{"--csv", options->csv_path},
                   {"--signal", options->signal_path},
                   {"--json", options->json_path},
                   {"--html", options->html_path}};
    size_t output_count = sizeof(outputs) / sizeof(outputs[0]);
    for (size_t i = 0; i < output_count; i++) {
        for (size_t j = i + 1; j < output_count; j++) {
            if (same_output(outputs[i].path, outputs[j].path)) {
                cli_error("%s and %s name the same file '%s'", outputs[i].option, outputs[j].option,
                          outputs[i].path);
                return false;
            }
        }
    }
    return true;
}
