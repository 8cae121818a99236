/*
 * The migrate-to-Signal list (SPEC 3.5): who to invite, in which order, and how many risky
 * threads become fully secure once everyone down to each row has moved. Pure computation
 * over a classified result.
 */
#ifndef BS_CORE_SIGNAL_PLAN_H
#define BS_CORE_SIGNAL_PLAN_H

#include "core/base/status.h"
#include "core/model/model.h"

/* Fills result->signal_rows from its classified threads and people (replacing any previous
 * list). BS_ERR_NOMEM. */
enum bs_status bs_signal_plan_build(struct bs_scan_result *result, struct bs_error *err);

/* True for the threads the plan works on: critical and high groups, medium direct threads. */
bool bs_signal_plan_covers(const struct bs_thread *thread);

#endif
