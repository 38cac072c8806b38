/**
 * Wire protocol version 1: immutable frame records, the JSON codec, close codes, error
 * codes, the names and payloads of the signals, and the rule for user ids. Knows nothing
 * about Spring.
 */
@NullMarked
package dev.realtime.protocol;

import org.jspecify.annotations.NullMarked;
