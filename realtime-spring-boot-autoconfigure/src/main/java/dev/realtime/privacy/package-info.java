/**
 * The user's privacy settings for typing indicators and read receipts, and their announcement
 * to the hub at every connect.
 */
@NullMarked
package dev.realtime.privacy;

import org.jspecify.annotations.NullMarked;
