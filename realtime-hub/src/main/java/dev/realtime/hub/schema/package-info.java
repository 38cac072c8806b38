/**
 * The hub's own tables: its Flyway migrations, run apart from the application's.
 */
@NullMarked
package dev.realtime.hub.schema;

import org.jspecify.annotations.NullMarked;
