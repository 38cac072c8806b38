package dev.realtime.outbox;

import org.jspecify.annotations.Nullable;

/**
 * A dead letter's row with why it died.
 *
 * @param row the row
 * @param errorCode the error code recorded when it died, if any
 * @param lastError the error message recorded when it died, if any
 * @param deadAt when the event was dead-lettered, in milliseconds since the epoch
 */
record DeadRow(OutboxRow row, @Nullable String errorCode, @Nullable String lastError, @Nullable Long deadAt) {
}
