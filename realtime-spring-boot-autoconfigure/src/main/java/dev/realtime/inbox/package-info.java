/**
 * JDBC inbound store (inbox): received events and the resume cursor in the application's
 * database, transactional delivery, and the API for events parked as failed.
 */
@NullMarked
package dev.realtime.inbox;

import org.jspecify.annotations.NullMarked;
