/**
 * The announcement of the user's privacy settings for typing indicators and read receipts
 * to the hub at every connect.
 */
@NullMarked
package dev.realtime.privacy;

import org.jspecify.annotations.NullMarked;
