/* sr-router-receipt-compat.h — sr-receipt.h under names that do not clash
 * with sr-journal.h.
 *
 * Both headers declare SrMessageState, SrReceiptState,
 * sr_message_state_to_string() and sr_receipt_state_to_string(), and both
 * libraries define those functions, so one program cannot link the two
 * objects.  Until the receipts module renames its copies, the engine builds
 * its own copy of sr-receipt.c under the names below
 * (sr-router-receipt-compat.c) and includes the header through this file.
 */
#pragma once

#define SrMessageState SrReceiptMessageState
#define SrReceiptState SrReceiptPartState
#define sr_receipt_state_to_string sr_router_receipt_state_to_string
#define sr_message_state_to_string sr_router_receipt_message_state_to_string
#define sr_receipt_parse sr_router_receipt_parse
#define sr_receipt_state_from_stat sr_router_receipt_state_from_stat
#define sr_receipt_state_from_message_state sr_router_receipt_state_from_message_state
#define sr_receipt_overall_state sr_router_receipt_overall_state
#define sr_receipt_error_quark sr_router_receipt_error_quark

#include "sr-receipt.h"

#ifndef SR_ROUTER_RECEIPT_COMPAT_BUILD
#undef SrMessageState
#undef SrReceiptState
#undef sr_receipt_state_to_string
#undef sr_message_state_to_string
#endif
