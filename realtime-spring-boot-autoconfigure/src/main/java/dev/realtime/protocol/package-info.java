/**
 * Wire protocol version 1: immutable frame records, the JSON codec and close codes. Knows
 * nothing about Spring.
 */
@NullMarked
package dev.realtime.protocol;

import org.jspecify.annotations.NullMarked;
