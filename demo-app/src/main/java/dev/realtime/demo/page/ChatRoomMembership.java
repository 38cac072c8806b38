package dev.realtime.demo.page;

import java.util.Map;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.realtime.autoconfigure.ConditionalOnRealtimeEnabled;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.Subscription;
import dev.realtime.protocol.MetaFrame;

/**
 * Makes the demo's own client a member of the page's chat room at every connect, so
 * visitors see it online and it sees their typing. Rooms live in the hub's memory: after
 * a hub restart the next connect joins again.
 */
@Component
@ConditionalOnRealtimeEnabled
class ChatRoomMembership implements DisposableBean {

	/** The room the demo page chats in. */
	static final String ROOM = "general";

	private final Subscription subscription;

	ChatRoomMembership(MetaSignalClient client) {
		this.subscription = client.onConnectionStateChange((change) -> {
			if (change.current() == ConnectionState.CONNECTED) {
				client.sendMeta(MetaFrame.ROOM_JOIN, Map.of("room", ROOM));
			}
		});
	}

	@Override
	public void destroy() {
		this.subscription.close();
	}

}
