package dev.realtime.demo.chat;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.realtime.autoconfigure.ConditionalOnRealtimeEnabled;
import dev.realtime.client.InboundMessage;

/**
 * Every inbound event the demo's client has received, in stream order. Kept in memory:
 * the demo shows the round trip; a real application stores what it needs in its own
 * tables.
 */
@Component
@ConditionalOnRealtimeEnabled
public class ReceivedMessages {

	private final List<InboundMessage> messages = new ArrayList<>();

	@EventListener
	void onMessage(InboundMessage message) {
		synchronized (this.messages) {
			this.messages.add(message);
		}
	}

	/**
	 * Return the received events in order.
	 * @return a copy of the list
	 */
	public List<InboundMessage> all() {
		synchronized (this.messages) {
			return List.copyOf(this.messages);
		}
	}

}
