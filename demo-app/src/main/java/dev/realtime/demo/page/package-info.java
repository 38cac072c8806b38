/**
 * The backend of the demo page: the demo's own client seen from the browser (its state
 * and meters for the live panel, buttons to cut and restart its connection) and its
 * membership of the page's chat room.
 */
@NullMarked
package dev.realtime.demo.page;

import org.jspecify.annotations.NullMarked;
