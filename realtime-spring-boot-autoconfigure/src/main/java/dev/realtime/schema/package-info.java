/**
 * The library's own database schema: Flyway migrations under
 * {@code classpath:db/realtime/migration} with their own history table.
 */
@NullMarked
package dev.realtime.schema;

import org.jspecify.annotations.NullMarked;
