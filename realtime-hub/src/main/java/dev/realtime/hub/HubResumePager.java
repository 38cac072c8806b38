package dev.realtime.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.realtime.hub.HubSession.ResumeAnswer;
import dev.realtime.hub.HubStore.UserStream;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * Answers a client's resume one page at a time: the events of the user's stream after the
 * client's cursor, at most {@code resume-page-size} of them and never more than fit in
 * one frame, or a reset when the cursor is outside what the stream still holds.
 */
class HubResumePager {

	/** Room left in a frame for the resume response's own fields. */
	private static final int RESPONSE_ENVELOPE = 256;

	private final HubStore store;

	private final HubProperties properties;

	private final Supplier<HubMetrics> metrics;

	HubResumePager(HubStore store, HubProperties properties, Supplier<HubMetrics> metrics) {
		this.store = store;
		this.properties = properties;
		this.metrics = metrics;
	}

	/**
	 * Answer a resume: the client's accepted seq, and the next page of the user's stream
	 * after its cursor, or a reset when events it needs were already purged.
	 * @param clientId the client's {@code client_id}
	 * @param userId the user the client connected as
	 * @param lastAckSeq the client's cursor: the last seq of the user's stream it stored
	 * @return the answer
	 */
	ResumeAnswer resume(String clientId, String userId, long lastAckSeq) {
		long ackSeq = this.store.acceptedSeq(clientId);
		UserStream stream = this.store.userStream(userId);
		// a cursor ahead of the stream means the hub lost data: a reset is the only way
		// back
		if (lastAckSeq < stream.purgedSeq() || lastAckSeq > stream.lastSeq()) {
			return new ResumeAnswer(new ResumeResponseFrame(ackSeq, List.of(), false, true, stream.lastSeq()), true,
					stream.lastSeq());
		}
		int pageSize = Math.max(1, this.properties.getResumePageSize());
		List<StreamEvent> page = this.store.readStream(userId, lastAckSeq, pageSize + 1);
		// the page must also fit in one frame
		long budget = this.properties.getMaxFrameSize().toBytes() - RESPONSE_ENVELOPE;
		List<EventFrame> events = new ArrayList<>();
		long size = 0;
		long cursor = lastAckSeq;
		for (StreamEvent event : page) {
			if (events.size() == pageSize || (!events.isEmpty() && size + event.approximateSize() > budget)) {
				break;
			}
			events.add(event.frame());
			size += event.approximateSize();
			cursor = event.seq();
		}
		boolean hasMore = events.size() < page.size();
		HubMetrics counted = this.metrics.get();
		counted.resumePage();
		counted.eventsDelivered(events.size());
		return new ResumeAnswer(new ResumeResponseFrame(ackSeq, events, hasMore, false, stream.lastSeq()), !hasMore,
				cursor);
	}

}
