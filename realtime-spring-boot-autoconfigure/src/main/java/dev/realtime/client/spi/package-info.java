/**
 * The client's service provider interface: what an implementation of an outbound queue,
 * an inbound store or a transport implements, uses and throws.
 */
@NullMarked
package dev.realtime.client.spi;

import org.jspecify.annotations.NullMarked;
