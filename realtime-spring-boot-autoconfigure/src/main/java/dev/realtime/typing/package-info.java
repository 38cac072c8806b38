/**
 * Typing indicators: throttled {@code typing.start}/{@code typing.stop} signals and the
 * expiring set of users typing in each channel.
 */
@NullMarked
package dev.realtime.typing;

import org.jspecify.annotations.NullMarked;
