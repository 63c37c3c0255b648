/* sr-router-receipt-compat.c — the receipt parser under the engine's names
 * (see sr-router-receipt-compat.h for why). */
#define G_LOG_DOMAIN "sr-receipt"
#define SR_ROUTER_RECEIPT_COMPAT_BUILD 1
#include "sr-router-receipt-compat.h"
#include "../receipts/sr-receipt.c"
